"""One-pass gradient methods on the word embeddings: gradient x input and saliency norm.

Both take d logit[target] / d embedding at the sentence itself (one forward and one
backward, through ``torch.autograd.grad`` so the shared model is never touched).
"""
from __future__ import annotations

import torch

from explainers.gradients import target_gradient
from explainers.registry import MethodOutput, register_explainer
from model_zoo import Encoded, TextClassifier


def embedding_gradient(model: TextClassifier, enc: Encoded,
                       target: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The (1, T, D) embeddings and the target logit's gradient with respect to them."""
    with torch.no_grad():
        x = model.embedding_layer()(enc.input_ids)

    def forward(embeddings: torch.Tensor) -> torch.Tensor:
        return model.module(inputs_embeds=embeddings, attention_mask=enc.attention_mask).logits

    return x, target_gradient(forward, x, target)


@register_explainer("grad_x_input_text", title="Gradient × input (embeddings)", modality="text",
                    signed=True,
                    summary="Embedding gradient times the embedding, summed per token "
                            "(Shrikumar et al. 2016; Denil et al. 2014).")
def grad_x_input_text(model: TextClassifier, enc: Encoded, target: int) -> MethodOutput:
    x, grad = embedding_gradient(model, enc, target)
    return MethodOutput(scores=(grad * x).sum(dim=-1)[0], model_evals=1)


@register_explainer("saliency_text", title="Saliency (gradient norm)", modality="text",
                    signed=False,
                    summary="L2 norm of the embedding gradient per token (Li et al. 2016).")
def saliency_text(model: TextClassifier, enc: Encoded, target: int) -> MethodOutput:
    _, grad = embedding_gradient(model, enc, target)
    return MethodOutput(scores=grad.norm(dim=-1)[0], model_evals=1)
