"""Benchmark suite of the faithfulness metric and the sanity check on mobilenet_v2.

Deletion+insertion must run 2 x (1 / step + 1) forward passes, so its floor is that many
times the per-image cost of a batched forward at the same batch. The sanity check must
explain once per randomised block plus once on the intact model; its floor is that many
Grad-CAM forward+backward passes.
"""
from __future__ import annotations

import torch

from bench.core import register_suite, row, seconds
from explainers.gradients import target_gradient
from inputs.image_io import to_tensor
from explainers.metrics import deletion_insertion
from explainers.run import explain
from inputs.samples import sample_image
from explainers.metrics.sanity import cascading_randomisation
from model_zoo import load_model

BATCH = 16  # deletion_insertion's default batch


@register_suite("metrics")
def metrics_suite(repeats: int, quick: bool) -> dict:
    model = load_model("mobilenet_v2")
    image = model.preprocess(to_tensor(sample_image("chelsea")))[0]  # already at 224 px
    x, target = image[None], 285
    step, blocks = (0.5, 1) if quick else (0.05, 20)
    batch = x.expand(BATCH, -1, -1, -1).contiguous()

    def forward():
        with torch.inference_mode():
            return model.module(batch)

    per_image = seconds(forward, repeats) / BATCH
    forward_backward = seconds(lambda: target_gradient(model.module, x, target), repeats)
    scores = explain(model, "gradcam", image, target).scores
    curves = deletion_insertion(model, image, scores, target, step_fraction=step)
    return {
        "floors": {"mobilenet_v2_224_metrics": {"batched_forward_per_image": per_image,
                                                 "forward_backward": forward_backward}},
        "methods": [
            row(f"deletion+insertion (step {step})", model.name,
                seconds(lambda: deletion_insertion(model, image, scores, target,
                                                   step_fraction=step), repeats),
                curves.model_evals, curves.model_evals * per_image),
            row(f"sanity gradcam ({blocks} block{'s' * (blocks > 1)})", model.name,
                seconds(lambda: cascading_randomisation(model, "gradcam", image, target,
                                                        max_steps=blocks), repeats),
                blocks + 1, (blocks + 1) * forward_backward),
        ],
    }
