"""One name per idea across modalities: ``integrated_gradients`` means the image method for an
image model and the embedding method for a text model.

Registered names stay as they are (``integrated_gradients_text`` is still accepted): a
modality's variant is registered as ``{idea}_{modality}`` and found from the idea's name.
"""
from __future__ import annotations

from explainers.registry import (ExplainerEntry, IncompatibleError, UnknownMethodError,
                                 explainer_entries, explainer_entry)
from model_zoo import Classifier


def idea_name(entry: ExplainerEntry) -> str:
    """The name a user thinks of: the registered name without its ``_{modality}`` suffix."""
    suffix = f"_{entry.modality}"
    return entry.name[:-len(suffix)] if entry.name.endswith(suffix) else entry.name


def names_that_fit(model: Classifier) -> list[str]:
    """Idea names of the methods that fit ``model``, in registry order."""
    return [idea_name(e) for e in explainer_entries() if e.is_compatible(model)]


def _candidates(name: str, model: Classifier) -> list[ExplainerEntry]:
    """Registered entries ``name`` may mean for this model: itself, or its variant for the
    model's modality. An explicit variant (``saliency_text``) means only that variant."""
    known = {e.name: e for e in explainer_entries()}
    wanted = [name, f"{name}_{model.modality}"]
    return [known[n] for n in dict.fromkeys(wanted) if n in known]


def entry_for(name: str, model: Classifier) -> ExplainerEntry:
    """The registered method ``name`` stands for on ``model``.

    Raises UnknownMethodError for a name nobody registered and IncompatibleError, naming the
    methods that do fit, when no variant fits the model.
    """
    candidates = _candidates(name, model)
    if not candidates:
        explainer_entry(name)  # raises with the list of known names
        raise UnknownMethodError(f"unknown method {name!r}")
    for entry in candidates:
        if entry.is_compatible(model):
            return entry
    why = getattr(model, "forward_only", "")
    reasons = [f"it {why}: no gradients, so only perturbation methods"] if why else []
    reasons += [e.why_not(model) for e in candidates
                if e.why_not is not None and e.modality == model.modality]
    raise IncompatibleError(f"method {name!r} does not fit model {model.name!r}"
                            + "".join(f" ({r})" for r in reasons) + "; methods that "
                            f"fit: {', '.join(names_that_fit(model))}")
