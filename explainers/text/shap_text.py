"""SHAP for text: Owen values of the target logit over the tokens (partition explainer).

Tokens are removed by attention mask (``explainers.text.removal``); the hierarchy is a
balanced binary split of the sentence into contiguous halves. Scores sum to
logit(sentence) - logit(no words) at any budget; a budget near 2 n^2 evaluations gives the
exact Owen values (the refinement stops early when every node is a single token).
"""
from __future__ import annotations

import torch

from explainers.registry import MethodOutput, register_explainer
from explainers.text.owen import owen_values
from explainers.text.removal import TEXT_BATCH, logits_with, per_token, require_words
from model_zoo import Encoded, TextClassifier


@register_explainer("shap_text", title="SHAP (partition over tokens)", modality="text",
                    signed=True, max_evals=500, batch=TEXT_BATCH, quick={"max_evals": 64},
                    summary="Owen values of the target logit over a binary hierarchy of tokens "
                            "(Lundberg & Lee 2017; shap's partition explainer).")
def shap_text(model: TextClassifier, enc: Encoded, target: int, max_evals: int = 500,
              batch: int = TEXT_BATCH) -> MethodOutput:
    n = require_words(enc)

    def value(keep: torch.Tensor) -> torch.Tensor:
        return logits_with(model, enc, keep, batch, label=None)[:, target]

    phi, evals = owen_values(value, n, max(max_evals, 2), batch)
    return MethodOutput(scores=per_token(enc, phi), model_evals=evals)
