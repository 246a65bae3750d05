"""What activation maximisation maximises: one score per image of a batch.

A channel objective is the channel's mean activation (Erhan et al. 2009; Olah et al. 2017),
a unit objective one spatial position of a channel (the centre by default), a class
objective the pre-softmax logit (Simonyan et al. 2014, eq. 1). A gallery optimises one
objective per image, so ``indices`` holds one channel (or class) per image.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch

from explainers.global_views.layers import LOGITS

Kind = Literal["channel", "unit", "class"]


@dataclass(frozen=True)
class Objective:
    """``kind`` at ``layer`` for each of ``indices``; ``position`` (y, x) for a unit."""

    kind: Kind
    layer: str
    indices: tuple[int, ...]
    position: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("channel", "unit", "class"):
            raise ValueError(f"unknown objective {self.kind!r}; use channel, unit or class")
        if self.kind == "class" and self.layer != LOGITS:
            raise ValueError("a class objective reads the logits")
        if not self.indices:
            raise ValueError("an objective needs at least one channel or class")

    def single(self, i: int) -> "Objective":
        """The objective of image ``i`` alone (a separate run of one gallery entry)."""
        return Objective(self.kind, self.layer, (self.indices[i],), self.position)

    def describe(self, i: int = 0) -> str:
        where = f" at {self.position}" if self.kind == "unit" and self.position else ""
        return f"{self.kind} {self.indices[i]}{where}" + (
            "" if self.kind == "class" else f" of {self.layer}")


def channel(layer: str, *channels: int) -> Objective:
    return Objective("channel", layer, tuple(channels))


def unit(layer: str, channel_index: int, position: tuple[int, int] | None = None) -> Objective:
    return Objective("unit", layer, (channel_index,), position)


def class_logit(*classes: int) -> Objective:
    return Objective("class", LOGITS, tuple(classes))


def check_range(objective: Objective, shape: tuple[int, ...]) -> None:
    """Raise a clear ValueError when a channel, class or position is out of range."""
    count = shape[0]
    for index in objective.indices:
        if not 0 <= index < count:
            what = "class" if objective.kind == "class" else "channel"
            raise ValueError(f"{what} {index} is outside 0..{count - 1} ({objective.layer})")
    if objective.kind == "unit" and objective.position is not None and len(shape) == 3:
        y, x = objective.position
        if not (0 <= y < shape[1] and 0 <= x < shape[2]):
            raise ValueError(f"position {objective.position} is outside the {shape[1]}x{shape[2]} map")


def scores(objective: Objective, output: torch.Tensor) -> torch.Tensor:
    """(N,) objective values from the layer's (N, C[, h, w]) output, one index per image."""
    rows = torch.arange(output.shape[0])
    picked = output[rows, torch.tensor(objective.indices)]  # (N[, h, w])
    if picked.dim() == 1:
        return picked
    if objective.kind == "unit":
        y, x = objective.position or (picked.shape[-2] // 2, picked.shape[-1] // 2)
        return picked[:, y, x]
    return picked.flatten(1).mean(1)
