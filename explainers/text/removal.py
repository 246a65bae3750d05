"""Removing tokens from a sentence, the one way every perturbation method here does it.

A removed token gets attention mask 0: no position attends to it and masked mean pooling
skips it, while every other token keeps its own position embedding. Replacing it with
[MASK] or [PAD] instead would leave a token the model still reads (and, for mean-pooled
models, still averages in). Special tokens ([CLS], [SEP]) are never removed. All
evaluations of one explanation share the input ids, so they batch with no re-tokenising.
"""
from __future__ import annotations

import torch

from explainers.batching import generated_outputs
from explainers.progress import reporting
from model_zoo import Encoded, TextClassifier

TEXT_BATCH = 16  # per-sample cost of MiniLM on 32 tokens is lowest near 16 on 2 cores


def word_positions(enc: Encoded) -> torch.Tensor:
    """Indices of the removable (non-special) tokens."""
    return torch.tensor([i for i, s in enumerate(enc.special) if not s], dtype=torch.long)


def keep_masks(enc: Encoded, keep: torch.Tensor) -> torch.Tensor:
    """(N, n) booleans over the removable tokens -> (N, T) attention masks."""
    masks = enc.attention_mask.expand(keep.shape[0], -1).clone()
    masks[:, word_positions(enc)] = keep.to(masks.dtype)
    return masks


def logits_with(model: TextClassifier, enc: Encoded, keep: torch.Tensor,
                batch: int = TEXT_BATCH, label: str | None = "") -> torch.Tensor:
    """Logits (N, classes) of the sentence with the tokens where ``keep`` is False removed.

    Batches of ``batch`` under inference mode, reporting progress (none when ``label`` is
    None: the caller reports its own); masks are built per batch.
    """
    ids = enc.input_ids

    def make(start: int, stop: int) -> torch.Tensor:
        return keep_masks(enc, keep[start:stop])

    def forward(masks: torch.Tensor) -> torch.Tensor:
        n = masks.shape[0]
        return model.module(input_ids=ids.expand(n, -1), attention_mask=masks.long()).logits

    if label is None:
        with reporting(lambda _fraction, _text: None):
            return generated_outputs(forward, make, keep.shape[0], batch)
    return generated_outputs(forward, make, keep.shape[0], batch, label)


def require_words(enc: Encoded) -> int:
    """The number of removable tokens; a clear error when there are none."""
    n = len(enc.special) - sum(enc.special)
    if n == 0:
        raise ValueError("the text has no tokens to explain")
    return n


def per_token(enc: Encoded, values: torch.Tensor) -> torch.Tensor:
    """Scores of the n removable tokens -> (T,) scores, zero at the special tokens."""
    scores = torch.zeros(len(enc.special), dtype=torch.float32)
    scores[word_positions(enc)] = values.float()
    return scores
