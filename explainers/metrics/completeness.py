"""Integrated Gradients' completeness gap (Sundararajan et al. 2017, prop. 1), measured
against the logit change from the baseline the method actually used.

The attributions should add up to F(x) - F(baseline); the gap is what they miss, as a
share of that change. The baseline is the one in the run's settings (blurred by default),
never a black image assumed for every run.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from explainers.image.integrated_gradients import baseline_image
from explainers.run import explain
from model_zoo import ImageClassifier


@dataclass(frozen=True)
class Gap:
    target: int
    delta: float  # sum of attributions - logit change
    change: float  # F(x) - F(baseline), in logits
    steps: int  # path intervals (adaptive) or Gauss-Legendre steps (fixed)
    seconds: float

    @property
    def share(self) -> float:
        return abs(self.delta) / max(abs(self.change), 1e-12)


def logit_change(model: ImageClassifier, x: torch.Tensor, target: int, baseline: str) -> float:
    """F(x) - F(baseline) for ``target``; ``x`` is a (3, H, W) image at the input size."""
    start = baseline_image(model.preprocess(x), baseline)
    with torch.inference_mode():
        ends = model.module(torch.cat([model.preprocess(x), start]))
    return float(ends[0, target] - ends[1, target])


def ig_gap(model: ImageClassifier, x: torch.Tensor, target: int | None = None,
           **params) -> Gap:
    """Run image IG (registered defaults unless ``params``) and measure its gap."""
    if target is None:
        target = int(model.logits(x).argmax())
    run = explain(model, "integrated_gradients", x, target, **params)
    change = logit_change(model, x, target, run.params["baseline"])
    steps = run.extras.get("steps_used", run.params["steps"])
    return Gap(target, float(run.delta), change, int(steps), run.seconds)
