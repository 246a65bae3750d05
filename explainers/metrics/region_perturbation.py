"""Region perturbation (Samek et al. 2017, "Evaluating the visualization of what a deep
neural network has learned", IEEE TNNLS, sec. III; Quantus's ``RegionPerturbation``): the
second faithfulness family, independent of ROAD's.

Square patches (``PATCH`` px at the model's input size) are ranked by the map's mean over
each, and replaced, most relevant first (MoRF) or least relevant first (LeRF), by the same
patch of a heavily blurred copy of the image (``BLUR_SIGMA`` of the shorter side). ROAD
imputes 4-px cells from their neighbours with noise; here whole patches lose their detail
and keep their colour: another perturbation at another granularity, so the two families
fail in different ways. The curves, areas and gap (LeRF - MoRF) are read like ROAD's, over
the same removed fractions, and returned in the same ``RoadCurves`` type.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from explainers.batching import generated_outputs
from explainers.folded_norms import folded_net
from explainers.image.integrated_gradients import gaussian_blur
from explainers.metrics.faithfulness import map_on_input_grid, pixel_ranks
from explainers.metrics.road import FRACTIONS, RoadCurves
from model_zoo import ImageClassifier

PATCH = 16  # px: 14 x 14 patches at 224 px (Quantus's default is 8; Samek et al. use 9)
BLUR_SIGMA = 0.05  # of the shorter side, 11 px at 224: object detail gone, colour kept


def patch_masks(grid: np.ndarray, fractions, most_first: bool, patch: int) -> torch.Tensor:
    """(len(fractions), h, w) booleans: the patches removed at each fraction, in order."""
    means = F.avg_pool2d(torch.from_numpy(np.asarray(grid, np.float32))[None, None], patch,
                         ceil_mode=True)[0, 0].numpy()
    ranks = pixel_ranks(means if most_first else -means).numpy()
    masks = np.stack([ranks < round(f * ranks.size) for f in fractions])
    full = torch.from_numpy(masks).repeat_interleave(patch, 1).repeat_interleave(patch, 2)
    return full[:, :grid.shape[0], :grid.shape[1]]


def region_curves(model: ImageClassifier, image: torch.Tensor, scores: np.ndarray, target: int,
                  fractions=FRACTIONS, patch: int = PATCH, batch: int = 16) -> RoadCurves:
    """MoRF and LeRF curves of ``scores`` under patch-wise blurring, for ``target``."""
    x = model.preprocess(image)[0]
    grid = map_on_input_grid(model, image, scores)
    blurred = gaussian_blur(x[None], BLUR_SIGMA * min(x.shape[-2:]))[0]
    masks = torch.cat([patch_masks(grid, fractions, True, patch),
                       patch_masks(grid, fractions, False, patch)])[:, None]

    def inputs(a: int, b: int) -> torch.Tensor:
        return torch.where(masks[a:b], blurred[None], x[None])

    net = folded_net(model)  # batch norms folded: the same outputs, faster
    with torch.inference_mode():
        start = torch.softmax(net(x[None]).float(), -1)[0, target].item()
    probs = generated_outputs(lambda b: torch.softmax(net(b).float(), -1)[:, target],
                              inputs, len(masks), batch, "region perturbation").numpy()
    probs = probs / max(start, 1e-12)
    n = len(fractions)
    return RoadCurves(tuple(fractions), tuple(map(float, probs[:n])), tuple(map(float, probs[n:])),
                      start, len(masks) + 1, 0.0)
