"""Benchmark suites of the two lessons on mobilenet_v2.

tcav: 50 class, 50 concept and 100 random-pool images (50 per run) x 10 runs at one layer.
The first run includes reading every set's activations (and the class's gradients) once;
later runs only fit linear models (target: each at most 0.1x the first). Floor: the forward
and backward passes that reading needs. attack: seconds per attack step against its floor,
a forward, a backward and a double backward of the smoothed network.
"""
from __future__ import annotations

import time

import torch

from bench.core import register_suite, row, seconds
from explainers.concepts.activations import layer_activations, layer_gradients
from explainers.concepts.tcav import tcav
from explainers.fragility import AttackSettings, attack
from explainers.fragility.smooth import smoothed_copy
from inputs.concept_images import concept_set, photo_crops, random_pool
from inputs.image_io import to_tensor
from inputs.samples import sample_image
from model_zoo import load_model

TCAV_LAYER = "1.features.14"
CAT = 285


def reading_floor(model, images: int, repeats: int) -> float:
    """Batched forwards of ``images`` images plus a backward for a quarter of them (the class)."""
    x = torch.rand(16, 3, 224, 224)
    forward = seconds(lambda: model.logits(x), repeats) / 16

    def backward():
        leaf = x.clone().requires_grad_(True)
        torch.autograd.grad(model.module(leaf)[:, CAT].sum(), leaf)

    return forward * images * 3 / 4 + seconds(backward, repeats) / 16 * images / 4


@register_suite("tcav")
def tcav_suite(repeats: int, quick: bool) -> dict:
    model = load_model("mobilenet_v2")
    count, runs = (10, 3) if quick else (50, 10)
    sets = photo_crops("chelsea", count), concept_set("striped", count), random_pool(2 * count)
    started = time.perf_counter()
    acts, grads = layer_gradients(model, sets[0], TCAV_LAYER, CAT)
    concept = layer_activations(model, sets[1], TCAV_LAYER)
    pool = layer_activations(model, sets[2], TCAV_LAYER)
    reading = time.perf_counter() - started
    result = tcav(acts, grads, {"striped": concept}, pool, TCAV_LAYER, CAT, runs)
    first = reading + result.first_run_seconds
    floor = reading_floor(model, 4 * count, max(1, repeats // 2))
    entry = row(f"tcav first run ({4 * count} images read, {runs} runs)", "mobilenet_v2", first,
                4 * count, floor)
    share = round(result.other_runs_seconds / first, 4)  # target: at most 0.1
    entry |= {"later_run_seconds": round(result.other_runs_seconds, 4),
              "later_run_share_of_first": share}
    return {"methods": [entry], "floors": {"tcav_reading": round(floor, 4)},
            "tcav": {"runs": runs, "images_per_set": count, "reading_seconds": round(reading, 3),
                     "first_run_seconds": round(first, 3),
                     "later_run_seconds": round(result.other_runs_seconds, 4),
                     "later_run_share_of_first": share}}


def attack_floor(method_net, x: torch.Tensor, repeats: int) -> float:
    """A forward, a backward (create_graph) and a double backward at batch 1."""

    def step():
        leaf = x.clone().requires_grad_(True)
        (grad,) = torch.autograd.grad(method_net(leaf)[0, CAT], leaf, create_graph=True)
        torch.autograd.grad(grad.abs().sum(), leaf)

    return seconds(step, repeats)


@register_suite("attack")
def attack_suite(repeats: int, quick: bool) -> dict:
    model = load_model("mobilenet_v2")
    image = to_tensor(sample_image("chelsea"))
    x = model.preprocess(image)
    floor = attack_floor(smoothed_copy(model.module, 10.0), x, repeats)
    steps = 2 if quick else 10
    methods = ("saliency", "gradcam") if quick else ("saliency", "grad_x_input", "gradcam",
                                                     "integrated_gradients")
    rows = []
    for method in methods:
        done = attack(model, image, method, AttackSettings(steps=steps))
        rows.append(row(f"attack step: {method} (top-k)", "mobilenet_v2",
                        done.seconds / done.steps, 1, floor))
    return {"methods": rows, "floors": {"attack_step": round(floor, 4)}}
