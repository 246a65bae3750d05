"""Activation maximisation: gradient ascent on an input image, one objective per image.

Loss of image i: -objective_i + λ₁ L1_i + λ₂ L2_i + λ_tv TV_i, summed over the batch. Adam
updates each element on its own and a frozen eval-mode network treats each image on its
own, so a gallery of N channels in one batch follows the same path as N separate runs
with the same seed. The graph runs on a private copy of the shared model; gradients come
from ``torch.autograd.grad`` with respect to the image parameters only.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace
from typing import Callable

import numpy as np
import torch

from explainers.global_views import objectives as obj
from explainers.global_views.generator_prior import GeneratorImage, generator_image
from explainers.global_views.layers import LOGITS, named_layer
from explainers.hooks import captured, forward_until
from explainers.global_views.parameterisation import make_image
from explainers.global_views.transforms import norm_penalties, random_affine, total_variation
from explainers.private_copy import private_copy
from explainers.progress import report
from model_zoo import ImageClassifier

SnapshotFn = Callable[[int, np.ndarray], None]


@dataclass(frozen=True)
class Settings:
    """Every prior and regulariser, each switchable (0 or False turns it off)."""

    steps: int = 256
    lr: float = 0.05
    parameterisation: str = "pixel"  # "pixel", "fourier" or "generator" (latent of a model's G)
    decorrelate: bool = True  # Fourier only: optimise along decorrelated colour axes
    jitter: int = 0  # pixels
    scale: float = 0.0  # random zoom 1 ± scale
    rotate: float = 0.0  # degrees
    blur_every: int = 0  # steps; 0 = never
    blur_sigma: float = 0.5
    l1: float = 0.0
    l2: float = 0.0
    tv: float = 0.0
    size: int = 0  # 0 = the model's input size
    seed: int = 0
    latent_l2: float = 0.0  # generator only: weight of the prior's ½‖z‖²


PRESETS: dict[str, Settings] = {
    # Pixels and the objective alone: the optimum looks like noise to a person.
    "raw": Settings(),
    # Pixel space with the classic regularisers (Yosinski et al. 2015; Mahendran & Vedaldi 2015).
    "regularised": Settings(jitter=8, scale=0.05, rotate=5.0, blur_every=4, blur_sigma=0.5,
                            l2=1.0, tv=2.0),
    # Decorrelated Fourier parameterisation plus transformation robustness (Olah et al. 2017).
    "fourier": Settings(parameterisation="fourier", jitter=8, scale=0.05, rotate=5.0),
    # Optimise a generator's latent, x = G(z) (Nguyen et al. 2016): only for models with one.
    "generator": Settings(parameterisation="generator", lr=0.2, latent_l2=0.01),
}


# The strength each switchable prior takes when a user turns it on.
SWITCH_ON: dict[str, float] = {"jitter": 8, "scale": 0.05, "rotate": 5.0, "blur_every": 4,
                               "l1": 0.5, "l2": 1.0, "tv": 2.0}


def preset(name: str, **overrides) -> Settings:
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}")
    return replace(PRESETS[name], **overrides)


@dataclass(frozen=True)
class ActMaxResult:
    """Final images (N, H, W, 3) uint8, the objective per step (steps, N), snapshots, facts."""

    images: np.ndarray
    curve: np.ndarray
    snapshots: tuple[tuple[int, np.ndarray], ...]
    objective: obj.Objective
    settings: Settings
    seconds: float
    top_class: tuple[int, ...]
    top_probability: tuple[float, ...]
    target_probability: tuple[float, ...] = ()  # class objectives: p(the class) per image

    def summary(self) -> dict:
        return dict(objective=[self.objective.describe(i) for i in range(len(self.images))],
                    settings=asdict(self.settings), seconds=round(self.seconds, 3),
                    first=[round(float(v), 4) for v in self.curve[0]],
                    last=[round(float(v), 4) for v in self.curve[-1]],
                    top_class=list(self.top_class),
                    top_probability=[round(p, 6) for p in self.top_probability],
                    target_probability=[round(p, 6) for p in self.target_probability])


def generators(objective: obj.Objective, seed: int) -> list[torch.Generator]:
    """Image i's randomness depends only on the seed and its own channel or class."""
    return [torch.Generator().manual_seed(seed * 1_000_003 + index) for index in objective.indices]


