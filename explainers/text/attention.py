"""Attention paid to each token by the sequence summary, last layer, averaged over heads.

The summary is the [CLS] query for models that classify from it, and the mean over
all query positions for mean-pooled models. Every layer x head matrix is kept in
``extras["attentions"]`` (layers, heads, T, T) for the grid views.

The forward runs on a twin of the shared model: transformers 5 installs permanent forward
hooks on a model the first time attentions are asked of it, which would leave hooks on the
shared model and mutate its hook tables while other sessions run it.
"""
from __future__ import annotations

import threading
import weakref

import torch
from torch import nn

from explainers.private_copy import private_copy
from explainers.registry import MethodOutput, register_explainer
from model_zoo import Encoded, TextClassifier


_twins: weakref.WeakKeyDictionary[nn.Module, nn.Module] = weakref.WeakKeyDictionary()
_twins_lock = threading.Lock()


def attention_twin(module: nn.Module) -> nn.Module:
    """A private copy kept per shared model, with transformers' capture hooks installed
    before any session can run it.

    Those hooks record only when the calling context asks for attentions (a ContextVar),
    so sessions can share the twin; the shared model itself stays hook-free. A fresh copy
    per call cost as much again as the forward itself (0.0127 s against 0.0064 s).
    """
    with _twins_lock:
        twin = _twins.get(module)
        if twin is None:
            twin = private_copy(module)
            with torch.inference_mode():
                twin(input_ids=torch.zeros(1, 2, dtype=torch.long),
                     attention_mask=torch.ones(1, 2, dtype=torch.long), output_attentions=True)
            _twins[module] = twin
    return twin


def summary_row(per_query: torch.Tensor, mask: torch.Tensor, pooling: str) -> torch.Tensor:
    """(T, T) query x key weights -> (T,) for the summary query: [CLS] or the masked mean."""
    if pooling == "cls":
        return per_query[0]
    weights = mask.float() / mask.float().sum()
    return (weights[:, None] * per_query).sum(dim=0)


def summary_attention(attentions: torch.Tensor, mask: torch.Tensor, pooling: str) -> torch.Tensor:
    """(heads, T, T) of one layer -> (T,) attention from the summary query to each token."""
    return summary_row(attentions.mean(dim=0), mask, pooling)


def all_attentions(model: TextClassifier, enc: Encoded) -> torch.Tensor:
    """(layers, heads, T, T) attention weights of one forward pass on the twin."""
    with torch.inference_mode():
        out = attention_twin(model.module)(input_ids=enc.input_ids,
                                           attention_mask=enc.attention_mask,
                                           output_attentions=True)
    return torch.stack([a[0] for a in out.attentions]).float()


@register_explainer("attention", title="Attention (last layer)", modality="text", signed=False,
                    provides=("attentions",),
                    summary="How much the summary position attends to each token.")
def attention(model: TextClassifier, enc: Encoded, target: int) -> MethodOutput:
    stacked = all_attentions(model, enc)
    scores = summary_attention(stacked[-1], enc.attention_mask[0], model.pooling)
    return MethodOutput(scores=scores, model_evals=1, extras={"attentions": stacked.numpy()})
