"""What each SpRAy cluster looks like, and which clusters look like a Clever Hans strategy.

A watermark cluster (Lapuschkin et al. 2019, the "source tag" horses) is small (a minority
of the class), pure (its members' nearest neighbours are members too) and focused (its
mean map piles up in one small region). Thresholds are module constants, stated in the
README with the measurements they come from.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explainers.audit.spray import Spectral

SMALL = 0.35  # at most this share of the class
PURE = 0.97  # at least this share of members' neighbour edges stay inside the cluster
FOCUSED = 0.12  # at least this share of the mean map's mass in its top 5% of cells (uniform: 0.05)
TOP_CELLS = 0.05
EXAMPLES = 6


@dataclass(frozen=True)
class ClusterSummary:
    cluster: int
    size: int
    share: float
    purity: float
    focus: float
    hot_spot: tuple[float, float]  # (row, column) of the mean map's peak, as fractions
    examples: tuple[int, ...]  # data-set indices, the members closest to the cluster mean
    mean_map: np.ndarray
    small: bool
    pure: bool
    focused: bool

    @property
    def flagged(self) -> bool:
        return self.small and self.pure and self.focused


def purity(spectral: Spectral, members: np.ndarray) -> float:
    """Share of the members' k-NN edges that end inside the cluster."""
    rows = spectral.affinity[members]
    inside = rows[:, members].sum()
    return float(inside / max(rows.sum(), 1))


def focus(mean_map: np.ndarray, top: float = TOP_CELLS) -> float:
    """Share of a non-negative map's mass in its top ``top`` fraction of cells."""
    flat = np.sort(np.clip(mean_map, 0, None).ravel())[::-1]
    count = max(1, int(round(top * flat.size)))
    return float(flat[:count].sum() / max(flat.sum(), 1e-12))


def summarise(spectral: Spectral, maps: np.ndarray, index: np.ndarray) -> list[ClusterSummary]:
    """Per cluster of one class: size, flags, mean map and example items.

    ``maps`` are the class's maps (n, H, W); ``index`` their data-set indices.
    """
    out = []
    side = int(np.sqrt(spectral.features.shape[1]))
    for c in range(spectral.k):
        members = np.flatnonzero(spectral.clusters == c)
        if len(members) == 0:
            continue
        centre = spectral.features[members].mean(0)
        near = members[np.argsort(((spectral.features[members] - centre) ** 2).sum(1))]
        mean_map = normalised(maps[members]).mean(0)
        peak = np.unravel_index(int(np.argmax(centre)), (side, side))
        share, pure, foc = len(members) / len(maps), purity(spectral, members), focus(mean_map)
        out.append(ClusterSummary(c, len(members), share, pure, foc,
                                  ((peak[0] + 0.5) / side, (peak[1] + 0.5) / side),
                                  tuple(int(i) for i in index[near[:EXAMPLES]]), mean_map,
                                  share <= SMALL, pure >= PURE, foc >= FOCUSED))
    return out


def normalised(maps: np.ndarray) -> np.ndarray:
    """Each map's positive part divided by its maximum (all-zero maps stay zero)."""
    positive = np.clip(maps, 0, None)
    peak = positive.reshape(len(maps), -1).max(1)
    return positive / np.maximum(peak, 1e-12)[:, None, None]