def to_uint8(images: torch.Tensor) -> np.ndarray:
    return (images.detach().permute(0, 2, 3, 1).clamp(0, 1) * 255).round().to(torch.uint8).numpy()


def objective_scores(copy: torch.nn.Module, objective: obj.Objective, x: torch.Tensor,
                     stop: bool = True) -> torch.Tensor:
    """(N,) objective values; the forward ends at the objective's layer when ``stop``."""
    if objective.layer == LOGITS:
        return obj.scores(objective, copy(x))
    with captured(named_layer(copy, objective.layer), stop=stop) as outputs:
        forward_until(copy, x)
    return obj.scores(objective, outputs[-1])


def loss_terms(settings: Settings, images: torch.Tensor, values: torch.Tensor,
               prior: torch.Tensor | None = None) -> torch.Tensor:
    loss = -values
    if prior is not None and settings.latent_l2:
        loss = loss + settings.latent_l2 * prior
    if settings.l1 or settings.l2:
        l1, l2 = norm_penalties(images)
        loss = loss + settings.l1 * l1 + settings.l2 * l2
    if settings.tv:
        loss = loss + settings.tv * total_variation(images)
    return loss.sum()


def maximise(model: ImageClassifier, objective: obj.Objective, settings: Settings = Settings(),
             snapshot_every: int = 0, on_snapshot: SnapshotFn | None = None) -> ActMaxResult:
    """Optimise one image per objective index; every ``snapshot_every`` steps keep the images."""
    if settings.steps < 1:
        raise ValueError("steps must be at least 1")
    started = time.perf_counter()
    copy = private_copy(model.module)
    size = (settings.size, settings.size) if settings.size else tuple(model.input_size)
    gens = generators(objective, settings.seed)
    image = (generator_image(model.name, size, gens) if settings.parameterisation == "generator"
             else make_image(settings.parameterisation, size, gens, settings.decorrelate))
    optimiser = torch.optim.Adam(image.parameters(), lr=settings.lr)
    curve, snapshots = [], []
    with torch.enable_grad():
        for step in range(settings.steps):
            images = image.image()
            warped = random_affine(images, gens, settings.jitter, settings.scale, settings.rotate)
            values = objective_scores(copy, objective, warped)
            prior = image.penalty() if isinstance(image, GeneratorImage) else None
            grads = torch.autograd.grad(loss_terms(settings, images, values, prior),
                                        image.parameters())
            optimiser.zero_grad(set_to_none=True)
            for p, g in zip(image.parameters(), grads):
                p.grad = g
            optimiser.step()
            if settings.blur_every and (step + 1) % settings.blur_every == 0:
                image.blur_(settings.blur_sigma)
            curve.append(values.detach().numpy().copy())
            if snapshot_every and (step + 1) % snapshot_every == 0:
                snapshots.append((step + 1, to_uint8(image.image())))
                if on_snapshot is not None:
                    on_snapshot(step + 1, snapshots[-1][1])
            report((step + 1) / settings.steps, f"step {step + 1}/{settings.steps}")
    with torch.inference_mode():
        final = image.image()
        probs = torch.softmax(copy(final), dim=-1)
    top_p, top_k = probs.max(dim=-1)
    target_p = (probs[torch.arange(len(probs)), list(objective.indices)]
                if objective.kind == "class" else torch.zeros(0))
    return ActMaxResult(images=to_uint8(final), curve=np.stack(curve), snapshots=tuple(snapshots),
                        objective=objective, settings=settings,
                        seconds=time.perf_counter() - started,
                        top_class=tuple(int(k) for k in top_k),
                        top_probability=tuple(float(p) for p in top_p),
                        target_probability=tuple(float(p) for p in target_p))
