"""Deletion score for token explanations: how much the target probability drops when the
k tokens a method ranks highest are removed (Samek et al. 2017's deletion idea, one step).

Signed methods rank by score (most positive first: evidence for the target); unsigned ones
by magnitude. Removal is the attention-mask removal every perturbation method here uses.
A larger drop means the method found tokens the prediction really rests on.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from explainers.text.removal import logits_with, require_words
from model_zoo import Encoded, TextClassifier


@dataclass(frozen=True)
class Deletion:
    """p(target) before and after removing the ``removed`` top tokens (T indices)."""

    before: float
    after: float
    removed: tuple[int, ...]

    @property
    def drop(self) -> float:
        return self.before - self.after


def top_tokens(scores: np.ndarray, special: tuple[bool, ...], k: int) -> list[int]:
    """Positions of the k highest-scoring non-special tokens (ties: earlier first)."""
    candidates = [i for i, s in enumerate(special) if not s]
    order = sorted(candidates, key=lambda i: (-float(scores[i]), i))
    return order[:max(0, min(k, len(order)))]


def deletion_score(model: TextClassifier, enc: Encoded, scores: np.ndarray, target: int,
                   k: int = 3) -> Deletion:
    """Remove the top-k tokens of ``scores`` (one batched pass with the full sentence)."""
    require_words(enc)
    removed = top_tokens(np.asarray(scores), enc.special, k)
    positions = [i for i, s in enumerate(enc.special) if not s]
    keep = torch.ones(2, len(positions), dtype=torch.bool)
    keep[1, [positions.index(i) for i in removed]] = False
    probs = torch.softmax(logits_with(model, enc, keep, label=None).double(), dim=-1)[:, target]
    return Deletion(before=float(probs[0]), after=float(probs[1]), removed=tuple(removed))


def explanation_deletion(model: TextClassifier, text: str, scores: np.ndarray, signed: bool,
                         target: int, k: int = 3) -> Deletion:
    """Deletion score of an ``Explanation``'s scores on ``text``."""
    ranked = np.asarray(scores, dtype=np.float64)
    return deletion_score(model, model.encode(text), ranked if signed else np.abs(ranked),
                          target, k)
