"""Benchmark of a probe job: image x probe pairs per second through ``ProbeBatch`` against
the floor, a batched forward pass over the same number of model inputs (each pair needs the
probed image and its placebo; each image its original once).

Images: the packaged photos when installed (else scikit-image's samples), at the working
size, encoded as JPEG bytes as a job reads them. Target: at least 0.8 of the floor (the
model as given); the job runs the folded net (explainers/folded_norms.py), so its ratio to
that net's own forward is reported too, the stricter figure. Maps are
off: with ``--methods`` the job adds the audit's batched map cost, benchmarked there.
"""
from __future__ import annotations

import io
import time

import numpy as np
import torch

from bench.core import register_suite, row
from explainers.folded_norms import folded_net
from explainers.probes.batch import ProbeBatch, working_size
from model_zoo import load_model

MODEL = "mobilenet_v2"
PROBES = [dict(name="watermark", preset="imagenet-w"), dict(name="patch")]
PER_CALL = 12  # images per call (--batch-size 12): 60 model inputs, forwards of CHUNK (16)


def photo_bytes(count: int) -> list[bytes]:
    from PIL import Image

    from inputs.photos import photo_references, read_photo

    refs = [r for _, r in photo_references("tuning")]
    if not refs:
        refs = [f"skimage:{n}" for n in ("chelsea", "coffee", "astronaut", "rocket")]
    out = []
    for i in range(count):
        buffer = io.BytesIO()
        Image.fromarray(working_size(read_photo(refs[i % len(refs)]))).save(buffer, "JPEG")
        out.append(buffer.getvalue())
    return out


def batch_of(data: list[bytes]) -> dict[str, np.ndarray]:
    return {"file": np.array([f"{i}.jpg" for i in range(len(data))], dtype=object),
            "data": np.array(data, dtype=object),
            "read_error": np.array([""] * len(data), dtype=object)}


def floor_seconds(work: ProbeBatch, inputs: torch.Tensor, folded: bool = False) -> float:
    """Forward passes over ``inputs`` (already at the model's size) in the job's chunks,
    through the model as given or (``folded``) through the folded net the job runs."""
    net = folded_net(work.model) if folded else work.model.module
    start = time.perf_counter()
    with torch.inference_mode():
        for i in range(0, len(inputs), work.chunk):
            net(inputs[i:i + work.chunk])
    return time.perf_counter() - start


@register_suite("probes")
def probe_suite(repeats: int, quick: bool) -> dict:
    model = load_model(MODEL)
    n = 12 if quick else 36
    work = ProbeBatch(model, PROBES)
    data = photo_bytes(n)
    evals = n * (1 + 2 * len(PROBES))
    inputs = torch.rand(evals, 3, *model.input_size)
    floor_seconds(work, inputs[:work.chunk])  # warm-up
    work(batch_of(data[:2]))
    floor = folded = ours = float("inf")
    for _ in range(repeats):  # interleaved, so a change in the machine's load hits all three
        floor = min(floor, floor_seconds(work, inputs))
        folded = min(folded, floor_seconds(work, inputs, folded=True))
        start = time.perf_counter()
        for i in range(0, n, PER_CALL):
            work(batch_of(data[i:i + PER_CALL]))
        ours = min(ours, time.perf_counter() - start)
    pairs = n * len(PROBES)
    entry = row(f"probe job ({n} photos x {len(PROBES)} probes + placebos)", MODEL, ours,
                evals, floor)
    entry |= {"pairs_per_second": round(pairs / ours, 2),
              "floor_pairs_per_second": round(pairs / floor, 2),
              "throughput_vs_floor": round(floor / ours, 3),
              "throughput_vs_folded_floor": round(folded / ours, 3)}
    return {"floors": {f"probe forward {evals} inputs": round(floor, 4),
                       f"probe forward {evals} inputs, batch norms folded": round(folded, 4)},
            "methods": [entry],
            "probes": {"images": n, "probes": len(PROBES),
                       "throughput_vs_floor": entry["throughput_vs_floor"],
                       "throughput_vs_folded_floor": entry["throughput_vs_folded_floor"]}}


@register_suite("audit_diff")
def audit_diff_suite(repeats: int, quick: bool) -> dict:
    """The diff of two models against the two audits it is made of (the diff adds arrays)."""
    from workflows.audit import run_audit
    from explainers.audit.diff import diff_audits, diff_payload
    from inputs.audit_data import generated_set

    data = generated_set("shortcut_biased", 100 if quick else 400, seed=0)
    models = [load_model("shortcut_cnn"), load_model("robust_cnn")]
    audits_s, diff_s = float("inf"), float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a, b = (run_audit(m, data, ("gradcam",)) for m in models)
        audits_s = min(audits_s, time.perf_counter() - start)
        start = time.perf_counter()
        diff_payload(diff_audits(a, b))
        diff_s = min(diff_s, time.perf_counter() - start)
    entry = row(f"audit diff shortcut_cnn vs robust_cnn ({len(data)} images)", "shortcut_cnn",
                audits_s + diff_s, 2 * len(data), audits_s)
    entry |= {"diff_seconds": round(diff_s, 4), "two_audits_seconds": round(audits_s, 3)}
    return {"floors": {f"two audits, {len(data)} images": round(audits_s, 4)},
            "methods": [entry]}
