"""Load test, cold: a class where every interaction asks for maps nobody has computed yet.

Each session shows one bundled photo with three methods (Grad-CAM, Saliency, Integrated
Gradients; scores off) and every round explains a class no session asked for before, so
every map is a cache miss. Sessions interact with no think time, which saturates the
server. Compared with one session doing the same: explanations per second (throughput)
and latency. Targets on 2 cores: throughput with 8 sessions at least 90% of one session's
(nothing lost to contention) and p95 at most 8x one session's median (nobody starves).
"""
from __future__ import annotations

import statistics
import threading
import time

from bench.core import register_suite
from bench.load import APP, percentile
from bench.streamlit_client import Session, serve
from inputs.samples import SAMPLE_IMAGES

METHODS = ["Grad-CAM", "Saliency (gradient)", "Integrated Gradients"]
FIRST_CLASS_RANK = 5  # ranks below this are the top predictions, possibly warm
THROUGHPUT_TARGET, P95_TARGET = 0.9, 8.0


def setup(session: Session, sample: str) -> None:
    """The page on ``sample`` with the bench's methods, scores off (not timed)."""
    session.run()
    session.run(image_sample=sample)
    session.run(image_methods=METHODS, image_faithfulness=False)


def cold_rounds(session: Session, ranks: list[int], latencies: list[float]) -> None:
    """Explain the classes at these ranks of the picker (none computed before), one a run."""
    for rank in ranks:
        label = session.options["image_targets"][rank]
        latencies.append(session.run(image_targets=[label]))


def one_session(address: str, index: int, ranks: list[int], start: threading.Barrier,
                latencies: list[float], errors: list[str]) -> None:
    with Session(address) as session:
        setup(session, SAMPLE_IMAGES[index % len(SAMPLE_IMAGES)])
        start.wait()
        cold_rounds(session, ranks, latencies)
        errors += session.exceptions


def drive(address: str, sessions: int, rounds: int, first_rank: int) -> dict:
    """``sessions`` at once, each ``rounds`` cold interactions; wall time from the start
    barrier to the last answer."""
    latencies: list[float] = []
    errors: list[str] = []
    start = threading.Barrier(sessions + 1)
    threads = [threading.Thread(target=one_session, args=(
        address, i, [first_rank + i * rounds + r for r in range(rounds)], start, latencies,
        errors)) for i in range(sessions)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    explanations = len(latencies) * len(METHODS)
    return {"sessions": sessions, "interactions": len(latencies),
            "explanations": explanations, "wall_seconds": round(wall, 3),
            "explanations_per_second": round(explanations / wall, 3),
            "p50_seconds": round(statistics.median(latencies), 4),
            "p95_seconds": round(percentile(latencies, 95), 4),
            "max_seconds": round(max(latencies), 4), "page_errors": len(errors),
            "page_error_messages": sorted(set(errors))[:5]}


def verdict(single: dict, many: dict) -> dict:
    throughput = many["explanations_per_second"] / single["explanations_per_second"]
    p95_ratio = many["p95_seconds"] / single["p50_seconds"]
    return {"throughput_over_single": round(throughput, 3),
            "p95_over_single_p50": round(p95_ratio, 3),
            "targets": {"throughput_over_single": THROUGHPUT_TARGET,
                        "p95_over_single_p50": P95_TARGET},
            "targets_met": throughput >= THROUGHPUT_TARGET and p95_ratio <= P95_TARGET}


def machine_load() -> list[float]:
    import os

    return [round(v, 2) for v in os.getloadavg()]


@register_suite("load_cold")
def load_cold(repeats: int, quick: bool) -> dict:
    sessions, rounds = (2, 1) if quick else (8, 3)
    single_rounds = 2 if quick else 4
    with serve(APP) as address:
        for i in range(min(sessions, len(SAMPLE_IMAGES))):  # warm: models, top classes
            with Session(address) as session:
                setup(session, SAMPLE_IMAGES[i])
        load_before = machine_load()
        single = drive(address, 1, single_rounds, FIRST_CLASS_RANK + 500)
        many = drive(address, sessions, rounds, FIRST_CLASS_RANK)
    return {"load_cold": {"address": "127.0.0.1", "methods": METHODS, "think_seconds": 0,
                          "load_average_before": load_before, "load_average_after":
                          machine_load(), "single": single, "concurrent": many,
                          **verdict(single, many)}}
