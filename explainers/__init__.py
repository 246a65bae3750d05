"""Explanation methods in pure PyTorch/NumPy: a registry, one result type, one entry point."""
from explainers import image, text  # noqa: F401  (registers the methods)
from explainers import global_views  # noqa: F401  (registers the dataset: image source)
from explainers.metrics import phantom_distance  # noqa: F401  (declares its feature distance)
from explainers.registry import (
    ExplainerEntry, IncompatibleError, MethodOutput, UnknownMethodError, compatible_methods,
    explainer_entries, explainer_entry, providing, register_explainer)
from explainers.result import Explanation
from explainers.run import explain

__all__ = ["ExplainerEntry", "Explanation", "IncompatibleError", "MethodOutput",
           "UnknownMethodError", "compatible_methods", "explain", "explainer_entries",
           "explainer_entry", "providing", "register_explainer"]
