"""Attention and attention rollout for image transformers, drawn over the image.

For models whose blocks pass their softmax weights through ``AttentionProbe`` modules
(our ``small_vit``): the weights are read by hooks on this thread's private copy, never on
the shared model. The summary query is the mean over patch queries (the model classifies
from the mean token), so a map is the attention the summary pays to each patch, on the
patch grid; ``explain`` resizes it to the image. Every layer x head matrix is kept in
``extras["attentions"]`` (layers, heads, T, T).
"""
from __future__ import annotations

import math
from contextlib import ExitStack

import torch

from explainers.copy_pool import borrowed_copy
from explainers.hooks import captured
from explainers.registry import MethodOutput, register_explainer
from explainers.text.rollout import attention_rollout
from model_zoo import Classifier, ImageClassifier
from model_zoo.small_nets import attention_probes


def has_attention_probes(model: Classifier) -> bool:
    return isinstance(model, ImageClassifier) and bool(attention_probes(model.module))


def attention_layer_choices(model: Classifier) -> dict[int, str]:
    """The ``layer`` values: index -> attention block (forward order)."""
    count = len(attention_probes(model.module)) if isinstance(model, ImageClassifier) else 0
    return {i: f"attention block {i}" for i in range(count)}


def attention_head_choices(model: Classifier) -> dict[int, str]:
    """The ``head`` values: -1 for the heads' mean, then each head."""
    blocks = [m for m in model.module.modules() if hasattr(m, "heads") and hasattr(m, "probe")]
    heads = blocks[0].heads if blocks else 0
    return {-1: "mean of the heads"} | {h: f"head {h}" for h in range(heads)}


ATTENTION_CHOICES = {"layer": attention_layer_choices, "head": attention_head_choices}


def image_attentions(model: ImageClassifier, x: torch.Tensor) -> torch.Tensor:
    """(layers, heads, T, T) attention weights of one image, from hooks on a private copy."""
    with borrowed_copy(model.module) as copy, ExitStack() as stack, torch.inference_mode():
        outputs = [stack.enter_context(captured(p)) for p in attention_probes(copy)]
        copy(x.float())
    return torch.stack([c[-1][0] for c in outputs]).float().clone()


def on_grid(row: torch.Tensor) -> torch.Tensor:
    """(T,) weights of a square patch grid -> (g, g)."""
    side = math.isqrt(row.numel())
    return row.reshape(side, side)


def pick(attentions: torch.Tensor, layer: int, head: int) -> torch.Tensor:
    """(T, T) of one layer: one head, or the heads' mean when ``head`` is -1."""
    layers, heads = attentions.shape[:2]
    if not -layers <= int(layer) < layers:
        raise ValueError(f"layer {layer} is outside -{layers}..{layers - 1}")
    if not -1 <= int(head) < heads:
        raise ValueError(f"head {head} is outside 0..{heads - 1} (or -1 for the mean)")
    chosen = attentions[int(layer)]
    return chosen.mean(dim=0) if int(head) == -1 else chosen[int(head)]


@register_explainer("vit_attention", title="Attention (image transformer)", modality="image",
                    signed=False, fits=has_attention_probes, layer=-1, head=-1,
                    model_choices=ATTENTION_CHOICES,
                    summary="How much the mean patch token attends to each patch, for one "
                            "layer and one head (-1: the heads' mean).")
def vit_attention(model: ImageClassifier, x: torch.Tensor, target: int, layer: int = -1,
                  head: int = -1) -> MethodOutput:
    attentions = image_attentions(model, x)
    scores = on_grid(pick(attentions, layer, head).mean(dim=0))
    return MethodOutput(scores=scores, model_evals=1, extras={"attentions": attentions.numpy()})


@register_explainer("vit_rollout", title="Attention rollout (image transformer)",
                    modality="image", signed=False, fits=has_attention_probes,
                    summary="Attention multiplied through the layers with the residual "
                            "(Abnar & Zuidema 2020), from the mean patch token to each patch.")
def vit_rollout(model: ImageClassifier, x: torch.Tensor, target: int) -> MethodOutput:
    rolled = attention_rollout(image_attentions(model, x))
    return MethodOutput(scores=on_grid(rolled.mean(dim=0)), model_evals=1,
                        extras={"rollout": rolled.numpy()})
