"""Deletion score for token explanations: how much the target probability drops when the
k tokens a method ranks highest are removed (Samek et al. 2017's deletion idea, one step).

Signed methods rank by score (most positive first: evidence for the target); unsigned ones
by magnitude. Removal is the attention-mask removal every perturbation method here uses.
A larger drop means the method found tokens the prediction really rests on, but how large
is large depends on the sentence: removing any 3 of 5 words moves a prediction a lot. So the
drop is also compared with random removals of as many tokens (``random_deletion``: every
such subset when there are at most ``RANDOM_REMOVALS``, else that many seeded ones), and the
verdict says whether it beats them.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import torch

from explainers.text.removal import logits_with, require_words
from model_zoo import Encoded, TextClassifier

RANDOM_REMOVALS = 64  # random k-token removals a drop is compared with (all, when fewer)
BEATS_SHARE = 0.95  # beats random: a larger drop than this share of the random removals


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
    probs = target_probabilities(model, enc, keep, target)
    return Deletion(before=float(probs[0]), after=float(probs[1]), removed=tuple(removed))


def target_probabilities(model: TextClassifier, enc: Encoded, keep: torch.Tensor,
                         target: int) -> torch.Tensor:
    """p(target) of the sentence with each row of ``keep``'s removals (one batched pass)."""
    return torch.softmax(logits_with(model, enc, keep, label=None).double(), dim=-1)[:, target]


def explanation_deletion(model: TextClassifier, text: str, scores: np.ndarray, signed: bool,
                         target: int, k: int = 3) -> Deletion:
    """Deletion score of an ``Explanation``'s scores on ``text``."""
    ranked = np.asarray(scores, dtype=np.float64)
    return deletion_score(model, model.encode(text), ranked if signed else np.abs(ranked),
                          target, k)


def random_removals(n: int, k: int, count: int = RANDOM_REMOVALS, seed: int = 0) -> np.ndarray:
    """(m, n) keep masks, k tokens removed in each: every k-subset of the n tokens when there
    are at most ``count`` of them, else ``count`` seeded random subsets."""
    k = max(0, min(k, n))
    if math.comb(n, k) <= count:
        subsets = [list(s) for s in itertools.combinations(range(n), k)]
    else:
        rng = np.random.default_rng(seed)
        subsets = [rng.choice(n, k, replace=False) for _ in range(count)]
    keep = np.ones((len(subsets), n), dtype=bool)
    for row, subset in zip(keep, subsets):
        row[subset] = False
    return keep


@dataclass(frozen=True)
class DeletionVerdict:
    outcome: str  # "beats random" | "cannot tell" | "worse than random"
    share_below: float  # the share of random removals whose drop is smaller (ties: half)
    text: str


@dataclass(frozen=True)
class RandomDeletion:
    """The drops of random k-token removals from one sentence, for one target."""

    k: int
    drops: tuple[float, ...]
    exhaustive: bool  # every k-subset, not a sample
    n: int = 0  # the sentence's removable tokens (0: not recorded)

    @property
    def mean_drop(self) -> float:
        return float(np.mean(self.drops))

    @property
    def can_beat(self) -> bool:
        """Whether any removal could reach "beats random": with every one of m subsets
        listed, the best is tied with itself and larger than m - 1, a share of 1 - 0.5 / m."""
        return not self.exhaustive or 1 - 0.5 / len(self.drops) >= BEATS_SHARE

    @property
    def smallest_p(self) -> float:
        """The smallest p-value any row can reach: with every one of m subsets listed the best
        removal still ties with itself (0.5 / m); against m seeded ones, 1 / (m + 1)."""
        m = len(self.drops)
        return 0.5 / m if self.exhaustive else 1 / (m + 1)

    def verdict_ks(self, count: int = RANDOM_REMOVALS) -> list[int]:
        """The numbers of removed tokens for which this sentence allows a verdict."""
        return [k for k in range(1, self.n) if verdict_possible(self.n, k, count)]

    def verdict(self, drop: float) -> DeletionVerdict:
        """Whether a method's drop beats random removals, in words, with its share."""
        drops = np.asarray(self.drops)
        # a tie: the same removal scored in another batch differs by float noise (~2e-7)
        tie = np.isclose(drops, drop, rtol=0, atol=1e-6)
        share = float(((drops < drop) & ~tie).mean() + 0.5 * tie.mean())
        which = "all" if self.exhaustive else "seeded"
        facts = (f"drop {drop:+.3f} is larger than {share:.0%} of {len(drops)} {which} random "
                 f"removals of {self.k} tokens, mean {self.mean_drop:+.3f}")
        if share >= BEATS_SHARE:
            return DeletionVerdict("beats random", share, f"Beats random ({facts}).")
        if share <= 1 - BEATS_SHARE:
            return DeletionVerdict("worse than random", share, f"Worse than random ({facts}).")
        return DeletionVerdict("cannot tell", share, f"Cannot tell from random ({facts}).")


def verdict_possible(n: int, k: int, count: int = RANDOM_REMOVALS) -> bool:
    """Whether removing k of n tokens leaves enough subsets for "beats random"."""
    subsets = math.comb(n, k)
    return subsets > count or 1 - 0.5 / subsets >= BEATS_SHARE


def random_deletion(model: TextClassifier, text: str, target: int, k: int = 3,
                    count: int = RANDOM_REMOVALS, seed: int = 0) -> RandomDeletion:
    """Drops of random removals of k tokens (one batched pass with the full sentence)."""
    enc = model.encode(text)
    n = require_words(enc)
    k = min(k, n)
    removed = random_removals(n, k, count, seed)
    keep = torch.from_numpy(np.vstack([np.ones((1, n), dtype=bool), removed]))
    probs = target_probabilities(model, enc, keep, target)
    return RandomDeletion(k, tuple((probs[0] - probs[1:]).tolist()), math.comb(n, k) <= count, n)
