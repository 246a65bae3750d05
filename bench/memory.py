"""Steady memory: many consecutive explanations in one process; resident memory after a
warm-up against the end. Target: less than 5% growth over 1,000 explanations."""
from __future__ import annotations

import gc
import time
from pathlib import Path

from bench.core import register_suite
from inputs.image_io import to_tensor
from explainers.run import explain
from inputs.samples import SAMPLE_IMAGES, sample_image
from model_zoo import load_model

JOBS = (("gradcam", {}), ("saliency", {}), ("integrated_gradients", {"steps": 4, "batch": 4}))
TARGET_GROWTH_PERCENT = 5.0


def resident_mb() -> float:
    """Resident set size of this process, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def explain_many(model, images, start: int, count: int) -> None:
    for i in range(start, start + count):
        method, params = JOBS[i % len(JOBS)]
        explain(model, method, images[i % len(images)], target=(i * 37) % 1000, **params)


@register_suite("memory")
def memory(repeats: int, quick: bool) -> dict:
    model = load_model("mobilenet_v2")
    images = [to_tensor(sample_image(name)) for name in SAMPLE_IMAGES]
    warmup, count = (2, 6) if quick else (100, 1000)
    explain_many(model, images, 0, warmup)
    gc.collect()
    before, trace, started = resident_mb(), [], time.perf_counter()
    for chunk in range(0, count, max(1, count // 10)):
        explain_many(model, images, warmup + chunk, min(count // 10 or 1, count - chunk))
        gc.collect()
        trace.append(round(resident_mb(), 1))
    growth = 100 * (trace[-1] - before) / before
    return {"memory": {"explanations": count, "warmup": warmup,
                       "methods": [m for m, _ in JOBS], "model": model.name,
                       "rss_after_warmup_mb": round(before, 1), "rss_trace_mb": trace,
                       "growth_percent": round(growth, 2),
                       "target_percent": TARGET_GROWTH_PERCENT,
                       "target_met": growth < TARGET_GROWTH_PERCENT,
                       "seconds": round(time.perf_counter() - started, 1)}}
