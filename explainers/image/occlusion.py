"""Occlusion (Zeiler & Fergus 2014, sec. 4.2): the target score's drop when a sliding square
is hidden, averaged over the windows covering each pixel; signed.

Window positions and averaging follow captum's ``Occlusion`` (tested equal to it), so a
pixel the windows never reach gets 0. The unoccluded image rides in the first chunk.
"""
from __future__ import annotations

import torch

from explainers.image.perturbation import FILLS, fill_image, require_positive, target_scores
from explainers.registry import MethodOutput, register_explainer
from model_zoo import ImageClassifier


def window_corners(height: int, width: int, window: int, stride: int) -> list[tuple[int, int]]:
    """Top-left corners of every window that fits, row by row."""
    if window > min(height, width):
        raise ValueError(f"window {window} is larger than the model input {height}x{width}")
    return [(r, c) for r in range(0, height - window + 1, stride)
            for c in range(0, width - window + 1, stride)]


@register_explainer("occlusion", title="Occlusion", modality="image", signed=True,
                    forward_only=True, window=32, stride=16, fill="black", batch=16,
                    choices={"fill": FILLS},
                    quick={"window": lambda m: min(56, min(m.input_size) // 2),
                           "stride": lambda m: min(56, min(m.input_size) // 2)},
                    summary="How much the score drops when a sliding square is hidden.")
def occlusion(model: ImageClassifier, x: torch.Tensor, target: int, window: int = 32,
              stride: int = 16, fill: str = "black", batch: int = 16) -> MethodOutput:
    """``window`` and ``stride`` in model-input pixels; ``fill`` is what the square shows."""
    require_positive(window=window, stride=stride, batch=batch)
    height, width = x.shape[-2:]
    corners = window_corners(height, width, window, stride)
    filled = fill_image(x, fill, window)

    def make_batch(start: int, stop: int) -> torch.Tensor:
        images = x.repeat(stop - start, 1, 1, 1)
        for i in range(max(start, 1), stop):  # index 0 is the image itself
            r, c = corners[i - 1]
            images[i - start, :, r:r + window, c:c + window] = filled[0, :, r:r + window,
                                                                      c:c + window]
        return images

    scores = target_scores(model, target, make_batch, len(corners) + 1, batch, "occlusion")
    drops = scores[0] - scores[1:]
    total, count = torch.zeros(height, width), torch.zeros(height, width)
    for (r, c), drop in zip(corners, drops.tolist()):
        total[r:r + window, c:c + window] += drop
        count[r:r + window, c:c + window] += 1
    return MethodOutput(scores=total / count.clamp(min=1), model_evals=len(corners) + 1)
