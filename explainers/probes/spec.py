"""A probe as asked for: registered name, optional preset and settings, parsed from text."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from explainers.probes.registry import ProbeError, ProbeFn, probe_entry


@dataclass(frozen=True)
class ProbeSpec:
    name: str
    preset: str | None = None
    params: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def key(self) -> str:
        """A column-safe label: ``watermark``, ``watermark-imagenet-w``."""
        return self.name + (f"-{self.preset}" if self.preset else "")

    def bound(self) -> ProbeFn:
        return probe_entry(self.name).bound(self.preset, **self.params)

    def settings(self) -> dict[str, Any]:
        return probe_entry(self.name).settings(self.preset, **self.params)

    def plain(self) -> dict[str, Any]:
        return dict(name=self.name, preset=self.preset, params=dict(self.params))


def parse_value(text: str) -> Any:
    """``0.5`` -> 0.5, ``10`` -> 10, ``true`` -> True, anything else stays text."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def parse_spec(text: str, params: list[str] | None = None) -> ProbeSpec:
    """``NAME`` or ``NAME:PRESET`` with ``KEY=VALUE`` settings; checked before any work."""
    name, _, preset = text.partition(":")
    values = {}
    for item in params or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ProbeError(f"a setting is KEY=VALUE, not {item!r}")
        values[key.strip()] = parse_value(value)
    spec = ProbeSpec(name.strip(), preset.strip() or None, values)
    spec.bound()  # unknown names, presets, settings and undrawable text fail here
    return spec
