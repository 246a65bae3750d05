"""Benchmark of the shortcut audit on shortcut_cnn (64 px): 1,000 held-out images through
``AuditBatch`` (batched Grad-CAM, mask scores, background-swap predictions) against the
floor, and SpRAy on the 1,000 maps.

Floor: batched forward+backward (gradient of the top logits to the input) at the batch
size where it is fastest per image; the audit runs at that batch size. Target: the audit's
images per second at least 0.8 of the floor's. The swap predictions cost one extra
forward per image, which the floor does not include.
"""
from __future__ import annotations

import time

import numpy as np
import torch

from bench.core import register_suite, row
from explainers.audit import AuditBatch
from explainers.audit.spray import spray
from explainers.audit.swap import swapped_images
from inputs.audit_data import generated_set
from model_zoo import ImageClassifier, load_model

MODEL = "shortcut_cnn"
BATCHES = (16, 32, 64, 128, 256)


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def floor_pass(model: ImageClassifier, x: torch.Tensor) -> None:
    with torch.enable_grad():
        leaf = x.clone().requires_grad_(True)
        torch.autograd.grad(model.module(leaf).amax(dim=1).sum(), leaf)


def floor_seconds(model: ImageClassifier, x: torch.Tensor, batch: int) -> float:
    """Forward+backward over all of ``x`` in chunks of ``batch`` (after one warm chunk)."""
    floor_pass(model, x[:batch])
    return timed(lambda: [floor_pass(model, x[i:i + batch]) for i in range(0, len(x), batch)])


def audit_seconds(worker: AuditBatch, data, swaps: np.ndarray, batch: int) -> tuple[float, dict]:
    parts = []

    def run():
        for i in range(0, len(data), batch):
            parts.append(worker({"image": data.images[i:i + batch],
                                 "mask": data.masks[i:i + batch],
                                 "swap_image": swaps[i:i + batch]}))

    worker({"image": data.images[:batch], "mask": data.masks[:batch]})  # warm-up
    seconds = timed(run)
    return seconds, {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


@register_suite("audit")
def audit_suite(repeats: int, quick: bool) -> dict:
    model = load_model(MODEL)
    data = generated_set("shortcut_biased", 200 if quick else 1000, seed=0)
    x = torch.from_numpy(data.images).permute(0, 3, 1, 2).float() / 255
    batches = (64, 256) if quick else BATCHES
    floors = {b: min(floor_seconds(model, x, b) for _ in range(repeats)) for b in batches}
    best = min(floors, key=floors.get)
    swaps = swapped_images(data.images, data.masks, data.labels, 0)[0]
    worker = AuditBatch(model, ("gradcam",))
    ours, columns = min((audit_seconds(worker, data, swaps, best) for _ in range(repeats)),
                        key=lambda r: r[0])
    spray_s = timed(lambda: spray(columns["map_gradcam"], seed=0))
    n = len(data)
    entry = row(f"audit gradcam+mask scores ({n} images, batch {best})", MODEL, ours, 2 * n,
                floors[best])
    entry |= {"images_per_second": round(n / ours, 1),
              "floor_images_per_second": round(n / floors[best], 1),
              "throughput_vs_floor": round(floors[best] / ours, 3)}
    return {"floors": {f"audit forward+backward {n} images, batch {b}": round(s, 4)
                       for b, s in floors.items()},
            "methods": [entry],  # SpRAy runs no model: its seconds are reported beside
            "audit": {"images": n, "best_batch": best, "spray_seconds": round(spray_s, 3),
                      "throughput_vs_floor": entry["throughput_vs_floor"]}}
