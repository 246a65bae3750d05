"""Text counterfactuals: the fewest word edits (removal, or a swap to a word of opposite
or neutral sentiment) that flip a classifier to a chosen class, found by a beam search in
which every candidate sentence is scored by the model itself (no proxy). At most
``max_edits`` edits; when none flips, the result says so and carries the best found."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

# Swaps tried besides removal: opposites for the common sentiment words, both ways.
OPPOSITES = {"love": "hate", "loved": "hated", "good": "bad", "great": "terrible",
             "wonderful": "awful", "best": "worst", "happy": "sad", "amazing": "boring",
             "enjoyed": "disliked", "fantastic": "dreadful", "excellent": "poor",
             "beautiful": "ugly", "nice": "nasty", "always": "never", "like": "dislike"}
SWAPS = {**OPPOSITES, **{b: a for a, b in OPPOSITES.items()}}
NEGATIONS = ("not",)  # inserted before a word: "was good" -> "was not good"
WORD = re.compile(r"[A-Za-z']+")


@dataclass(frozen=True)
class TextCounterfactual:
    original: str
    counterfactual: str
    edits: tuple[str, ...]          # e.g. ("remove 'love'", "'wonderful' -> 'awful'")
    target: int
    original_probs: np.ndarray
    counterfactual_probs: np.ndarray
    flipped: bool
    evaluations: int


def wins(p: np.ndarray, target: int) -> bool:
    """The target strictly ahead of every other class (a tie is no flip)."""
    return bool(p[target] > np.delete(p, target).max())


def candidates(words: list[str]) -> list[tuple[list[str], str]]:
    """Every sentence one edit away: each word removed, swapped, or negated."""
    out = []
    for i, word in enumerate(words):
        bare = WORD.search(word)
        out.append((words[:i] + words[i + 1:], f"remove {word!r}"))
        if bare and bare.group().lower() in SWAPS:
            new = word.replace(bare.group(), SWAPS[bare.group().lower()])
            out.append((words[:i] + [new] + words[i + 1:], f"{word!r} -> {new!r}"))
        if bare and i and words[i - 1].lower() not in NEGATIONS:
            out.append((words[:i] + ["not", word] + words[i + 1:], f"insert 'not' before {word!r}"))
    return out


def text_counterfactual(probs: Callable[[str], np.ndarray], text: str, target: int,
                        max_edits: int = 3, beam: int = 4) -> TextCounterfactual:
    """``probs(sentence)`` gives the class probabilities; search flips to ``target``."""
    start = probs(text)
    if not 0 <= target < len(start):
        raise ValueError(f"target {target} is outside 0..{len(start) - 1}")
    if max_edits < 1 or beam < 1:
        raise ValueError("max_edits and beam must be positive")
    states = [(text.split(), ())]
    best = (float(start[target]), text, (), start)
    evaluations = 1
    for _ in range(max_edits):
        scored = []
        for words, edits in states:
            for new_words, edit in candidates(words):
                sentence = " ".join(new_words)
                p = probs(sentence)
                evaluations += 1
                scored.append((float(p[target]), new_words, edits + (edit,), p))
                if wins(p, target):  # the fewest edits: stop at this depth
                    return TextCounterfactual(text, sentence, edits + (edit,), target, start,
                                              p, True, evaluations)
        if not scored:
            break
        scored.sort(key=lambda s: -s[0])
        top = scored[0]
        if top[0] > best[0]:
            best = (top[0], " ".join(top[1]), top[2], top[3])
        states = [(w, e) for _, w, e, _ in scored[:beam]]
    return TextCounterfactual(text, best[1], best[2], target, start, best[3], False, evaluations)
