"""Learned SHAP: an amortized explainer (FastSHAP, Jethani et al. ICLR 2022) that maps an
image to Shapley values of a grid of regions in one forward pass.

A small network phi(x; theta) is trained once per model (``scripts/train_learned_shap.py``)
so that its region values explain the model's logits on sampled coalitions of the
region game (``region_game.RegionGame``: hidden regions blurred):

    L(theta) = E_x E_y E_{S ~ p(S)} [ (v_{x,y}(S) - v_{x,y}(0) - 1_S^T phi(x, y; theta))^2 ]

(the FastSHAP loss, sec. 3 of the paper, after the weighted-least-squares form of the
Shapley value: Charnes et al. 1988, Lundberg & Lee 2017, Theorem 2), with p(S) the Shapley
kernel over coalition sizes (``region_game.shapley_kernel_sizes``). Efficiency,
sum_i phi_i = v(1) - v(0), is enforced exactly by FastSHAP's additive efficient
normalisation (sec. 3, after Ruiz et al. 1998):

    phi_i <- phi_i + (v(1) - v(0) - sum_j phi_j) / n

so one explanation costs the explainer's forward plus one model call on two images (the
image and its fully blurred copy). Offered only for the models whose explainer weights
ship in ``learned_weights/`` and whose weights digest matches the one it was trained on.
"""
from __future__ import annotations

import json
import weakref
from functools import lru_cache
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from explainers.folded_norms import folded_net
from explainers.frozen_forward import frozen_forward
from explainers.image.perturbation import box_blur
from explainers.image.region_game import BLUR, region_index
from explainers.registry import IncompatibleError, MethodOutput, register_explainer
from model_zoo import Classifier, ImageClassifier
from model_zoo.digest import weights_sha256

WEIGHTS = Path(__file__).parent / "learned_weights"
TRAINED = tuple(sorted(path.stem for path in WEIGHTS.glob("*.safetensors")))  # model names


