"""The one result type of the image counterfactual searches (latent space, perturbation)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ImageCounterfactual:
    """Original and counterfactual as (H, W, 3) float arrays in [0, 1], their difference
    (counterfactual - original, signed) and the model's probabilities for each.

    ``flipped``: the model puts ``target`` first on the counterfactual with at least the
    asked confidence; when False, ``counterfactual`` is the best found (highest p(target)).
    """

    method: str
    original: np.ndarray
    counterfactual: np.ndarray
    target: int
    original_probs: np.ndarray
    counterfactual_probs: np.ndarray
    flipped: bool
    steps: int
    seconds: float
    extras: dict

    @property
    def difference(self) -> np.ndarray:
        return self.counterfactual - self.original

    @property
    def distance(self) -> float:
        """Mean absolute pixel change (L1 per pixel and channel)."""
        return float(np.abs(self.difference).mean())

    def verdict(self, labels: tuple[str, ...]) -> str:
        """One line: flipped or not, from which class to which, and at what change."""
        start, end = labels[int(self.original_probs.argmax())], labels[self.target]
        p = self.counterfactual_probs[self.target]
        if self.flipped:
            return (f"{start} → {end}: the model gives {end} {p:.1%} after a mean change of "
                    f"{self.distance:.3f} per pixel ({self.steps} steps)")
        return (f"no counterfactual for {end} found in {self.steps} steps; the best found "
                f"reaches p({end}) = {p:.1%} (top class "
                f"{labels[int(self.counterfactual_probs.argmax())]})")
