"""A decorator registry of explanation methods; each says which models it fits."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

import torch

from model_zoo import Classifier
from model_zoo.classifier import Modality


@dataclass(frozen=True)
class MethodOutput:
    """What a method function returns before the common wrapper adds the display facts.

    ``scores``: image methods return any (h, w) map aligned with the model input's grid;
    text methods return (T,). ``model_evals`` counts forward passes (one per image in a batch).
    """

    scores: torch.Tensor
    model_evals: int
    delta: float | None = None
    extras: dict[str, Any] = field(default_factory=dict)


class MethodFn(Protocol):
    def __call__(self, model: Classifier, data: Any, target: int, **params: Any) -> MethodOutput: ...


class BatchFn(Protocol):
    """A method's batched form: (N, h, w) maps and (N, classes) logits for images ``x``
    (N, 3, H, W, preprocessed) and their ``targets`` (N,). ``net``: the network to explain
    (default: the model's own, or the private copy the method needs); ``create_graph``:
    the maps stay differentiable in ``x``. On a batch of one it gives the registered map."""

    def __call__(self, model: Classifier, x: torch.Tensor, targets: torch.Tensor, *,
                 net: torch.nn.Module | None = None, create_graph: bool = False,
                 **params: Any) -> tuple[torch.Tensor, torch.Tensor]: ...


class UnknownMethodError(ValueError):
    """No method of that name is registered."""


class IncompatibleError(ValueError):
    """The method does not fit the model."""


def any_model(model: Classifier) -> bool:
    return True


# A parameter's choices that depend on the model: value -> label (e.g. a CAM's layers).
ModelChoices = Callable[[Classifier], dict[Any, str]]


@dataclass(frozen=True)
class ExplainerEntry:
    name: str
    title: str
    modality: Modality
    signed: bool
    fn: MethodFn
    fits: Callable[[Classifier], bool] = any_model
    defaults: dict[str, Any] = field(default_factory=dict)
    summary: str = ""
    choices: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    quick: dict[str, Any] = field(default_factory=dict)
    model_choices: dict[str, ModelChoices] = field(default_factory=dict)
    provides: tuple[str, ...] = ()
    batch_fn: BatchFn | None = None
    differentiable: dict[str, Any] | None = None
    forward_only: bool = False
    shared: Any = None  # an explainers.shared_pass.SharedPart: read from a pass shared with others
    why_not: Callable[[Classifier], str] | None = None  # a user's reason where it does not fit
    only_for: tuple[str, ...] | None = None  # the model names it can ever fit (None: any)

    def is_compatible(self, model: Classifier) -> bool:
        gradients_ok = self.forward_only or not getattr(model, "forward_only", "")
        return model.modality == self.modality and gradients_ok and self.fits(model)

    def quick_for(self, model: Classifier) -> dict[str, Any]:
        """Cheap settings for smoke tests and quick benchmarks (a value may be a function
        of the model, e.g. an early layer on a deep net)."""
        return {k: v(model) if callable(v) else v for k, v in self.quick.items()}

    def choices_for(self, model: Classifier) -> dict[str, dict[Any, str]]:
        """Every parameter that takes one of a few values: value -> label, for this model."""
        fixed = {name: {v: str(v) for v in values} for name, values in self.choices.items()}
        return fixed | {name: pick(model) for name, pick in self.model_choices.items()}

    def defaults_for(self, model: Classifier) -> dict[str, Any]:
        """Defaults with a model-dependent choice resolved to one of its values (an int
        default indexes the choices, so -1 is the last layer)."""
        settings = dict(self.defaults)
        for name, pick in self.model_choices.items():
            options = list(pick(model))
            if options and settings.get(name) not in options:
                default = settings.get(name)
                settings[name] = options[default] if isinstance(default, int) else options[0]
        return settings


_ENTRIES: dict[str, ExplainerEntry] = {}


def register_explainer(name: str, *, title: str, modality: Modality, signed: bool,
                       fits: Callable[[Classifier], bool] = any_model, summary: str = "",
                       choices: dict[str, tuple[Any, ...]] | None = None,
                       quick: dict[str, Any] | None = None,
                       model_choices: dict[str, ModelChoices] | None = None,
                       provides: tuple[str, ...] = (), batch_fn: BatchFn | None = None,
                       differentiable: dict[str, Any] | None = None, forward_only: bool = False,
                       shared: Any = None,
                       why_not: Callable[[Classifier], str] | None = None,
                       only_for: tuple[str, ...] | None = None, **defaults: Any):
    """Register a method function; keyword defaults are its tunable parameters.

    ``choices`` lists the allowed values of a parameter that takes one of a few
    (for example a baseline name), so pages can offer a picker instead of free input;
    ``model_choices`` does so where the values depend on the model (a CAM's layers).
    ``quick``: cheap settings that still give a real map, used by the smoke tests and the
    benchmarks' quick mode. ``provides``: names of ``extras`` the method returns that a
    page can draw (e.g. ``"attentions"``), so pages find methods by what they give.
    ``batch_fn``: the same map for a batch of images in one pass (the audit uses it).
    ``differentiable``: settings under which ``batch_fn(create_graph=True)`` is cheap enough
    for an attack to follow its gradient (the fragility lesson offers these methods).
    ``forward_only``: the method only calls the model's forward on batches of images (no
    gradients, hooks or weights), so it also fits a model with no gradients (onnxruntime).
    ``shared``: a ``SharedPart`` (explainers/shared_pass.py), what the method reads from one
    forward+backward that the methods asked for with it share.
    ``why_not``: a sentence for a user saying why the method is not available for a model
    that ``fits`` turns away (e.g. no explainer trained for it). ``only_for``: the model
    names it can fit at all (``methods`` lists them), for a method trained per model.
    """

    def wrap(fn: MethodFn) -> MethodFn:
        if name in _ENTRIES:
            raise ValueError(f"method {name!r} registered twice")
        _ENTRIES[name] = ExplainerEntry(name, title, modality, signed, fn, fits, defaults, summary,
                                        dict(choices or {}), dict(quick or {}),
                                        dict(model_choices or {}), tuple(provides), batch_fn,
                                        None if differentiable is None else dict(differentiable),
                                        forward_only, shared, why_not, only_for)
        return fn

    return wrap


def explainer_entries(modality: Modality | None = None) -> list[ExplainerEntry]:
    return [e for e in _ENTRIES.values() if modality in (None, e.modality)]


def explainer_entry(name: str) -> ExplainerEntry:
    if name not in _ENTRIES:
        raise UnknownMethodError(f"unknown method {name!r}; choose one of {', '.join(_ENTRIES)}")
    return _ENTRIES[name]


def compatible_methods(model: Classifier) -> list[ExplainerEntry]:
    """The methods the pages and the command line may offer for this model."""
    return [e for e in _ENTRIES.values() if e.is_compatible(model)]


def batched_methods(modality: Modality = "image") -> list[str]:
    """Methods with a batched form (``batch_fn``): one pass for a whole batch."""
    return [e.name for e in explainer_entries(modality) if e.batch_fn is not None]


def differentiable_methods(modality: Modality = "image") -> list[str]:
    """Methods whose map an attack can differentiate (``differentiable`` settings given)."""
    return [e.name for e in explainer_entries(modality)
            if e.batch_fn is not None and e.differentiable is not None]


def providing(model: Classifier, extra: str) -> ExplainerEntry | None:
    """The first compatible method whose result carries ``extras[extra]``, if any."""
    return next((e for e in compatible_methods(model) if extra in e.provides), None)
