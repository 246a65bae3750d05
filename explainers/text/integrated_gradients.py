"""Integrated Gradients on the word embeddings, summed over the embedding dimension.

The baseline keeps the special tokens ([CLS], [SEP]) and puts the padding token's
embedding everywhere else, so the attributions explain the words themselves.
"""
from __future__ import annotations

import torch

from explainers.path_integral import integrated_gradients
from explainers.registry import MethodOutput, register_explainer
from model_zoo import Encoded, TextClassifier


def baseline_ids(model: TextClassifier, enc: Encoded) -> torch.Tensor:
    pad = model.tokenizer.pad_token_id
    pad = model.tokenizer.unk_token_id if pad is None else pad
    special = torch.tensor(enc.special).unsqueeze(0)
    return torch.where(special, enc.input_ids, torch.full_like(enc.input_ids, pad))


@register_explainer("integrated_gradients_text", title="Integrated Gradients (embeddings)",
                    modality="text", signed=True, steps=50, batch=50,
                    quick={"steps": 16, "batch": 16},
                    summary="Gradients along a path from padding embeddings to the sentence.")
def text_integrated_gradients(model: TextClassifier, enc: Encoded, target: int,
                              steps: int = 50, batch: int = 50) -> MethodOutput:
    embed = model.embedding_layer()
    with torch.no_grad():  # not inference_mode: these tensors enter autograd later
        x = embed(enc.input_ids)
        baseline = embed(baseline_ids(model, enc))

    def forward(embeddings: torch.Tensor) -> torch.Tensor:
        mask = enc.attention_mask.expand(embeddings.shape[0], -1)
        return model.module(inputs_embeds=embeddings, attention_mask=mask).logits

    attributions, delta = integrated_gradients(forward, x, baseline, target, steps, batch)
    return MethodOutput(scores=attributions.sum(dim=-1)[0], model_evals=steps + 2, delta=delta)
