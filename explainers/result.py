"""The one result type every explanation method returns."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Explanation:
    """Scores for one input and one target class, plus the facts a display needs.

    ``scores`` is float32: (H, W) at the input image's resolution, or (T,) one per token.
    ``signed`` tells a display to use a diverging colormap. ``delta`` is the completeness
    gap (sum of attributions minus the change in the target logit) where a method has one.
    Plain dicts, not read-only proxies, so results pickle into Streamlit's cache.
    """

    scores: np.ndarray
    method: str
    target: int
    signed: bool
    seconds: float
    model_evals: int
    tokens: tuple[str, ...] | None = None
    delta: float | None = None
    params: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        scores = np.array(self.scores, dtype=np.float32)  # a private copy
        scores.setflags(write=False)
        object.__setattr__(self, "scores", scores)
        object.__setattr__(self, "params", dict(self.params))
        object.__setattr__(self, "extras", dict(self.extras))
