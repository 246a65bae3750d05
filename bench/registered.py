"""Every registered method that fits the bench's models, timed at its defaults (quick mode:
its registry ``quick`` settings) against one forward pass: adding a method to the registry
adds its row here with no edit. The other suites compare chosen methods with libraries."""
from __future__ import annotations

import statistics
import time

from bench.core import register_suite, row, seconds
from explainers.registry import compatible_methods, explainer_entry
from explainers.run import explain
from model_zoo import Classifier, load_model

BENCH_MODELS = {"image": "mobilenet_v2", "text": "minilm_sentiment"}
QUICK_MODELS = {"image": "shortcut_cnn", "text": "minilm_sentiment"}  # 64 px: a smoke run
SENTENCE = "the camera is great but the battery dies before lunch"


def bench_methods(model: Classifier) -> list[str]:
    """The methods this suite times on ``model``: every registered one that fits it."""
    return [e.name for e in compatible_methods(model)]


def bench_input(model: Classifier):
    from inputs.image_io import to_tensor
    from inputs.samples import sample_image

    return SENTENCE if model.modality == "text" else to_tensor(sample_image("chelsea"))


def method_rows(model: Classifier, repeats: int, quick: bool) -> list[dict]:
    """One row per method, named ``registry:NAME`` (the library comparisons keep the bare
    names); the first call is the warm-up and gives the model evaluations."""
    data = bench_input(model)
    target = int(model.logits(data).argmax(dim=-1)[0])
    floor = seconds(lambda: model.logits(data), repeats)
    rows = []
    for name in bench_methods(model):
        params = explainer_entry(name).quick_for(model) if quick else {}
        evals = explain(model, name, data, target, **params).model_evals
        took = statistics.median(timed(lambda: explain(model, name, data, target, **params))
                                 for _ in range(repeats))
        rows.append(row(f"registry:{name}", model.name, took, evals, floor))
    return rows


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


@register_suite("registered_methods")
def registered_methods(repeats: int, quick: bool) -> dict:
    models = QUICK_MODELS if quick else BENCH_MODELS
    rows = [r for name in models.values() for r in method_rows(load_model(name), repeats, quick)]
    return {"methods": rows}
