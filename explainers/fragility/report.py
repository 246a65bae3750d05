"""The lesson's numbers: the attacked pair's labels and probabilities, the perturbation's
size, how far the method's map moved, and the same for two defences on the same pair:
SmoothGrad (Smilkov et al. 2017) and the beta-smoothed map (Dombrowski et al. 2019, sec. 5)
at the smallest beta that still keeps the label (``defence``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from explainers.fragility.attack import AttackSettings, Attacked, attack
from explainers.fragility.defence import defence_beta, defence_name
from explainers.fragility.maps import differentiable_map, to_input_grid
from explainers.fragility.metrics import MapChange, map_change
from explainers.fragility.smooth import smoothed_copy
from explainers.progress import progress_span
from explainers.run import explain
from model_zoo import ImageClassifier



@dataclass(frozen=True)
class MapPair:
    before: np.ndarray
    after: np.ndarray
    change: MapChange


@dataclass(frozen=True)
class FragilityReport:
    method: str
    kind: str
    original: np.ndarray  # (h, w, 3) uint8, the model's input
    attacked: np.ndarray
    label: int
    label_after: int
    probability_before: float
    probability_after: float
    linf: float  # in [0, 1] pixel units
    maps: MapPair
    defences: dict[str, MapPair]
    attack_seconds: float
    steps: int
    objective_curve: tuple[float, ...]

    @property
    def seconds_per_step(self) -> float:
        return self.attack_seconds / max(self.steps, 1)


def to_rgb(x: torch.Tensor) -> np.ndarray:
    return (x[0].permute(1, 2, 0) * 255).round().clamp(0, 255).to(torch.uint8).numpy()


def pair(model: ImageClassifier, method: str, done: Attacked, **params) -> MapPair:
    maps = [explain(model, method, x[0], target=done.label, **params).scores
            for x in (done.original, done.attacked)]
    return MapPair(maps[0], maps[1], map_change(*maps))


def beta_smoothed_pair(model: ImageClassifier, method: str, done: Attacked,
                       beta: float) -> MapPair:
    net = smoothed_copy(model.module, beta)
    maps = []
    for x in (done.original, done.attacked):
        with torch.enable_grad():
            _, scores = differentiable_map(model, method, net,
                                           x.detach().clone().requires_grad_(True), done.label)
        maps.append(to_input_grid(scores, tuple(x.shape[-2:])).detach().numpy())
    return MapPair(maps[0], maps[1], map_change(*maps))


def fragility(model: ImageClassifier, image: torch.Tensor, method: str,
              settings: AttackSettings = AttackSettings(), defences: bool = True) -> FragilityReport:
    """Attack ``method``'s map on ``image`` (3, H, W) in [0, 1], then measure what moved."""
    with progress_span(0.0, 0.7):
        done = attack(model, image, method, settings)
    with torch.inference_mode():
        probs = torch.softmax(model.module(torch.cat([done.original, done.attacked])), -1)
    with progress_span(0.7, 0.8):
        maps = pair(model, method, done)
    extra = {}
    if defences:
        with progress_span(0.8, 0.95):
            extra["SmoothGrad"] = pair(model, "smoothgrad", done)
        beta, kept = defence_beta(model, done.original, done.label)
        extra[defence_name(beta, kept)] = beta_smoothed_pair(model, method, done, beta)
    return FragilityReport(
        method, settings.kind, to_rgb(done.original), to_rgb(done.attacked), done.label,
        int(probs[1].argmax()), float(probs[0, done.label]), float(probs[1, done.label]),
        float((done.attacked - done.original).abs().max()), maps, extra, done.seconds,
        done.steps, done.objective_curve)
