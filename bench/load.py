"""Load test: concurrent dashboard sessions against one, on 127.0.0.1 only.

The dashboard runs as its own process; each session is a websocket client (see
``streamlit_client``) that opens the image page, then switches the sample image every
``THINK`` seconds (a person looking at the result). Latency is the time from the
interaction to the end of the page's run (overlay and chart sent). Caches are warmed
first, so both phases measure the per-interaction work under contention, not model
loading. Target: p95 with 8 sessions at most 3x the single-session median.
"""
from __future__ import annotations

import random
import statistics
import threading
from pathlib import Path

from bench.core import register_suite
from bench.streamlit_client import Session, serve
from inputs.samples import SAMPLE_IMAGES

APP = Path(__file__).resolve().parents[1] / "app.py"
THINK = (0.5, 1.5)  # seconds between interactions, uniform
TARGET_RATIO = 3.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def one_session(address: str, index: int, rounds: int, think: tuple[float, float],
                start: threading.Barrier, latencies: list[float], errors: list[str]) -> None:
    rng = random.Random(index)
    with Session(address) as session:
        session.run()
        start.wait()
        for r in range(rounds):
            threading.Event().wait(rng.uniform(*think))
            sample = SAMPLE_IMAGES[(index + r + 1) % len(SAMPLE_IMAGES)]
            latencies.append(session.run(image_sample=sample))
        errors += session.exceptions


def drive(address: str, sessions: int, rounds: int, think: tuple[float, float]) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    start = threading.Barrier(sessions)
    threads = [threading.Thread(target=one_session,
                                args=(address, i, rounds, think, start, latencies, errors))
               for i in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"sessions": sessions, "interactions": len(latencies),
            "p50_seconds": round(statistics.median(latencies), 4),
            "p95_seconds": round(percentile(latencies, 95), 4),
            "max_seconds": round(max(latencies), 4), "page_errors": len(errors)}


@register_suite("load")
def load(repeats: int, quick: bool) -> dict:
    sessions, rounds = (2, 1) if quick else (8, 8)
    think = (0.0, 0.1) if quick else THINK
    with serve(APP) as address:
        if not quick:  # warm: models loaded and every sample's results cached
            drive(address, 1, len(SAMPLE_IMAGES), (0.0, 0.0))
        single = drive(address, 1, rounds * 2, think)
        many = drive(address, sessions, rounds, think)
    ratio = many["p95_seconds"] / single["p50_seconds"]
    return {"load": {"address": "127.0.0.1", "think_seconds": list(think),
                     "single": single, "concurrent": many,
                     "p95_concurrent_over_single_p50": round(ratio, 3),
                     "target_ratio": TARGET_RATIO, "target_met": ratio <= TARGET_RATIO}}
