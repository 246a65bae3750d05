"""Benchmark suite ``scale``: images per second of ``cli.py batch`` (Grad-CAM plus deletion
and insertion curves, the job's ``--metrics``) on 400 generated images: the local engine,
then a local Ray cluster with 1 and with 2 workers. Target: Ray with 1 worker at least 0.8 of
local (Ray's overhead at equal workers at most 20%). Every worker runs one torch thread, so
"local" and "ray 1 worker" are one core each and "ray 2 workers" is two: the per-worker rate
is what a cluster multiplies. Each figure includes the workers' model loading, as a real
job's does; the cluster is started once, outside the timing. The machine's load average is
reported with the figures: on a shared machine they move.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PIL import Image

from bench.core import register_suite, row
from inputs.datasets import shape_item
from jobs.batch_job import BatchJob, EngineChoice, run_batch

IMAGES, QUICK_IMAGES = 400, 2
THREADS = 1
JOB = BatchJob("mobilenet_v2", ("gradcam",), metrics=True)
EVALS = 1 + 1 + 42  # batched prediction, Grad-CAM's pass, deletion+insertion at step 0.05


def write_images(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True)
    for i in range(count):
        Image.fromarray(shape_item(11, i)[0]).save(folder / f"{i:05d}.png")
    return folder


def seconds_per_image(folder: Path, out: Path, engine: EngineChoice) -> float:
    summary = run_batch(JOB, str(folder), out, engine, progress=False)
    assert summary.errors == 0 and summary.processed > 0, summary.bad_files
    return summary.seconds / summary.processed


def ray_runs(folder: Path, tmp: Path) -> dict[int, float]:
    """Seconds per image with 1 and 2 Ray workers; a cluster is started if none is joined."""
    import ray

    from jobs.engines import connect

    started_here = not ray.is_initialized()
    connect(None)
    try:
        return {w: seconds_per_image(folder, tmp / f"ray{w}",
                                     EngineChoice("ray", workers=w, threads=THREADS))
                for w in (1, 2)}
    finally:
        if started_here:
            ray.shutdown()


@register_suite("scale")
def scale_suite(repeats: int, quick: bool) -> dict:
    return measure(QUICK_IMAGES if quick else IMAGES)


def measure(count: int) -> dict:
    """The three engines on ``count`` generated images (the suite uses 400)."""
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp_text:
        tmp = Path(tmp_text)
        folder = write_images(tmp / "images", count)
        local = seconds_per_image(folder, tmp / "local", EngineChoice(threads=THREADS))
        ray = ray_runs(folder, tmp)
    rows = [row(f"batch gradcam+deletion, {name}", JOB.model, s, EVALS, local)
            for name, s in [("local", local), ("ray 1 worker", ray[1]),
                            ("ray 2 workers", ray[2])]]
    return {"methods": rows, "floors": {"scale_local_seconds_per_image": local},
            "scale": {"images": count, "threads_per_worker": THREADS,
                      "local_images_per_second": round(1 / local, 3),
                      "ray_1_images_per_second": round(1 / ray[1], 3),
                      "ray_2_images_per_second": round(1 / ray[2], 3),
                      "ray_1_over_local": round(local / ray[1], 3),
                      "load_average_before": [round(v, 2) for v in load_before],
                      "load_average_after": [round(v, 2) for v in os.getloadavg()]}}
