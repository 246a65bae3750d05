"""How far an input is from the model's training data, for the pages that warn about it."""
from __future__ import annotations

from model_zoo import Classifier
from workflows.model_input import ModelInput


def feature_distance(model: Classifier, item: ModelInput) -> tuple[float, bool, str] | None:
    """(distance, far, sentence) for models that declare a feature-space distance, else None.
    One forward pass: never rerun on a viewing-window change (the page caches it)."""
    from model_zoo.training_domain import feature_distance as declared

    measure = declared(model.name)
    return None if measure is None else measure(model, item.tensor)
