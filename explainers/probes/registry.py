"""A decorator registry of counterfactual probes: small pure functions image -> (image, region).

A probe takes an (H, W, 3) uint8 RGB image (and an optional object mask) and returns the
edited image with the boolean region it changed, so the job can ask whether a model's
prediction and its explanations move onto that region. To add one, write a function in a
file of this package and decorate it with ``@register_probe``; its keyword parameters and
their defaults are the probe's settings (``--param NAME=VALUE`` on the command line).
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable

import numpy as np


class ProbeError(ValueError):
    """The probe cannot run as asked; the message is fit to show a user."""


@dataclass(frozen=True, eq=False)
class Probed:
    """The edited image and the region (H, W) bool that the probe changed."""

    image: np.ndarray
    region: np.ndarray


ProbeFn = Callable[..., Probed]  # (image, mask=None, **params) -> Probed


@dataclass(frozen=True)
class ProbeEntry:
    name: str
    title: str
    fn: ProbeFn
    defaults: dict[str, Any] = field(default_factory=dict)
    needs_mask: bool = False
    presets: dict[str, dict[str, Any]] = field(default_factory=dict)
    check: Callable[..., None] | None = None  # refuses bad settings before any image is read

    def bound(self, preset: str | None = None, **params: Any) -> ProbeFn:
        """The probe with ``params`` (over the preset's, over the defaults) checked and fixed."""
        if preset is not None and preset not in self.presets:
            raise ProbeError(f"probe {self.name!r} has no preset {preset!r}; presets: "
                             f"{', '.join(self.presets) or 'none'}")
        unknown = sorted(set(params) - set(self.defaults))
        if unknown:
            raise ProbeError(f"probe {self.name!r} has no setting {', '.join(unknown)}; "
                             f"settings: {', '.join(self.defaults) or 'none'}")
        settings = self.defaults | self.presets.get(preset, {}) | params
        if self.check is not None:
            self.check(**settings)
        return partial(self.fn, **settings)

    def settings(self, preset: str | None = None, **params: Any) -> dict[str, Any]:
        return self.defaults | self.presets.get(preset, {}) | params


_PROBES: dict[str, ProbeEntry] = {}


def register_probe(name: str, *, title: str, needs_mask: bool = False,
                   presets: dict[str, dict[str, Any]] | None = None,
                   check: Callable[..., None] | None = None):
    """Register ``fn(image, mask=None, **settings) -> Probed`` under ``name``."""

    def wrap(fn: ProbeFn) -> ProbeFn:
        if name in _PROBES:
            raise ValueError(f"probe {name!r} registered twice")
        defaults = {k: p.default for k, p in inspect.signature(fn).parameters.items()
                    if p.kind is p.KEYWORD_ONLY}
        _PROBES[name] = ProbeEntry(name, title, fn, defaults, needs_mask, dict(presets or {}),
                                   check)
        return fn

    return wrap


def probe_entries() -> list[ProbeEntry]:
    return list(_PROBES.values())


def probe_entry(name: str) -> ProbeEntry:
    if name not in _PROBES:
        raise ProbeError(f"unknown probe {name!r}; choose one of {', '.join(_PROBES)}")
    return _PROBES[name]
