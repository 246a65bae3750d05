"""Merging sub-word pieces into words: WordPiece ``##`` continuations and SentencePiece
``▁`` / byte-level BPE ``Ġ`` word starts. Scores of a word are the sum of its pieces."""
from __future__ import annotations

import numpy as np

WORD_START = ("\u2581", "\u0120")  # SentencePiece, byte-level BPE (GPT-2, RoBERTa)


def starts_word(token: str, index: int, pieces_mark_starts: bool) -> bool:
    if pieces_mark_starts:
        return token.startswith(WORD_START) or index == 0
    return not token.startswith("##")


def word_groups(tokens: tuple[str, ...], special: tuple[bool, ...]) -> list[list[int]]:
    """Token indices grouped into words; special tokens stay alone."""
    marks = any(t.startswith(WORD_START) for t in tokens)
    groups: list[list[int]] = []
    for i, token in enumerate(tokens):
        joins = groups and not special[i] and not special[groups[-1][-1]]
        if joins and not starts_word(token, i, marks):
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def piece_text(token: str) -> str:
    """A piece as it reads inside its word."""
    if token.startswith("##"):
        return token[2:]
    return token[1:] if token.startswith(WORD_START) else token


def merge_words(tokens: tuple[str, ...], special: tuple[bool, ...],
                scores: np.ndarray) -> tuple[tuple[str, ...], tuple[bool, ...], np.ndarray]:
    """(words, special flags, summed scores) for the token sequence."""
    groups = word_groups(tokens, special)
    words = tuple("".join(piece_text(tokens[i]) for i in g) for g in groups)
    flags = tuple(special[g[0]] for g in groups)
    summed = np.array([float(np.sum(np.asarray(scores)[g])) for g in groups], dtype=np.float32)
    return words, flags, summed
