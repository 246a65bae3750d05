"""``cli.py bench``: a registry of benchmark suites, each measuring seconds against a floor
and against the library a user would otherwise call, on the same input in the same run.

A suite is a function ``(repeats, quick) -> {"floors": {...}, "methods": [row, ...]}``
(other keys are kept as they are); a new suite is one module plus one import line in
``bench/__init__.py``.
"""
from __future__ import annotations

import statistics
import time
from typing import Callable

import torch

SuiteFn = Callable[[int, bool], dict]
_SUITES: dict[str, SuiteFn] = {}


def register_suite(name: str) -> Callable[[SuiteFn], SuiteFn]:
    def wrap(fn: SuiteFn) -> SuiteFn:
        if name in _SUITES:
            raise ValueError(f"benchmark suite {name!r} registered twice")
        _SUITES[name] = fn
        return fn

    return wrap


def suite_names() -> list[str]:
    return list(_SUITES)


def seconds(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``repeats`` calls after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def row(method: str, model: str, ours: float, evals: int, floor: float,
        library: str | None = None, library_seconds: float | None = None) -> dict:
    entry = {"method": method, "model": model, "seconds": round(ours, 4), "model_evals": evals,
             "floor_seconds": round(floor, 4), "ratio_to_floor": round(ours / floor, 3)}
    if library is not None:
        entry |= {"library": library, "library_seconds": round(library_seconds, 4),
                  "speedup_vs_library": round(library_seconds / ours, 3)}
    return entry


def run_benchmarks(repeats: int = 3, quick: bool = False,
                   only: list[str] | None = None) -> dict:
    """Run the chosen suites (default: all) and merge their floors and rows."""
    unknown = set(only or ()) - set(_SUITES)
    if unknown:
        raise ValueError(f"unknown benchmark suite {', '.join(sorted(unknown))}; "
                         f"choose from {', '.join(_SUITES)}")
    repeats = 1 if quick else repeats
    report: dict = {"torch_threads": torch.get_num_threads(), "repeats": repeats,
                    "quick": quick, "floors": {}, "methods": []}
    for name, suite in _SUITES.items():
        if only and name not in only:
            continue
        result = suite(repeats, quick)
        report["floors"] |= result.pop("floors", {})
        report["methods"] += result.pop("methods", [])
        report |= result
    return report


def table(report: dict) -> list[str]:
    lines = [f"{'method':<38} {'model':<17} {'s':>8} {'evals':>5} {'floor s':>8} "
             f"{'ratio':>6}  library (s, our speedup)"]
    for r in report["methods"]:
        library = (f"{r['library']} ({r['library_seconds']:.4f}, {r['speedup_vs_library']:.2f}x)"
                   if "library" in r else "-")
        lines.append(f"{r['method']:<38} {r['model']:<17} {r['seconds']:>8.4f} "
                     f"{r['model_evals']:>5} {r['floor_seconds']:>8.4f} "
                     f"{r['ratio_to_floor']:>6.2f}  {library}")
    return lines + report.get("text_lines", [])  # a suite's own lines (numbers: IG's gaps)
