"""PatternNet and PatternAttribution (Kindermans et al. 2018) as registered methods.

Patterns are estimated once per model from its training-like data (``pattern_data.py``),
then kept for the process's life (``model_patterns``), with ρ, the signal estimator's
quality, in the result's extras. PatternNet shows the estimated signal direction (a
backward pass with patterns for weights); PatternAttribution its contribution (weights ⊙
patterns), the paper's improvement over the gradient ⊙ input family.
"""
from __future__ import annotations

import threading
import weakref

import torch
from torch import nn

from explainers.gradients import target_gradient
from explainers.image.pattern_data import has_pattern_data, pattern_images, pattern_source
from explainers.image.patterns import (Patterns, estimate_patterns, fold_batchnorm,
                                       pattern_network, supported)
from explainers.registry import MethodOutput, register_explainer
from model_zoo import Classifier, ImageClassifier
from model_zoo.assemble import Luma
from model_zoo.classifier import Normalize

ESTIMATE_IMAGES, HELD_OUT_IMAGES, BATCH = 256, 64, 32
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def fits_patterns(model: Classifier) -> bool:
    """An image model with training data here whose layers the pattern rules cover."""
    return (isinstance(model, ImageClassifier) and has_pattern_data(model.name)
            and supported(fold_batchnorm(model.module), (Normalize, Luma)))


def _batches(images: torch.Tensor) -> list[torch.Tensor]:
    return list(images.split(BATCH))


def model_patterns(model: ImageClassifier) -> tuple[nn.Module, Patterns]:
    """The folded module and its patterns, estimated on first use and kept."""
    with _LOCK:
        if model.module not in _CACHE:
            net = fold_batchnorm(model.module)
            images = model.preprocess(pattern_images(model.name, ESTIMATE_IMAGES + HELD_OUT_IMAGES, 0))
            patterns = estimate_patterns(net, _batches(images[:ESTIMATE_IMAGES]),
                                         _batches(images[ESTIMATE_IMAGES:]))
            _CACHE[model.module] = (net, patterns, {k: pattern_network(net, patterns, k)
                                                    for k in ("net", "attribution")})
        net, patterns, _ = _CACHE[model.module]
        return net, patterns


def _run(model: ImageClassifier, x: torch.Tensor, target: int, kind: str) -> MethodOutput:
    _, patterns = model_patterns(model)
    network = _CACHE[model.module][2][kind]
    signal = target_gradient(network, model.preprocess(x), target)
    extras = dict(pattern_images=patterns.samples, pattern_source=pattern_source(model.name),
                  pattern_seconds=round(patterns.seconds, 2), signal_quality=list(patterns.quality))
    return MethodOutput(scores=signal.sum(dim=1)[0], model_evals=1, extras=extras)


@register_explainer("patternnet", title="PatternNet", modality="image", signed=True,
                    fits=fits_patterns,
                    summary="Kindermans et al. 2018: the signal direction the network "
                            "detects, estimated from data (patterns replace the weights on "
                            "the way back); removes what the filters only cancel.")
def patternnet(model: ImageClassifier, x: torch.Tensor, target: int) -> MethodOutput:
    return _run(model, x, target, "net")


@register_explainer("pattern_attribution", title="PatternAttribution", modality="image",
                    signed=True, fits=fits_patterns,
                    summary="Kindermans et al. 2018: each pixel's contribution along the "
                            "estimated signal (weights ⊙ patterns on the way back), a "
                            "data-informed root point instead of x·gradient's zero.")
def pattern_attribution(model: ImageClassifier, x: torch.Tensor, target: int) -> MethodOutput:
    return _run(model, x, target, "attribution")