class ExplainerNet(nn.Module):
    """Conv features pooled onto the region grid, plus a global summary, then a 1x1 head:
    (N, 3, H, W) in [0, 1] -> (N, classes, rows * cols) raw region values.

    ``pooled``: the input is first averaged down to 4 x 4 pixels a region (32 x 32 for the
    8 x 8 grid) and the last block keeps its size, so the net costs the same at any input
    size: about a quarter of the multiply-adds of the full-resolution net on a 64 x 64
    image (2.2 M against 8.8 M), a sixteenth on the 128 x 128 phantoms."""

    def __init__(self, classes: int, grid: tuple[int, int], width: int = 32,
                 pooled: bool = False) -> None:
        super().__init__()
        self.grid, self.pooled = grid, pooled

        def block(cin: int, cout: int, pool: bool = True) -> nn.Sequential:
            layers = [nn.Conv2d(cin, cout, 3, padding=1), nn.GroupNorm(4, cout), nn.ReLU()]
            return nn.Sequential(*layers, *([nn.MaxPool2d(2)] if pool else []))

        self.features = nn.Sequential(block(3, width // 2), block(width // 2, width),
                                      block(width, width, pool=not pooled))
        self.head = nn.Sequential(nn.Conv2d(2 * width, 2 * width, 1), nn.ReLU(),
                                  nn.Conv2d(2 * width, classes, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.pooled:
            x = F.adaptive_avg_pool2d(x, (4 * self.grid[0], 4 * self.grid[1]))
        local = F.adaptive_avg_pool2d(self.features((x - 0.5) / 0.25), self.grid)
        summary = local.mean(dim=(2, 3), keepdim=True).expand_as(local)
        return self.head(torch.cat([local, summary], 1)).flatten(2)


def efficient(raw: torch.Tensor, gap: torch.Tensor) -> torch.Tensor:
    """Additive efficient normalisation: (N, C, n) values whose sum is ``gap`` (N, C)."""
    return raw + (gap - raw.sum(-1))[..., None] / raw.shape[-1]


def weights_path(model_name: str) -> Path:
    return WEIGHTS / f"{model_name}.safetensors"


@lru_cache(maxsize=8)
def _load(path: str) -> tuple[ExplainerNet, dict]:
    from safetensors import safe_open
    from safetensors.torch import load_file

    with safe_open(path, "pt") as f:
        meta = json.loads(f.metadata()["learned_shap"])
    net = ExplainerNet(meta["classes"], tuple(meta["grid"]), meta["width"],
                       meta.get("pooled", False))
    net.load_state_dict(load_file(path))
    # channels-last: max pooling in NCHW is the net's slowest step on CPU (shortcut_cnn's net
    # 1.63 -> 1.30 ms, xray_phantom_cnn's 7.0 -> 4.8 ms a call, one thread; outputs within 1e-6)
    net = net.to(memory_format=torch.channels_last)
    return net.eval().requires_grad_(False), meta


_MATCHED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # module -> facts or None


def trained_for(model: ImageClassifier) -> dict | None:
    """The explainer's facts (grid, fidelity, ...) if one was trained for exactly this model
    (looked up once per model object: its weights digest is cached as well)."""
    if model.module in _MATCHED and _MATCHED[model.module][0] == model.name:
        return _MATCHED[model.module][1]
    path = weights_path(model.name)
    facts = None
    if path.is_file():
        net, meta = _load(str(path))
        facts = meta if meta["model_sha256"] == weights_sha256(model.module) else None
    _MATCHED[model.module] = (model.name, facts)
    return facts


def fits(model: Classifier) -> bool:
    return isinstance(model, ImageClassifier) and trained_for(model) is not None


def why_not(model: Classifier) -> str:
    """What a user reads where the learned explainer is not offered."""
    which = ("these weights differ from the ones it was trained on"
             if weights_path(model.name).is_file() else "no explainer was trained for it")
    return (f"Learned SHAP is not available for this model: {which}; it is trained once per "
            f"model, and ships for {', '.join(TRAINED)}")


def values_and_logits(model: ImageClassifier, xs: torch.Tensor
                      ) -> tuple[torch.Tensor, torch.Tensor, dict]:
    """(N, C, n) Shapley-style values of every class for N model-sized inputs, the (N, C)
    logits and the explainer's facts: the explainer's forward plus one model call on 2N
    images (each image and its fully blurred copy, for the efficiency gap v(1) - v(0))."""
    if not fits(model):
        raise IncompatibleError(why_not(model))
    net, meta = _load(str(weights_path(model.name)))
    xs = xs.float()
    blurred = box_blur(xs, BLUR)
    # both networks traced and frozen per shape: the same outputs, less Python per call
    ends = frozen_forward(folded_net(model), torch.cat([xs, blurred])).double()
    raw = frozen_forward(net, xs.contiguous(memory_format=torch.channels_last)).double()
    raw = raw * meta.get("scale", 1.0)  # fitted in units of the labels' spread
    logits = ends[:len(xs)]
    return efficient(raw, logits - ends[len(xs):]), logits, meta


def batch_region_values(model: ImageClassifier, xs: torch.Tensor) -> tuple[torch.Tensor, dict]:
    """(N, C, n) values of every class for N model-sized inputs, and the facts."""
    values, _, meta = values_and_logits(model, xs)
    return values, meta


def region_values(model: ImageClassifier, x: torch.Tensor) -> tuple[torch.Tensor, dict]:
    """(C, n) values of every class for one (1, 3, H, W) input, and the facts."""
    values, meta = batch_region_values(model, x)
    return values[0], meta


def fidelity_note(meta: dict) -> str:
    """The caption a page shows under a learned map: that it is learned, and how faithful it
    was on held-out images (measured at training, kept in the weights' metadata)."""
    found = meta.get("fidelity")
    if not found:
        return "Learned (one pass), not computed for this image; held-out fidelity not measured"
    k = max(1, meta["grid"][0] * meta["grid"][1] // 8)
    return (f"Learned (one pass), not computed for this image. On {found['images']} held-out "
            f"images: Spearman {found['spearman_vs_shapley']:.2f} with sampled Shapley "
            f"(partition SHAP {found['partition_evals']}: "
            f"{found['spearman_partition_vs_shapley']:.2f}), top-{k} overlap "
            f"{found['top_k_vs_shapley']:.2f}")


def spread(cells: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """(N, rows, cols) region values -> (N, H, W) maps, each value spread evenly over its
    region's pixels (so a map sums to the region values' sum, v(1) - v(0), also where the
    grid does not divide the image and regions differ in size by a pixel)."""
    rows, cols = cells.shape[-2:]
    index = region_index((rows, cols), tuple(size))
    counts = torch.bincount(index.flatten(), minlength=rows * cols).to(cells.dtype)
    per_pixel = cells.flatten(1) / counts
    return per_pixel[:, index].float()


def learned_shap_batch(model: ImageClassifier, x: torch.Tensor,
                       targets: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Maps (N, H, W) and logits (N, C) for a batch: one explainer forward and one model
    forward on 2N images (the audit and batch jobs call this through ``batch_fn``)."""
    values, logits, meta = values_and_logits(model, x)
    targets = logits.argmax(1) if targets is None else torch.as_tensor(targets).long()
    cells = values[torch.arange(len(x)), targets].view(len(x), *meta["grid"])
    return spread(cells, tuple(x.shape[-2:])), logits.float()


@register_explainer("learned_shap", title="Learned SHAP (FastSHAP, one pass)", modality="image",
                    signed=True, fits=fits, why_not=why_not, only_for=TRAINED,
                    batch_fn=learned_shap_batch,
                    summary="Learned, not computed per image: Shapley values of a grid of "
                            "regions from a network trained once for this model, in one "
                            "forward pass. Trained "
                            f"for: {', '.join(TRAINED) or 'no model yet'}.")
def learned_shap(model: ImageClassifier, x: torch.Tensor, target: int) -> MethodOutput:
    """Region values spread evenly over each region's pixels (so a map sums to v(1) - v(0))."""
    values, meta = region_values(model, x)
    cell = values[target].view(1, *meta["grid"])
    scores = spread(cell, tuple(x.shape[-2:]))[0]
    return MethodOutput(scores=scores, model_evals=2,
                        extras={"region_values": cell[0].float().numpy(),
                                "note": fidelity_note(meta)})
