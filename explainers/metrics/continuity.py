"""Explanation continuity (Montavon, Samek & Müller 2018, "Methods for interpreting and
understanding deep neural networks", sec. 7.2): shift the input a little; a continuous
explanation changes about as much as the input does, and moves with it.

For shifts of 1, 2, 3 px at the model's input grid (left and right), with maps normalised
to unit L1 mass (so only their shape counts):
- ``change``: ‖R̂(x') − R̂(x)‖₁ / ‖x' − x‖₂ · ‖x‖₂, Montavon's ratio max ‖R(x) − R(x')‖₁ /
  ‖x − x'‖₂ made scale-free: the map's relative change per relative change of the input.
- ``tracking``: ‖R̂(x') − shift(R̂(x))‖₁ against ‖R̂(x) − shift(R̂(x))‖₁: near 0 when the map
  moved with the content, near 1 when it stayed put or changed shape.
Everything is compared away from the borders the shift fills.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

MapFn = Callable[[torch.Tensor], np.ndarray]  # (3, H, W) image -> (H, W) map
STEPS = (1, 2, 3)  # px at the model's input grid
CONTINUOUS, ROUGH = 1.5, 3.0  # thresholds on the largest change ratio


def shift(array: np.ndarray | torch.Tensor, dx: int):
    """Move the content ``dx`` px right along the last axis, repeating the edge column."""
    if dx == 0:
        return array
    if isinstance(array, torch.Tensor):
        return torch.from_numpy(shift(array.numpy(), dx))
    moved = np.roll(array, dx, axis=-1)
    if dx > 0:
        moved[..., :dx] = array[..., :1]
    else:
        moved[..., dx:] = array[..., -1:]
    return moved


def unit_mass(scores: np.ndarray) -> np.ndarray:
    total = np.abs(scores).sum()
    return scores / total if total > 0 else scores


@dataclass(frozen=True)
class ContinuityStep:
    dx: int
    input_change: float  # ‖x' − x‖ / ‖x‖
    map_change: float  # ‖R̂(x') − R̂(x)‖₁ (0 to 2)
    ratio: float  # map_change / input_change
    tracking: float  # 0: moved with the input; 1: as if it had not moved


@dataclass(frozen=True)
class Continuity:
    steps: tuple[ContinuityStep, ...]
    worst_ratio: float
    mean_tracking: float
    verdict: str

    def as_dict(self) -> dict:
        return dict(steps=[dict(dx=s.dx, input_change=round(s.input_change, 4),
                                map_change=round(s.map_change, 4), ratio=round(s.ratio, 3),
                                tracking=round(s.tracking, 3)) for s in self.steps],
                    worst_ratio=round(self.worst_ratio, 3),
                    mean_tracking=round(self.mean_tracking, 3), verdict=self.verdict)


def verdict_text(worst: float, tracking: float) -> str:
    kind = ("continuous" if worst <= CONTINUOUS else
            "somewhat discontinuous" if worst <= ROUGH else "discontinuous")
    follows = ("follows the shifted content" if tracking < 0.5 else
               "partly follows the shifted content" if tracking < 0.9 else
               "does not follow the shifted content")
    return (f"{kind}: a shift of a few pixels changes the map by up to {worst:.1f} times as much "
            f"as it changes the input (relative), and the map {follows} "
            f"(tracking {tracking:.2f}; 0 = moves with it).")


def continuity(explain_map: MapFn, image: torch.Tensor, grid: int,
               steps: tuple[int, ...] = STEPS) -> Continuity:
    """Continuity of ``explain_map`` at ``image`` (3, H, W); ``grid`` is the model's input
    width, so a step of 1 moves the content one model pixel."""
    width = image.shape[-1]
    base = unit_mass(explain_map(image))
    rows = []
    for step in steps:
        for sign in (1, -1):
            dx = sign * max(1, round(step * width / grid))
            moved = shift(image, dx)
            inner = slice(max(steps) * width // grid + 1, width - max(steps) * width // grid - 1)
            x_change = float(torch.linalg.vector_norm(moved - image) /
                             torch.linalg.vector_norm(image).clamp(min=1e-12))
            new = unit_mass(explain_map(moved))
            shifted = shift(base, dx)
            change = float(np.abs(new - base)[..., inner].sum())
            stay = float(np.abs(base - shifted)[..., inner].sum())
            track = float(np.abs(new - shifted)[..., inner].sum()) / stay if stay > 0 else 0.0
            rows.append(ContinuityStep(dx, x_change, change, change / max(x_change, 1e-12), track))
    worst = max(s.ratio for s in rows)
    tracking = float(np.mean([s.tracking for s in rows]))
    return Continuity(tuple(rows), worst, tracking, verdict_text(worst, tracking))
