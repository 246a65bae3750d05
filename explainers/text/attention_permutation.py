"""Attention is not explanation: permute the last layer's attention and watch the prediction.

Jain & Wallace (2019, "Attention is not Explanation", section 4.2) permute the attention
weights over the input positions and measure the total variation distance (TVD) of the
output distribution; Wiegreffe & Pinter (2019) add the uniform-attention baseline. If a
very different attention barely moves the prediction, the attention map was not what the
decision rested on. Here the last self-attention layer of a transformer gets, for every
head and query, its weights over the key positions reordered by one permutation of the
real (unmasked) tokens; the other layers are untouched.

The forward runs on a private copy of the model whose last attention layer reads a copy
of the config naming an attention function registered here, so the shared model and its
other layers keep the eager path.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from explainers.private_copy import private_copy
from explainers.text.attention import all_attentions, summary_attention
from model_zoo import Encoded, TextClassifier

PERMUTED = "xai_permuted_last_layer"
PERMUTATIONS = 100  # Jain & Wallace use 100 permutations per instance


def permuted_eager_attention(module: nn.Module, query: torch.Tensor, key: torch.Tensor,
                             value: torch.Tensor, attention_mask: torch.Tensor | None,
                             scaling: float | None = None, dropout: float = 0.0, **_kwargs):
    """Eager attention whose (B, heads, Tq, Tk) weights are reordered over the keys by
    ``module.xai_key_order`` (B, Tk): row b takes the weight of key ``order[b, j]`` at j."""
    scaling = query.size(-1) ** -0.5 if scaling is None else scaling
    scores = torch.matmul(query, key.transpose(2, 3)) * scaling
    if attention_mask is not None:
        scores = scores + attention_mask
    weights = torch.softmax(scores, dim=-1)
    order = getattr(module, "xai_key_order", None)
    if order is not None:
        weights = weights.gather(-1, order[:, None, None, :].expand_as(weights))
    output = torch.matmul(weights, value).transpose(1, 2).contiguous()
    return output, weights


def _register() -> None:
    from transformers import AttentionInterface

    AttentionInterface.register(PERMUTED, permuted_eager_attention)


def last_attention(module: nn.Module) -> nn.Module:
    """The last submodule that projects query, key and value and reads a config (the
    self-attention of the last layer, found by structure, not by class name)."""
    found = [m for m in module.modules()
             if all(isinstance(getattr(m, n, None), nn.Linear) for n in ("query", "key", "value"))
             and hasattr(m, "config")]
    if not found:
        raise ValueError("this model has no self-attention layer with query/key/value "
                         "projections to permute")
    return found[-1]


def key_orders(valid: np.ndarray, count: int, seed: int = 0) -> torch.Tensor:
    """(count + 1, T) key orders: the identity first, then ``count`` seeded permutations of
    the valid positions (masked positions keep their place)."""
    rng = np.random.default_rng(seed)
    positions = np.flatnonzero(valid)
    orders = np.tile(np.arange(len(valid)), (count + 1, 1))
    for row in orders[1:]:
        row[positions] = rng.permutation(positions)
    return torch.from_numpy(orders)


@dataclass(frozen=True)
class AttentionPermutation:
    """The prediction under the original and under permuted last-layer attention."""

    original: np.ndarray  # (classes,) probabilities
    permuted: np.ndarray  # (count, classes)
    attention_moved: np.ndarray  # (count,) TVD of the summary attention row, before/after

    @property
    def output_tvd(self) -> np.ndarray:
        """Jain & Wallace's measure: 0.5 * sum |p - p_permuted| per permutation."""
        return 0.5 * np.abs(self.permuted - self.original).sum(axis=1)

    @property
    def flip_share(self) -> float:
        return float((self.permuted.argmax(1) != self.original.argmax()).mean())

    def verdict(self) -> str:
        tvd, moved = np.median(self.output_tvd), np.median(self.attention_moved)
        facts = (f"over {len(self.permuted)} random permutations the attention moved a median "
                 f"{moved:.2f} (total variation) and the prediction {tvd:.3f}; the top class "
                 f"changed in {self.flip_share:.0%}")
        if tvd < 0.05 and self.flip_share < 0.05:
            return ("The prediction barely depends on where the last layer attends: "
                    f"{facts}. This attention map is not what the decision rests on.")
        return (f"Where the last layer attends matters here: {facts}. Even so, attention "
                "shows what is mixed, not how the mixture is used: read it beside the "
                "gradient rows.")


def permute_attention(model: TextClassifier, enc: Encoded, count: int = PERMUTATIONS,
                      seed: int = 0) -> AttentionPermutation:
    """Run the sentence once with its own and ``count`` times with permuted last-layer
    attention (one batched pass on a private copy)."""
    _register()
    twin = private_copy(model.module)
    layer = last_attention(twin)
    layer.config = copy.copy(layer.config)
    layer.config._attn_implementation = PERMUTED
    valid = enc.attention_mask[0].numpy().astype(bool)
    layer.xai_key_order = key_orders(valid, count, seed)
    n = count + 1
    with torch.inference_mode():
        out = twin(input_ids=enc.input_ids.expand(n, -1),
                   attention_mask=enc.attention_mask.expand(n, -1))
    probs = torch.softmax(out.logits.double(), dim=-1).numpy()
    return AttentionPermutation(probs[0], probs[1:],
                                summary_moved(model, enc, layer.xai_key_order))


def summary_moved(model: TextClassifier, enc: Encoded, orders: torch.Tensor) -> np.ndarray:
    """(count,) TVD between the sequence summary's last-layer attention over the tokens (mean
    of heads) and its reordering by each permutation: how far the attention was moved."""
    stacked = all_attentions(model, enc)
    weights = summary_attention(stacked[-1], enc.attention_mask[0], model.pooling).numpy()
    reordered = weights[orders[1:].numpy()]
    return 0.5 * np.abs(reordered - weights[None, :]).sum(axis=1)
