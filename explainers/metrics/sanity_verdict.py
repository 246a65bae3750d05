"""A sanity verdict read from the whole randomisation curve, not from its last point.

Adebayo et al. 2018 (sec. 3.1, fig. 2) expect a map that depends on the model to change as
soon as the top layers are randomised. The rule: the mean Spearman rho over the first
``EARLY_BLOCKS`` randomised blocks (output end) must be below ``CHANGED_RHO``; the block at
which rho first drops below it is reported too. A map that vanishes (all zeros) or turns
constant under randomisation has rho 0 by convention, which would read as a pass: it is
reported as such instead, since nothing about the map's dependence can be judged from it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

EARLY_BLOCKS = 3
CHANGED_RHO = 0.5
FLAT = 1e-6  # a map whose value range is below this share of the original's is constant

RULE = (f"Rule: the map depends on the model when the mean Spearman ρ over the first "
        f"{EARLY_BLOCKS} randomised blocks (from the output) is below {CHANGED_RHO}; a map "
        "that vanishes or turns constant is reported as such, not as a pass.")


@dataclass(frozen=True)
class SanityVerdict:
    outcome: str  # "depends on the model" | "insensitive to the model" | "vanishes" | "constant"
    early_rho: float
    first_changed: int | None  # 1-based block count at which rho first fell below the bar
    text: str

    @property
    def passed(self) -> bool:
        return self.outcome == "depends on the model"


def flat_kind(original: np.ndarray, scores: np.ndarray) -> str | None:
    """"vanishes" (all ~0), "constant" (one value), or None for a map with structure."""
    scale = max(float(np.ptp(original)), float(np.abs(original).max()), 1e-12)
    if float(np.ptp(scores)) > FLAT * scale:
        return None
    return "vanishes" if float(np.abs(scores).max()) <= FLAT * scale else "constant"


def sanity_verdict(original: np.ndarray, rhos: Sequence[float],
                   maps: Sequence[np.ndarray]) -> SanityVerdict:
    """The verdict for one method from its per-block rhos and randomised maps (output first)."""
    if not rhos:
        raise ValueError("no randomisation steps to judge")
    early = float(np.mean(rhos[:EARLY_BLOCKS]))
    below = [i + 1 for i, r in enumerate(rhos) if r < CHANGED_RHO]
    first = below[0] if below else None
    for i, scores in enumerate(maps[:EARLY_BLOCKS]):
        kind = flat_kind(original, scores)
        if kind:
            word = "vanishes (all zeros)" if kind == "vanishes" else "becomes constant"
            return SanityVerdict(kind, early, first,
                                 f"The map {word} after randomising {i + 1} block(s): the "
                                 "check cannot tell whether it depends on the model.")
    if early < CHANGED_RHO:
        return SanityVerdict("depends on the model", early, first,
                             f"Depends on the model: mean ρ {early:.2f} over the first "
                             f"{min(EARLY_BLOCKS, len(rhos))} blocks; changed at block {first}.")
    where = f"first below {CHANGED_RHO} at block {first}" if first else "never below it"
    return SanityVerdict("insensitive to the model", early, first,
                         f"Insensitive to the model: mean ρ {early:.2f} over the first "
                         f"{min(EARLY_BLOCKS, len(rhos))} blocks ({where}).")
