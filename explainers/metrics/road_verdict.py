"""ROAD against random maps: the baseline's mean and spread, and a verdict in words.

The random baseline is ``RANDOM_MAPS`` seeded random maps with one value per removal cell
(``IMPUTE_CELL`` px: the ROAD paper's pixel-random order on our imputation grid) through
the same imputation. A random map has no order: its reverse is as likely as itself, and
reversing a map swaps its MoRF and LeRF curves, so each map's run also gives its reverse's
for free (antithetic pairs). The null's mean gap is therefore exactly 0 and its spread is
twice the root mean square of the random gaps. A map beats random when its gap (LeRF -
MoRF area) lies above 0 by more than that spread; "cannot tell" when inside it. The spread
never counts as less than ``MIN_SPREAD`` of the starting probability.

Which random maps: chosen with scripts/road_nulls.py on 12 tuning crops (seed 7) by how
well the verdict separates real maps from copies of themselves shifted elsewhere (beats
random, real minus shifted, mean over Grad-CAM, IG and |IG|): per-cell 80 points, 3 maps
of 32 px cells (the previous null) 63, random-phase copies of each map 50. Held-out check
and the validation over 50 images: README, "Numbers that mean what they say".

The fair null for coarse maps (issue 30): given the map (``like``), the random maps are its
own smoothness-matched surrogates (``matched_null``: its native cells shuffled). The reverse of a surrogate is the surrogate of the negated map, just as
smooth, so the antithetic rule and its strictness are unchanged. ``two_families`` uses it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

import explainers.metrics.schema as schema
from explainers.metrics.faithfulness import map_on_input_grid, random_map
from explainers.metrics.matched_null import matched_maps
from explainers.metrics.road import FRACTIONS, IMPUTE_CELL, RoadCurves, road_curves
from model_zoo import ImageClassifier

RANDOM_MAPS = 4
RANDOM_CELL = IMPUTE_CELL  # one random value per removal cell
MIN_SPREAD = 0.02


def antithetic_spread(gaps) -> float:
    """Twice the root mean square of random maps' gaps about 0 (each map and its reverse),
    at least ``MIN_SPREAD``."""
    return max(2 * float(np.sqrt(np.mean(np.square(gaps)))), MIN_SPREAD)


@dataclass(frozen=True)
class RandomRoad:
    """ROAD curves of a few random maps: their gaps, and the mean curves."""

    runs: tuple[RoadCurves, ...]

    @property
    def gaps(self) -> np.ndarray:
        """The random maps' gaps and their reverses' (antithetic pairs: mean exactly 0)."""
        own = np.array([r.gap for r in self.runs])
        return np.concatenate([own, -own])

    @property
    def gap(self) -> float:
        return float(self.gaps.mean())

    @property
    def spread(self) -> float:
        return antithetic_spread(self.gaps)

    @property
    def mean_curve(self) -> tuple[float, ...]:
        """The maps' and their reverses' mean curve: one for both orders (a random map has
        none; a map's MoRF curve is its reverse's LeRF curve)."""
        both = [r.morf for r in self.runs] + [r.lerf for r in self.runs]
        return tuple(np.mean(both, axis=0).tolist())

    @property
    def morf_auc(self) -> float:
        return float(np.mean([(r.morf_auc + r.lerf_auc) / 2 for r in self.runs]))

    @property
    def lerf_auc(self) -> float:
        return self.morf_auc


def random_road(model: ImageClassifier, image: torch.Tensor, target: int, maps: int = RANDOM_MAPS,
                fractions=FRACTIONS, seed: int = 0, like: np.ndarray | None = None) -> RandomRoad:
    """ROAD curves of ``maps`` seeded random maps, imputed the same way as a method's: per-cell
    noise, or with ``like`` (a map) its smoothness-matched copies (``matched_null``)."""
    return RandomRoad(tuple(road_curves(model, image, m, target, fractions, seed=1000 * (k + 1))
                            for k, m in enumerate(random_maps(model, image, maps, seed, like))))


def random_maps(model: ImageClassifier, image: torch.Tensor, maps: int, seed: int = 0,
                like: np.ndarray | None = None) -> list[np.ndarray]:
    """Per-cell noise maps, or ``like``'s smoothness-matched surrogates, at the input size."""
    if like is None:
        return [random_map(model.input_size, seed + k, RANDOM_CELL) for k in range(maps)]
    return matched_maps(map_on_input_grid(model, image, like), maps, seed)


@dataclass(frozen=True)
class Verdict:
    outcome: str  # "beats random" | "cannot tell" | "worse than random"
    text: str


def verdict(curves: RoadCurves, baseline: RandomRoad, family: str = "ROAD") -> Verdict:
    """Whether the map's MoRF/LeRF gap clears the random maps' spread, said in words."""
    diff = curves.gap - baseline.gap
    facts = (f"{family} gap {curves.gap:+.2f} vs random {baseline.gap:+.2f} "
             f"± {baseline.spread:.2f}")
    if diff > baseline.spread:
        return Verdict("beats random", f"Beats random on this image ({facts}).")
    if diff < -baseline.spread:
        return Verdict("worse than random", f"Worse than random on this image ({facts}).")
    return Verdict("cannot tell", f"Cannot tell from random on this image ({facts}).")


def road_payload(curves: RoadCurves, baseline: RandomRoad) -> dict:
    """The JSON numbers (cli.py explain --metrics), keys from ``explainers.metrics.schema``."""
    r = lambda v: round(float(v), 6)  # noqa: E731
    return schema.road_numbers(curves, baseline) | {
        schema.ROAD_VERDICT: verdict(curves, baseline).outcome,
        schema.ROAD_FRACTIONS: list(curves.fractions),
        schema.ROAD_MORF_CURVE: [r(v) for v in curves.morf],
        schema.ROAD_LERF_CURVE: [r(v) for v in curves.lerf],
        schema.ROAD_START_PROBABILITY: r(curves.start_probability),
        schema.ROAD_IMPUTE_SECONDS: r(curves.impute_seconds
                                      + sum(x.impute_seconds for x in baseline.runs))}
