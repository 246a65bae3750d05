"""Registry of classifiers that load with no network; one file plus one import per model."""
from model_zoo.torchvision_compat import ensure_torchvision_importable

ensure_torchvision_importable()

from model_zoo import efficientnet_lite, hub, minilm_sentiment, mobilenet_v2  # noqa: E402,F401  (registers)
from model_zoo import shortcut_models  # noqa: E402,F401  (registers)
from model_zoo import xray_phantom, xrv  # noqa: E402,F401  (registers)
from model_zoo import brain_tumor, onnx_loader  # noqa: E402,F401  (registers)
from model_zoo import digit_generator, digits  # noqa: E402,F401  (registers)
from model_zoo.classifier import (  # noqa: E402
    Classifier, Encoded, ImageClassifier, TextClassifier, probabilities)
from model_zoo.errors import UnknownModelError  # noqa: E402
from model_zoo.registry import (  # noqa: E402
    ModelEntry, load_model, model_entries, model_entry, register_model)

__all__ = ["Classifier", "Encoded", "ImageClassifier", "TextClassifier", "ModelEntry",
           "UnknownModelError", "load_model", "model_entries", "model_entry", "probabilities",
           "register_model"]
