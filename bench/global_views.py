"""Benchmark suites of the global views on mobilenet_v2.

actmax: a gallery of 8 channels optimised together in one batch against eight separate
runs of the same settings (target: batched at most 0.5x separate); its floor is 256
forward+backward passes of the 8-image batch up to the layer. projection: 2,000 generated
images through mobilenet_v2 and UMAP, end to end; extraction images/s against the floor
of batched forwards alone (target: at least 0.8 of the floor's images/s).
"""
from __future__ import annotations

import time

import torch

from bench.core import register_suite, row, seconds
from explainers.global_views import actmax as am
from explainers.global_views import objectives as obj
from inputs.datasets import load_dataset
from explainers.global_views.extraction import IMAGE_BATCH, extract
from explainers.hooks import captured, forward_until
from explainers.global_views.projection import project
from explainers.private_copy import private_copy
from model_zoo import ImageClassifier, load_model

ACTMAX_LAYER = "1.features.10"
CHANNELS = 8


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def layer_step_floor(model: ImageClassifier, size: int, repeats: int) -> float:
    """One forward+backward of the CHANNELS-image batch up to the layer: the cost of a step."""
    copy = private_copy(model.module)
    x = torch.rand(CHANNELS, 3, size, size)

    def step():
        with torch.enable_grad(), captured(copy.get_submodule(ACTMAX_LAYER), stop=True) as out:
            leaf = x.clone().requires_grad_(True)
            forward_until(copy, leaf)
            torch.autograd.grad(out[-1].mean(), leaf)

    return seconds(step, repeats)


@register_suite("actmax")
def actmax_suite(repeats: int, quick: bool) -> dict:
    model = load_model("mobilenet_v2")
    steps, size = (2, 32) if quick else (256, 224)
    settings = am.preset("fourier", steps=steps, size=size)
    gallery = obj.channel(ACTMAX_LAYER, *range(CHANNELS))
    am.maximise(model, obj.channel(ACTMAX_LAYER, 0), am.preset("fourier", steps=2, size=size))
    batched = timed(lambda: am.maximise(model, gallery, settings))
    separate = timed(lambda: [am.maximise(model, gallery.single(i), settings)
                              for i in range(CHANNELS)])
    floor = steps * layer_step_floor(model, size, repeats)
    name = f"actmax gallery ({CHANNELS} ch x {steps} steps, {size} px)"
    return {"floors": {f"actmax_{size}": {"batch_step": floor / steps}},
            "methods": [row(name, model.name, batched, CHANNELS * steps, floor,
                            f"{CHANNELS} separate runs", separate)],
            "actmax": {"batched_seconds": round(batched, 3), "separate_seconds": round(separate, 3),
                       "batched_over_separate": round(batched / separate, 3), "target": 0.5}}


def forward_floor(model: ImageClassifier, repeats: int) -> float:
    """Seconds per image of batched forwards at the model's input size (batch IMAGE_BATCH)."""
    x = torch.rand(IMAGE_BATCH, 3, *model.input_size)

    def forward():
        with torch.inference_mode():
            model.module(x)

    return seconds(forward, repeats) / IMAGE_BATCH


@register_suite("projection")
def projection_suite(repeats: int, quick: bool) -> dict:
    model = load_model("mobilenet_v2")
    count, method = (32, "pca") if quick else (2000, "umap")
    started = time.perf_counter()
    data = load_dataset("shapes", count)
    acts = extract(model, data, "1.features.18")
    proj = project(acts.features, method, 2, seed=0)
    total = time.perf_counter() - started
    per_image = forward_floor(model, repeats)
    floor_rate = 1 / per_image
    name = f"projection ({count} shapes, {method})"
    return {"floors": {"mobilenet_v2_224_extraction": {"batched_forward_per_image": per_image}},
            "methods": [row(f"extraction ({count} images)", model.name, acts.seconds, count,
                            count * per_image)],
            "projection": {"name": name, "end_to_end_seconds": round(total, 3),
                           "extraction_seconds": round(acts.seconds, 3),
                           "projection_seconds": round(proj.seconds, 3),
                           "images_per_second": round(acts.items_per_second, 1),
                           "floor_images_per_second": round(floor_rate, 1),
                           "throughput_vs_floor": round(acts.items_per_second / floor_rate, 3),
                           "target": 0.8}}
