"""Score-CAM (Wang et al. 2020, Algorithm 1): each channel, upsampled and scaled to [0, 1],
masks the input; the channel's weight is the target's softmax score on that masked input.

No gradient. One masked forward per channel, batched under ``torch.inference_mode()``
and built chunk by chunk (1280 masked 224 px images would not sit in memory at once).
Every channel is evaluated, as in pytorch-grad-cam (which builds all masked images at once
and, unlike the paper, softmaxes the raw target logits across channels instead).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from explainers.batching import generated_outputs
from explainers.image.cam import (CAM_LAYERS, early_layer, has_cam_layers, layer_activations,
                                  weighted_map)
from explainers.registry import MethodOutput, register_explainer
from model_zoo import ImageClassifier


def channel_masks(activations: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """H_k = s(Up(A_k)) (paper eq. 3): bilinear upsampling, then min-max scaling per channel."""
    up = F.interpolate(activations, size=size, mode="bilinear", align_corners=False)[0]
    low = up.amin(dim=(1, 2), keepdim=True)
    high = up.amax(dim=(1, 2), keepdim=True)
    return (up - low) / (high - low).clamp_min(1e-8)  # a flat channel masks everything out


@register_explainer("scorecam", title="Score-CAM", modality="image", signed=False,
                    fits=has_cam_layers, layer=-1, batch=16, model_choices=CAM_LAYERS,
                    quick={"layer": early_layer, "batch": 4},
                    summary="Channels weighted by the target's score when each channel, "
                            "used as a mask, is all the model sees. One pass per channel.")
def scorecam(model: ImageClassifier, x: torch.Tensor, target: int, layer: int = -1,
             batch: int = 16) -> MethodOutput:
    """``batch`` masked images per forward: 16 is the fastest per image on 2 cores."""
    activations, _ = layer_activations(model, x, target, layer, gradient=False)
    channels = activations.shape[1]

    def masked(start: int, stop: int) -> torch.Tensor:
        return x * channel_masks(activations[:, start:stop], tuple(x.shape[-2:]))[:, None]

    logits = generated_outputs(model.module, masked, channels, batch, "Score-CAM: masked passes")
    weights = torch.softmax(logits.float(), dim=-1)[:, target][None]  # (1, K), Algorithm 1
    return MethodOutput(scores=weighted_map(activations, weights), model_evals=channels + 1)
