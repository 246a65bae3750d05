"""The layers a global view can read, with their output shapes (one forward pass)."""
from __future__ import annotations

from model_zoo import ImageClassifier


def shapes(model: ImageClassifier) -> dict[str, tuple[int, ...]]:
    """Output shape of every convolutional layer and of the logits, by layer name."""
    from explainers.global_views.layers import LOGITS, conv_layer_names, layer_shapes

    return layer_shapes(model, conv_layer_names(model) + [LOGITS])
