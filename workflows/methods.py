"""Which methods a use case runs: the one compatibility check every front end shares."""
from __future__ import annotations

from explainers.method_names import entry_for, names_that_fit
from model_zoo import Classifier


def split_names(text: str | None) -> tuple[str, ...]:
    """``"gradcam, saliency"`` -> ("gradcam", "saliency"), duplicates dropped."""
    return tuple(dict.fromkeys(n.strip() for n in (text or "").split(",") if n.strip()))


def checked_methods(model: Classifier, names: str | tuple[str, ...] | list[str] | None,
                    ) -> tuple[str, ...]:
    """Registered names of the methods asked for (comma-separated text or a sequence; none:
    every method that fits ``model``), each checked against the model before any work starts.

    Raises UnknownMethodError or IncompatibleError (ValueErrors, messages fit for a user)."""
    asked = split_names(names) if isinstance(names, str) or names is None else tuple(names)
    if not asked:
        from explainers import compatible_methods

        return tuple(e.name for e in compatible_methods(model))
    return tuple(dict.fromkeys(entry_for(name, model).name for name in asked))


def unavailable_notes(model: Classifier) -> list[str]:
    """Why methods of the model's modality that say why (``why_not``) are not offered, e.g.
    "Learned SHAP is not available for this model: ..."."""
    from explainers.registry import explainer_entries

    return [e.why_not(model) for e in explainer_entries(model.modality)
            if e.why_not is not None and not e.is_compatible(model)]


__all__ = ["checked_methods", "names_that_fit", "split_names", "unavailable_notes"]
