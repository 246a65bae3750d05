"""The Python API in three lines: load a zoo model, explain one input, get the result type.

    model = load_model("mobilenet_v2")
    result = explain(model, "gradcam", "photo.jpg")  # a path, PIL image, tensor or sentence
"""
from __future__ import annotations

from typing import Any

from explainers.result import Explanation
from model_zoo import Classifier
from workflows.model_input import as_model_input


def load_model(name: str) -> Classifier:
    """A zoo model by name (``models`` lists them), or ``torchvision:NAME`` / ``hf:ID``."""
    import explainers  # noqa: F401  (registers the methods the model will be explained with)
    from model_zoo import load_model as build

    return build(name)


def explain(model: Classifier, method: str, data: Any, target: int | None = None,
            **params: Any) -> Explanation:
    """``method``'s explanation of ``model``'s score for ``target`` (None: the predicted
    class) on ``data``. ``method`` is a registered name or the idea's name
    (``integrated_gradients`` picks the text variant for a text model)."""
    from explainers import explain as run

    return run(model, method, as_model_input(model, data), target=target, **params)
