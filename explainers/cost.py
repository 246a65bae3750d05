"""A method's expected cost in model evaluations, from its parameters, to run the cheap
ones first: a page draws Grad-CAM (one pass) before Score-CAM (a pass per channel)."""
from __future__ import annotations

from typing import Any

from explainers.registry import ExplainerEntry

COUNT_PARAMS = ("steps", "samples", "max_evals", "masks")  # each names a number of passes
BATCHED_UNKNOWN = 300.0  # a method with a batch size but no count (Score-CAM, occlusion)


def expected_evals(entry: ExplainerEntry, params: dict[str, Any]) -> float:
    """Roughly how many forward(+backward) passes ``entry`` makes with ``params``."""
    settings = {**entry.defaults, **params}
    counts = [float(settings[p]) for p in COUNT_PARAMS
              if isinstance(settings.get(p), (int, float)) and not isinstance(settings[p], bool)]
    if counts:
        return max(counts)
    return BATCHED_UNKNOWN if "batch" in settings else 1.0


def cheapest_first(cells: list[tuple[str, int]], entries: dict[str, ExplainerEntry],
                   params: dict[str, Any]) -> list[tuple[str, int]]:
    """(method, target) cells ordered by expected cost; ties keep the page's order."""
    return sorted(cells, key=lambda c: expected_evals(entries[c[0]], dict(params[c[0]])))
