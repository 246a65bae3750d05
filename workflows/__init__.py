"""The use cases, each one function between the front ends (pages, cli*.py, jobs) and the
core (explainers, model_zoo, inputs): a page or a command reads its inputs, calls one of
these and renders what comes back.

The three-line API::

    from workflows import load_model, explain
    model = load_model("mobilenet_v2")
    result = explain(model, "gradcam", "path/to/photo.jpg")
"""
from workflows.api import explain, load_model
from workflows.model_input import as_model_input
from workflows.methods import checked_methods

__all__ = ["as_model_input", "checked_methods", "explain", "load_model"]
