"""Image generators that ship beside a classifier, by the classifier's name.

A generator maps a latent batch (N, d) to images (N, 1 or 3, H, W) in [0, 1] at the model's
input size. Activation maximisation with a generator prior optimises the latent instead of
the pixels (Nguyen et al. 2016: x* = G(z*), z* = argmax_z y_c(G(z))). One line per model
registers it (``register_generator``), as the digit VAE does in ``digit_generator.py``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from torch import nn


@dataclass(frozen=True)
class GeneratorEntry:
    model: str
    latent: int
    load: Callable[[], nn.Module]
    title: str


_GENERATORS: dict[str, GeneratorEntry] = {}


def register_generator(model: str, *, latent: int, title: str):
    """Register ``load() -> decoder`` as the generator prior for classifier ``model``."""

    def wrap(load: Callable[[], nn.Module]) -> Callable[[], nn.Module]:
        _GENERATORS[model] = GeneratorEntry(model, latent, load, title)
        return load

    return wrap


def has_generator(model: str) -> bool:
    return model in _GENERATORS


def generator_entry(model: str) -> GeneratorEntry:
    if model not in _GENERATORS:
        known = ", ".join(_GENERATORS) or "none"
        raise ValueError(f"no generator ships for model {model!r} (generators exist for: {known})")
    return _GENERATORS[model]
