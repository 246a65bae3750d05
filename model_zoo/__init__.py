"""Registry of classifiers that load with no network; one file plus one import per model."""
from model_zoo.torchvision_compat import ensure_torchvision_importable

ensure_torchvision_importable()

from model_zoo import (  # noqa: E402,F401  (registers)
    efficientnet_lite, minilm_sentiment, mobilenet_v2, xray_phantom)
from model_zoo.classifier import (  # noqa: E402
    Classifier, Encoded, ImageClassifier, TextClassifier, probabilities)
from model_zoo.registry import (  # noqa: E402
    ModelEntry, UnknownModelError, load_model, model_entries, model_entry)

__all__ = ["Classifier", "Encoded", "ImageClassifier", "TextClassifier", "ModelEntry",
           "UnknownModelError", "load_model", "model_entries", "model_entry", "probabilities"]
