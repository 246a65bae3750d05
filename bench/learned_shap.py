"""``bench --only learned_shap``: the learned explainer (FastSHAP) against partition SHAP at
500 evaluations on the same held-out image and model (target: at least 100x faster), its
batched rate against the batched-forward floor with a 1M-image plan, and its fidelity on
held-out images (rank correlation, top-k overlap, ROAD) against partition SHAP at 1,000
evaluations and sampled Shapley on its 8 x 8 grid, and against exact Shapley values of a
3 x 3 grid (its values pooled), measured in this run."""
from __future__ import annotations

import os

import torch

from bench.core import register_suite, row, seconds
from explainers.image.learned_shap import batch_region_values, trained_for
from explainers.image.learned_shap_fidelity import exact_fidelity, fidelity
from explainers.image.learned_shap_sets import TRAINED_MODELS, images_for
from explainers.run import explain
from model_zoo import load_model

BATCH = 64
WARM_CALLS = 10  # measured: call 1 traces (0.14 s), calls 2-5 run 2-3 ms, then 1.6-1.8 ms
EXACT_REGIONS = 9  # a 3 x 3 grid: 512 coalitions per image, exact (16: 65,536, minutes)


def speed_rows(model, image: torch.Tensor, repeats: int) -> tuple[list[dict], dict]:
    """One image: learned vs partition SHAP 500; a batch: learned rate vs the forward floor."""
    xs = model.preprocess(images_for(model.name, "held_out", BATCH))  # fewer if fewer exist
    with torch.inference_mode():
        per_image = seconds(lambda: model.module(xs), repeats) / len(xs)
    target = int(model.logits(image).argmax())  # given to both: neither pays an argmax pass
    one_pass = lambda: explain(model, "learned_shap", image, target=target)  # noqa: E731
    for _ in range(WARM_CALLS):  # the first call traces; the next few still warm up
        one_pass()
    learned = seconds(one_pass, max(repeats, 21))
    shap = seconds(lambda: explain(model, "shap", image, target=target, max_evals=500), repeats)
    batched = seconds(lambda: batch_region_values(model, xs), repeats) / len(xs)
    rows = [row("learned_shap (one pass)", model.name, learned, 2, per_image,
                "partition SHAP 500 evals (ours)", shap),
            row(f"learned_shap batched ({len(xs)})", model.name, batched, 2, per_image)]
    plan = {"images_per_second": round(1 / batched, 1),
            "floor_images_per_second": round(1 / per_image, 1),
            "hours_for_1M_images": round(1e6 * batched / 3600, 2)}
    return rows, plan


def model_report(name: str, repeats: int, quick: bool) -> tuple[list[dict], dict]:
    """One model's rows (speed) and facts (batch plan, fidelity this run and at training)."""
    model = load_model(name)
    facts = trained_for(model)
    if facts is None:
        return [], {"skipped": "no learned explainer trained for these weights"}
    held_out = images_for(name, "held_out", 4 if not quick else 1)
    rows, plan = speed_rows(model, held_out[0], repeats)
    measured = fidelity(model, held_out, shap_evals=200 if quick else 1000,
                        permutations=4 if quick else 16)
    exact = exact_fidelity(model, held_out, regions=4 if quick else EXACT_REGIONS)
    return rows, {"batch_plan": plan, "fidelity_this_run": measured,
                  "vs_exact_shapley_this_run": exact,
                  "fidelity_at_training": facts.get("fidelity", {}),
                  "speedup_vs_partition_500": rows[0]["speedup_vs_library"],
                  "loadavg_after": loadavg()}


def loadavg() -> list[str] | None:
    return open("/proc/loadavg").read().split()[:3] if os.path.exists("/proc/loadavg") else None


@register_suite("learned_shap")
def learned_shap_suite(repeats: int, quick: bool) -> dict:
    rows, per_model, before = [], {}, loadavg()
    for name in TRAINED_MODELS[:1] if quick else TRAINED_MODELS:
        model_rows, per_model[name] = model_report(name, repeats, quick)
        rows += model_rows
    return {"methods": rows, "learned_shap": per_model, "loadavg_before": before,
            "loadavg": loadavg()}
