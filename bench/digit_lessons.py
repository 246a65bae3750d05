"""Benchmark suites of the digit lessons (issue 28), on ``digit_cnn`` and the shortcut CNNs.

actmax_generator: seconds per step of activation maximisation with the generator prior
against raw pixels (same class, same batch), each against its floor: one forward+backward
of the classifier (raw) and of decoder + classifier (generator).
linear_probe: per layer, the seconds of feature extraction (one pass over the data set)
against the seconds of the probes (all seeds) on shortcut_cnn.
pattern_attribution: one PatternAttribution map against its floor, one input gradient (the
same backward pass with other weights); the one-off pattern estimation is reported apart.
"""
from __future__ import annotations

import time
from dataclasses import replace

import torch

from bench.core import register_suite, row, seconds
from explainers import explain
from explainers.global_views import actmax as am
from explainers.global_views import objectives as obj
from explainers.global_views.probing import probe_layers
from explainers.gradients import target_gradient
from explainers.image import patternnet
from inputs.datasets import load_dataset
from model_zoo import load_model
from model_zoo.digit_generator import LATENT, load_generator

CLASSES = tuple(range(10))


def per_step(settings: am.Settings, steps: int) -> float:
    model = load_model("digit_cnn")
    start = time.perf_counter()
    am.maximise(model, obj.class_logit(*CLASSES), replace(settings, steps=steps, size=0))
    return (time.perf_counter() - start) / steps


def step_floor(generator: bool, repeats: int) -> float:
    module, decoder = load_model("digit_cnn").module, load_generator()

    def step():
        with torch.enable_grad():
            leaf = (torch.randn(len(CLASSES), LATENT) if generator
                    else torch.rand(len(CLASSES), 3, 28, 28)).requires_grad_(True)
            x = decoder(leaf).expand(-1, 3, -1, -1) if generator else leaf
            torch.autograd.grad(module(x).diagonal().sum(), leaf)

    return seconds(step, repeats)


@register_suite("actmax_generator")
def actmax_generator_suite(repeats: int, quick: bool) -> dict:
    steps = 4 if quick else 64
    rows = []
    for name, generator in (("raw", False), ("generator", True)):
        ours = min(per_step(am.preset(name), steps) for _ in range(repeats))
        floor = step_floor(generator, max(repeats, 5))
        rows.append(row(f"actmax {name} (per step, 10 classes)", "digit_cnn", ours, 1, floor))
    return {"floors": {"actmax_step_raw": rows[0]["floor_seconds"],
                       "actmax_step_generator": rows[1]["floor_seconds"]}, "methods": rows}


@register_suite("linear_probe")
def linear_probe_suite(repeats: int, quick: bool) -> dict:
    dataset = load_dataset("shortcut_biased", 60 if quick else 600)
    report = probe_layers(load_model("shortcut_cnn"), dataset, "background",
                          seeds=(0, 1) if quick else (0, 1, 2, 3, 4))
    layers = [dict(layer=p.layer, extract_seconds=round(p.extract_seconds, 4),
                   probe_seconds=round(p.probe_seconds, 4),
                   probe_to_extract=round(p.probe_seconds / p.extract_seconds, 3))
              for p in report.layers]
    return {"linear_probe": dict(items=len(dataset), seeds=len(report.layers[0].accuracies),
                                 layers=layers)}


@register_suite("pattern_attribution")
def pattern_attribution_suite(repeats: int, quick: bool) -> dict:
    model = load_model("digit_cnn")
    started = time.perf_counter()
    _, patterns = patternnet.model_patterns(model)  # estimated once, then cached
    first = time.perf_counter() - started
    x = torch.rand(3, 28, 28, generator=torch.Generator().manual_seed(0))
    ours = seconds(lambda: explain(model, "pattern_attribution", x, target=3), repeats * 5)
    floor = seconds(lambda: target_gradient(model.module, x[None], 3), repeats * 5)
    return {"floors": {"input_gradient_digit_cnn": round(floor, 5)},
            "methods": [row("pattern_attribution", "digit_cnn", ours, 1, floor)],
            "pattern_estimation": dict(model="digit_cnn", images=patterns.samples,
                                       first_call_seconds=round(first, 3),
                                       estimate_seconds=round(patterns.seconds, 3))}
