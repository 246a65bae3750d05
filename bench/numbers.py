"""Benchmark suite of issue 11's numbers: adaptive IG against fixed steps, ROAD's cost.

Adaptive IG: mean trapezoid steps, seconds and remaining completeness gap (share of the
logit change) over the bundled samples, against fixed 50 and fixed 256 Gauss-Legendre steps;
the floor is one forward+backward per path point. ROAD: seconds for one map's MoRF+LeRF,
of which imputation, against the forward passes alone.
"""
from __future__ import annotations

import time

import numpy as np
import torch

from bench.core import register_suite, row, seconds
from explainers.gradients import target_gradient
from explainers.metrics.road import road_curves
from explainers.run import explain
from inputs.image_io import to_tensor
from inputs.samples import SAMPLE_IMAGES, sample_image
from model_zoo import load_model

SETTINGS = {"adaptive (<1% gap, cap 256)": {"steps": 16, "adaptive": True},
            "fixed 50": {"steps": 50, "adaptive": False},
            "fixed 256": {"steps": 256, "adaptive": False}}


def logit_change(model, x: torch.Tensor, target: int) -> float:
    with torch.inference_mode():
        ends = model.module(torch.stack([model.preprocess(x)[0], torch.zeros(3, *model.input_size)]))
    return float(ends[0, target] - ends[1, target])


def ig_summary(model, images: list[torch.Tensor], quick: bool) -> dict:
    """Per setting: mean steps, seconds per image, mean and worst gap share."""
    settings = {"fixed 50": SETTINGS["fixed 50"]} if quick else SETTINGS
    targets = [int(model.module(model.preprocess(x)).argmax()) for x in images]
    explain(model, "integrated_gradients", images[0], targets[0], steps=8, adaptive=False)
    summary = {}  # after a warm-up: the first setting timed must not pay for it
    for name, params in settings.items():
        runs, started = [], time.perf_counter()
        for x, t in zip(images, targets):
            runs.append(explain(model, "integrated_gradients", x, t, **params))
        spent = (time.perf_counter() - started) / len(images)
        gaps = [abs(r.delta) / max(abs(logit_change(model, x, t)), 1e-12)
                for r, x, t in zip(runs, images, targets)]
        summary[name] = {"mean_steps": float(np.mean([r.extras.get("steps_used", params["steps"])
                                                      for r in runs])),
                         "mean_seconds": round(spent, 3), "mean_gap_share": float(np.mean(gaps)),
                         "max_gap_share": float(np.max(gaps))}
    return summary


@register_suite("numbers")
def numbers_suite(repeats: int, quick: bool) -> dict:
    model = load_model("mobilenet_v2")
    names = SAMPLE_IMAGES[:1] if quick else SAMPLE_IMAGES
    images = [model.preprocess(to_tensor(sample_image(n)))[0] for n in names]
    ig = ig_summary(model, images, quick)
    x, target = images[0], 285
    scores = explain(model, "gradcam", x, target).scores
    curves = road_curves(model, x, scores, target)
    batch = x[None].expand(16, -1, -1, -1).contiguous()

    def forward():
        with torch.inference_mode():
            return model.module(batch)

    per_image = seconds(forward, repeats) / 16
    backward = seconds(lambda: target_gradient(model.module, x[None], target), repeats)
    return {"floors": {"mobilenet_v2_224_numbers": {"batched_forward_per_image": per_image,
                                                    "forward_backward": backward}},
            "methods": [row("ROAD MoRF+LeRF (7 fractions, cell 4)", model.name,
                            seconds(lambda: road_curves(model, x, scores, target), repeats),
                            curves.model_evals, curves.model_evals * per_image)],
            "integrated_gradients_steps": ig,
            "road_impute_seconds_per_map": round(curves.impute_seconds, 3)}
