"""One probe's findings over a data set, and the verdict in words, which claims a
sensitivity only when the probe moves predictions more than the placebo does."""
from __future__ import annotations

import numpy as np

from explainers.probes.stats import (bootstrap_ci, class_rows, flips, paired_p, pushed, shift)

ALPHA = 0.05


def _interval(values: np.ndarray, seed: int) -> dict:
    low, high = bootstrap_ci(values, seed)
    return dict(mean=float(np.mean(values)) if len(values) else float("nan"),
                ci=[float(low), float(high)])


def probe_summary(before: np.ndarray, after: np.ndarray, placebo: np.ndarray,
                  labels: tuple[str, ...], watch: tuple[int, ...] = (), top: int = 10,
                  seed: int = 0) -> dict:
    """Flip rates, shifts and class changes of a probe against its placebo (N images)."""
    moved, control = shift(before, after), shift(before, placebo)
    toward = pushed(before, after, top)
    away = pushed(before, after, 3, toward=False)
    return dict(
        images=int(len(before)),
        flip_rate=_interval(flips(before, after), seed),
        placebo_flip_rate=_interval(flips(before, placebo), seed),
        shift=_interval(moved, seed), placebo_shift=_interval(control, seed),
        shift_difference=_interval(moved - control, seed),
        p_vs_placebo=paired_p(moved, control, seed),
        pushed_toward=class_rows(before, after, placebo, toward, labels, seed),
        pushed_away=class_rows(before, after, placebo, away, labels, seed, toward=False),
        watched=class_rows(before, after, placebo, np.asarray(watch, dtype=np.int64), labels,
                           seed) if watch else [])


def beats_placebo(summary: dict) -> bool:
    return summary["p_vs_placebo"] < ALPHA and summary["shift_difference"]["ci"][0] > 0


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def verdict(model: str, probe: str, summary: dict) -> str:
    """A sentence or two; "sensitive" only when the probe beats its placebo."""
    flip, control = summary["flip_rate"], summary["placebo_flip_rate"]
    facts = (f"the top class changes on {_pct(flip['mean'])} of {summary['images']} images "
             f"(95% CI {_pct(flip['ci'][0])}-{_pct(flip['ci'][1])}) against "
             f"{_pct(control['mean'])} for a blurred placebo of the same region; the predicted "
             f"distribution moves by {summary['shift']['mean']:.3f} (total variation) against "
             f"{summary['placebo_shift']['mean']:.3f}, paired p = {summary['p_vs_placebo']:.4f}")
    if not beats_placebo(summary):
        return (f"{model} shows no sensitivity to {probe} beyond the placebo: {facts}.")
    tops = [c for c in summary["watched"] if c["p_vs_placebo"] < ALPHA and c["ci"][0] > 0]
    tops = tops or summary["pushed_toward"][:3]
    toward = ", ".join(f"{c['label']} ({100 * c['change']:+.2f} points, CI "
                       f"{100 * c['ci'][0]:+.2f} to {100 * c['ci'][1]:+.2f}; median rank "
                       f"{c['median_rank_before']:.0f} -> {c['median_rank_after']:.0f})"
                       for c in tops)
    return f"{model} is sensitive to {probe}: {facts}. It pushes toward {toward}."
