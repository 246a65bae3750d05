"""Leave-one-out occlusion: the drop in the target logit when one token is removed.

Li, Monroe & Jurafsky 2016 ("Understanding Neural Networks through Representation
Erasure"): score_i = f(x) - f(x without token i). Removal is the shared attention-mask
removal of ``explainers.text.removal``; all n + 1 evaluations run batched.
"""
from __future__ import annotations

import torch

from explainers.registry import MethodOutput, register_explainer
from explainers.text.removal import TEXT_BATCH, logits_with, per_token, require_words
from model_zoo import Encoded, TextClassifier


@register_explainer("occlusion_text", title="Occlusion (leave one out)", modality="text",
                    signed=True, batch=TEXT_BATCH,
                    summary="Target logit drop when each token alone is removed.")
def occlusion_text(model: TextClassifier, enc: Encoded, target: int,
                   batch: int = TEXT_BATCH) -> MethodOutput:
    n = require_words(enc)
    keep = torch.cat([torch.ones(1, n, dtype=torch.bool), ~torch.eye(n, dtype=torch.bool)])
    scores_at = logits_with(model, enc, keep, batch, "occlusion")[:, target]
    return MethodOutput(scores=per_token(enc, scores_at[0] - scores_at[1:]), model_evals=n + 1)
