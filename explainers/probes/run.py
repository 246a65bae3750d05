"""The data-set-wide steps of a probe job (``jobs/probe_job.py`` runs the batches): result
batches back in file order, per-probe summaries and verdicts, map shares and the gallery."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from explainers.probes.spec import ProbeSpec
from explainers.probes.stats import bootstrap_ci, shift
from explainers.probes.summary import beats_placebo, probe_summary, verdict


@dataclass(frozen=True, eq=False)
class ProbeReport:
    model: str
    labels: tuple[str, ...]
    specs: tuple[ProbeSpec, ...]
    methods: tuple[str, ...]
    columns: dict[str, np.ndarray]  # ProbeBatch outputs in file order
    probes: dict[str, dict]  # key -> summary, verdict, map shares, gallery
    seconds: dict[str, float] = field(default_factory=dict)
    interrupted: bool = False

    @property
    def bad_files(self) -> list[tuple[str, str]]:
        return [(str(f), str(e)) for f, e in zip(self.columns["file"], self.columns["error"])
                if e]


def gather(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Result batches from any engine, in file-name order."""
    if not parts:
        return {}
    files = np.concatenate([np.asarray(p["file"], dtype=object) for p in parts])
    order = np.argsort(files.astype(str), kind="stable")
    return {k: np.concatenate([np.asarray(p[k]) for p in parts])[order] for k in parts[0]}


def map_shares(columns: dict[str, np.ndarray], key: str, methods: tuple[str, ...],
               ok: np.ndarray, seed: int) -> dict[str, dict]:
    """Per method: mean share of the map inside the region before and after, with CIs."""
    area = columns[f"area_{key}"][ok]
    out = {}
    for m in methods:
        before, after = (columns[f"share_{m}_{w}_{key}"][ok] for w in ("before", "after"))
        out[m] = dict(before=float(before.mean()), before_ci=bootstrap_ci(before, seed).tolist(),
                      after=float(after.mean()), after_ci=bootstrap_ci(after, seed).tolist(),
                      region_area=float(area.mean()))
    return out


def gallery(columns: dict[str, np.ndarray], key: str, labels: tuple[str, ...], ok: np.ndarray,
            count: int) -> list[dict]:
    """The ``count`` images whose prediction the probe moved most."""
    index = np.flatnonzero(ok)
    before, after = columns["probs"][index], columns[f"probs_{key}"][index]
    moved = shift(before, after)
    rows = []
    for j in np.argsort(-moved, kind="stable")[:count]:
        top_before, top_after = int(before[j].argmax()), int(after[j].argmax())
        rows.append(dict(file=str(columns["file"][index[j]]), shift=float(moved[j]),
                         before=labels[top_before], after=labels[top_after],
                         p_before=float(before[j, top_before]),
                         p_after=float(after[j, top_after])))
    return rows


def summarise(model: str, labels: tuple[str, ...], specs: tuple[ProbeSpec, ...],
              methods: tuple[str, ...], columns: dict[str, np.ndarray], watch: tuple[int, ...],
              seed: int, top: int = 10, shown: int = 6) -> dict[str, dict]:
    probes = {}
    for spec in specs:
        key = spec.key
        ok = ~np.isnan(columns[f"probs_{key}"][:, 0]) & ~np.isnan(columns["probs"][:, 0])
        found = probe_summary(columns["probs"][ok], columns[f"probs_{key}"][ok],
                              columns[f"placebo_{key}"][ok], labels, watch, top,
                              seed) if ok.any() else None
        probes[key] = dict(probe=spec.plain(), settings=spec.settings(), summary=found,
                           beats_placebo=bool(ok.any()) and beats_placebo(found),
                           verdict=verdict(model, key, found) if ok.any() else
                           f"{key}: no image could be probed",
                           map_shares=map_shares(columns, key, methods, ok, seed) if ok.any()
                           else {}, gallery=gallery(columns, key, labels, ok, shown))
    return probes
