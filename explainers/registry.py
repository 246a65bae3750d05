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


class UnknownMethodError(ValueError):
    """No method of that name is registered."""


class IncompatibleError(ValueError):
    """The method does not fit the model."""


def any_model(model: Classifier) -> bool:
    return True


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

    def is_compatible(self, model: Classifier) -> bool:
        return model.modality == self.modality and self.fits(model)


_ENTRIES: dict[str, ExplainerEntry] = {}


def register_explainer(name: str, *, title: str, modality: Modality, signed: bool,
                       fits: Callable[[Classifier], bool] = any_model, summary: str = "",
                       choices: dict[str, tuple[Any, ...]] | None = None, **defaults: Any):
    """Register a method function; keyword defaults are its tunable parameters.

    ``choices`` lists the allowed values of a parameter that takes one of a few
    (for example a baseline name), so pages can offer a picker instead of free input.
    """

    def wrap(fn: MethodFn) -> MethodFn:
        if name in _ENTRIES:
            raise ValueError(f"method {name!r} registered twice")
        _ENTRIES[name] = ExplainerEntry(name, title, modality, signed, fn, fits, defaults, summary,
                                        dict(choices or {}))
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
