"""The model diff as one use case for the CLI and the audit page: two audits of the same
inputs, compared (``explainers.audit.diff``), with ROAD deltas on a subset when asked."""
from __future__ import annotations

from explainers.audit.diff import AuditDiff, diff_audits, diff_payload, shared_labels
from explainers.audit.diff_road import road_deltas, road_gaps, road_subset
from explainers.audit.run import AuditReport
from inputs.audit_data import AuditSet
from model_zoo import ImageClassifier
from workflows.audit import run_audit


def road_part(model_a: ImageClassifier, model_b: ImageClassifier, a: AuditReport,
              b: AuditReport, data: AuditSet, count: int, seed: int = 0) -> dict:
    """``{"road": per method deltas, "road_summary": sentences}`` on ``count`` images."""
    index = road_subset(len(data), count)
    road = road_deltas(road_gaps(model_a, a, data, index), road_gaps(model_b, b, data, index),
                       seed)
    lines = []
    for m, found in road.items():
        gap = next(v for k, v in found.items() if isinstance(v, dict))
        way = "rises" if gap["delta"] > 0 else "falls"
        lines.append(f"{m}: ROAD gap {way} from {gap['a']:.3f} ({a.model}) to {gap['b']:.3f} "
                     f"({b.model}), paired change {gap['delta']:+.3f} (95% CI "
                     f"{gap['delta_ci'][0]:+.3f} to {gap['delta_ci'][1]:+.3f}, "
                     f"{found['images']} images)")
    return {"road": road, "road_summary": lines}


def diff_models(model_a: ImageClassifier, model_b: ImageClassifier, data: AuditSet,
                methods: tuple[str, ...], seed: int = 0, road: int = 0,
                engine=None) -> tuple[AuditDiff, dict]:
    """Audit both models on ``data`` and compare; refuses models with no shared label
    before any work. ``road``: images for the ROAD deltas (0: none)."""
    shared_labels(model_a, model_b)
    a, b = (run_audit(m, data, methods, seed=seed, engine=engine) for m in (model_a, model_b))
    diff = diff_audits(a, b)
    payload = diff_payload(diff)
    if road:
        payload |= road_part(model_a, model_b, a, b, data, road, seed)
    payload["seconds"] = {"audit_a": round(a.seconds["total"], 2),
                          "audit_b": round(b.seconds["total"], 2)}
    return diff, payload
