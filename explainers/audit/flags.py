"""The per-class table of an audit and the rules that flag a class.

Thresholds were set from measurements on the held-out generated splits (seed 0) and
checked on seed 1; README "Shortcut lab" gives the figures. A class is flagged when
  swap:     its prediction flip rate under a background swap >= FLIP (the counterfactual
            is the evidence; with a background share >= BACKGROUND the attribution agrees);
  cluster:  SpRAy found a small, pure, focused cluster among its maps.
A background share >= BACKGROUND alone is a note, not a flag: one heatmap pattern is not
proof. The robust model's "triangle" is the case: it is the class of "no cross features",
so its Grad-CAM sits 80% off the object, yet only 9% of triangles flip under a swap.
"""
from __future__ import annotations

import numpy as np

BACKGROUND = 0.6
FLIP = 0.3


def _round(value: float) -> float | None:
    return None if value is None or np.isnan(value) else round(float(value), 3)


def class_rows(label_names: tuple[str, ...], counts: np.ndarray, accuracy: np.ndarray,
               scores: dict[str, dict[str, np.ndarray]], swap: dict[str, np.ndarray] | None,
               spray_flags: dict[int, int]) -> list[dict]:
    """One dict per class: counts, accuracy, per-method mask scores, swap effects, flags."""
    rows = []
    for c, name in enumerate(label_names):
        row: dict = {"class": name, "items": int(counts[c]), "accuracy": _round(accuracy[c])}
        on_background = []
        for method, values in scores.items():
            row[method] = {key: _round(v[c]) for key, v in values.items()}
            if _at_least(values["background_share"][c], BACKGROUND):
                on_background.append(method)
        flips = swap is not None and _at_least(swap["flip_rate"][c], FLIP)
        if swap is not None:
            row |= {key: _round(v[c]) for key, v in swap.items()}
        row["flags"], row["notes"] = _flags(on_background, flips, spray_flags.get(c, 0))
        rows.append(row)
    return rows


def _at_least(value: float, threshold: float) -> bool:
    return not np.isnan(value) and value >= threshold


def _flags(on_background: list[str], flips: bool, clusters: int) -> tuple[list[str], list[str]]:
    flags, notes = [], []
    methods = ", ".join(on_background)
    if flips and on_background:
        flags.append(f"background: predictions flip under a swap, attribution ({methods}) agrees")
    elif flips:
        flags.append("background: predictions flip under a background swap")
    elif on_background:
        notes.append(f"attribution ({methods}) mostly off the object, but predictions "
                     "survive a background swap")
    if clusters:
        flags.append(f"SpRAy: {clusters} small, pure, focused cluster(s)")
    return flags, notes
