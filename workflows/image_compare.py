"""The image page's "Compare with…": a second model on the same image, the prediction
change and each method's signed difference map (B - A) on one colour scale.

Both models explain the same class (A's target, found in B by name), so a difference map
says where B's evidence for that class lies compared with A's. Each map is divided by its
largest |value| first: two models' raw attributions are on unrelated scales.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


class CompareError(ValueError):
    """The two models cannot be compared on this class; the message is fit to show."""


@dataclass(frozen=True, eq=False)
class ImageCompare:
    model_a: str
    model_b: str
    label: str  # the class both maps explain
    top_a: tuple[str, float]  # each model's prediction and its probability
    top_b: tuple[str, float]
    label_p: tuple[float, float]  # the explained class's probability under A and B
    maps: dict[str, np.ndarray]  # method -> (H, W) B - A of the peak-normalised maps
    scale: float  # one symmetric colour scale for every difference map

    @property
    def sentence(self) -> str:
        (a, pa), (b, pb) = self.top_a, self.top_b
        change = (f"the prediction stays {a}" if a == b else
                  f"the prediction changes from {a} ({pa:.0%}) to {b} ({pb:.0%})")
        return (f"{self.model_a} → {self.model_b}: {change}; “{self.label}” "
                f"{self.label_p[0]:.0%} → {self.label_p[1]:.0%}.")


def class_in(labels: tuple[str, ...], label: str, model: str) -> int:
    """The index of ``label`` in another model's labels, by name (case-insensitive)."""
    lowered = [name.lower() for name in labels]
    if label.lower() not in lowered:
        raise CompareError(f"{model} has no class “{label}”: its labels differ, so its maps "
                           "cannot be compared on this class")
    return lowered.index(label.lower())


def peak_normalised(scores: np.ndarray) -> np.ndarray:
    scores = np.asarray(scores, np.float32)
    return scores / max(float(np.abs(scores).max()), 1e-12)


def compare_on_image(names: tuple[str, str], labels: tuple[tuple[str, ...], tuple[str, ...]],
                     probs: tuple[np.ndarray, np.ndarray], target: int,
                     maps_a: dict[str, np.ndarray], maps_b: dict[str, np.ndarray]
                     ) -> ImageCompare:
    """Assemble the comparison from each model's probabilities and maps (already computed,
    B's for ``class_in(labels[1], labels[0][target], names[1])``)."""
    label = labels[0][target]
    b_target = class_in(labels[1], label, names[1])
    diffs = {m: peak_normalised(maps_b[m]) - peak_normalised(maps_a[m])
             for m in maps_a if m in maps_b}
    scale = max((float(np.abs(d).max()) for d in diffs.values()), default=0.0) or 1.0
    tops = [(labels[i][int(p.argmax())], float(p.max())) for i, p in enumerate(probs)]
    return ImageCompare(names[0], names[1], label, tops[0], tops[1],
                        (float(probs[0][target]), float(probs[1][b_target])), diffs, scale)
