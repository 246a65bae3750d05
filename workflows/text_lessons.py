"""Lessons on the text page that run the model: attention permuted (Jain & Wallace 2019)."""
from __future__ import annotations

from model_zoo import TextClassifier


def attention_permutation(model: TextClassifier, text: str):
    """The sentence under its own and permuted last-layer attention (AttentionPermutation)."""
    from explainers.text.attention_permutation import permute_attention

    return permute_attention(model, model.encode(text))
