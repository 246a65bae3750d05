"""Attention rollout (Abnar & Zuidema 2020, "Quantifying Attention Flow", eq. 1-2).

Per layer: average the heads, add the identity for the residual connection, renormalise
each row to sum to one; then multiply the layers from the bottom up. Row i of the product
says how much the top-layer position i draws from each input token.
"""
from __future__ import annotations

import torch

from explainers.registry import MethodOutput, register_explainer
from explainers.text.attention import all_attentions, summary_row
from model_zoo import Encoded, TextClassifier


def attention_rollout(attentions: torch.Tensor) -> torch.Tensor:
    """(layers, heads, T, T) -> (T, T): A~_l = rownorm(mean_h A_l + I); R = A~_L ... A~_1."""
    layers = attentions.mean(dim=1)
    eye = torch.eye(layers.shape[-1], dtype=layers.dtype)
    rolled = eye
    for layer in layers:
        mixed = layer + eye
        rolled = (mixed / mixed.sum(dim=-1, keepdim=True)) @ rolled
    return rolled


@register_explainer("attention_rollout", title="Attention rollout", modality="text", signed=False,
                    provides=("rollout",),
                    summary="Attention multiplied through the layers with the residual "
                            "(Abnar & Zuidema 2020), from the summary position.")
def rollout(model: TextClassifier, enc: Encoded, target: int) -> MethodOutput:
    attentions = all_attentions(model, enc)
    rolled = attention_rollout(attentions)
    scores = summary_row(rolled, enc.attention_mask[0], model.pooling)
    return MethodOutput(scores=scores, model_evals=1, extras={"rollout": rolled.numpy()})
