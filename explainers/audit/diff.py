"""Two audits of the same inputs, compared: which predictions changed, how each class's mean
map moved (B - A, signed, one colour scale for all), the mask-score deltas (localisation),
and how the SpRAy clusters changed. Built on two ``AuditReport``s, so any engine serves.

Models with different label sets are compared on the labels they share (by name); with
none shared the diff is refused.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explainers.audit.run import AuditReport

SCORES = ("background_share", "relevance_mass", "pointing_game")


class DiffError(ValueError):
    """The two audits cannot be compared; the message is fit to show a user."""


@dataclass(frozen=True, eq=False)
class AuditDiff:
    a: AuditReport
    b: AuditReport
    shared: tuple[str, ...]  # model labels both know
    changed: np.ndarray  # (N,) bool: the predicted label differs
    map_diff: dict[str, np.ndarray]  # method -> (C, s, s) B - A of per-class mean maps
    scale: float  # one symmetric colour scale for every difference map
    rows: list[dict]


def shared_labels(a, b) -> tuple[str, ...]:
    """The labels of model (or audit) ``a`` that ``b`` also has, by name; refuses none."""
    names_b = {n.lower() for n in b.model_labels} if hasattr(b, "model_labels") else \
        {n.lower() for n in b.labels}
    labels_a = a.model_labels if hasattr(a, "model_labels") else a.labels
    shared = tuple(n for n in labels_a if n.lower() in names_b)
    if not shared:
        raise DiffError(f"{a.model if hasattr(a, 'model_labels') else a.name} and "
                        f"{b.model if hasattr(b, 'model_labels') else b.name} share no class "
                        "label: nothing to compare")
    return shared


def predicted_names(report: AuditReport) -> np.ndarray:
    return np.array([report.model_labels[k].lower() for k in report.columns["predicted"]])


def class_rows(a: AuditReport, b: AuditReport) -> list[dict]:
    """Per data-set class: A's and B's figures side by side with B - A."""
    rows = []
    for ra, rb in zip(a.rows, b.rows):
        row = {"class": ra["class"], "flags_a": ra["flags"], "flags_b": rb["flags"]}
        for key in ("accuracy", "flip_rate"):
            if ra.get(key) is not None and rb.get(key) is not None:
                row[key] = dict(a=ra[key], b=rb[key], delta=round(rb[key] - ra[key], 3))
        for m in a.methods:
            for key in SCORES:
                va, vb = (ra.get(m) or {}).get(key), (rb.get(m) or {}).get(key)
                if va is not None and vb is not None:
                    row[f"{m}_{key}"] = dict(a=va, b=vb, delta=round(vb - va, 3))
        rows.append(row)
    return rows


def spray_change(a: AuditReport, b: AuditReport, c: int) -> dict:
    def facts(report):
        sp = report.spray.get(c)
        if sp is None:
            return None
        return dict(k=sp.k, flagged=[dict(share=round(s.share, 3), purity=round(s.purity, 3))
                                     for s in sp.summaries if s.flagged])
    return dict(a=facts(a), b=facts(b))


def diff_audits(a: AuditReport, b: AuditReport) -> AuditDiff:
    """Compare two audits of the same data set with the same methods."""
    if a.dataset != b.dataset or len(a.columns["label"]) != len(b.columns["label"]):
        raise DiffError("the two audits are of different data: audit both on the same inputs")
    if a.methods != b.methods:
        raise DiffError("the two audits used different methods")
    shared = shared_labels(a, b)
    changed = predicted_names(a) != predicted_names(b)
    map_diff = {m: b.mean_maps[m] - a.mean_maps[m] for m in a.methods}
    scale = max(float(np.abs(d).max()) for d in map_diff.values()) or 1.0
    rows = class_rows(a, b)
    for c, row in enumerate(rows):
        row["spray"] = spray_change(a, b, c)
    return AuditDiff(a, b, shared, changed, map_diff, scale, rows)


def diff_payload(diff: AuditDiff) -> dict:
    """The diff as plain JSON."""
    return dict(model_a=diff.a.model, model_b=diff.b.model, dataset=diff.a.dataset,
                items=int(len(diff.changed)), methods=list(diff.a.methods),
                shared_labels=list(diff.shared),
                predictions_changed=round(float(diff.changed.mean()), 4),
                map_scale=round(diff.scale, 4), classes=diff.rows,
                summary=diff_sentences(diff))


def diff_sentences(diff: AuditDiff) -> list[str]:
    """Per class and method: where the attribution went, in words."""
    out = []
    for row in diff.rows:
        for m in diff.a.methods:
            share = row.get(f"{m}_background_share")
            if share is None:
                continue
            way = "falls" if share["delta"] < 0 else "rises"
            out.append(f"{row['class']}: {m} background share {way} from {share['a']:.0%} "
                       f"({diff.a.model}) to {share['b']:.0%} ({diff.b.model})")
    return out
