"""Attention paid to each token by the sequence summary, last layer, averaged over heads.

The summary is the [CLS] query for models that classify from it, and the mean over
all query positions for mean-pooled models. Every layer x head matrix is kept in
``extras["attentions"]`` (layers, heads, T, T) for the grid views.

The forward runs on a private copy: transformers 5 installs permanent forward hooks on a
model the first time attentions are asked of it, which would leave hooks on the shared
model and mutate its hook tables while other sessions run it.
"""
from __future__ import annotations

import torch

from explainers.private_copy import private_copy
from explainers.registry import MethodOutput, register_explainer
from model_zoo import Encoded, TextClassifier


def summary_attention(attentions: torch.Tensor, mask: torch.Tensor, pooling: str) -> torch.Tensor:
    """(heads, T, T) of one layer -> (T,) attention from the summary query to each token."""
    per_query = attentions.mean(dim=0)
    if pooling == "cls":
        return per_query[0]
    weights = mask.float() / mask.float().sum()
    return (weights[:, None] * per_query).sum(dim=0)


@register_explainer("attention", title="Attention (last layer)", modality="text", signed=False,
                    summary="How much the summary position attends to each token.")
def attention(model: TextClassifier, enc: Encoded, target: int) -> MethodOutput:
    with torch.inference_mode():
        out = private_copy(model.module)(input_ids=enc.input_ids, attention_mask=enc.attention_mask,
                           output_attentions=True)
    stacked = torch.stack([a[0] for a in out.attentions])
    scores = summary_attention(stacked[-1], enc.attention_mask[0], model.pooling)
    return MethodOutput(scores=scores, model_evals=1,
                        extras={"attentions": stacked.float().numpy()})
