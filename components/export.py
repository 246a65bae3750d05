"""Downloads of what the page shows: raw scores as one .npz."""
from __future__ import annotations

import io

import numpy as np

from explainers.metrics import schema


def scores_npz(maps: dict[str, np.ndarray]) -> bytes:
    """Named float32 maps in one compressed .npz (``np.load(f)[name]``)."""
    buffer = io.BytesIO()
    arrays = {name: np.asarray(m, dtype=np.float32) for name, m in maps.items()}
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


SCORE_COLUMNS = ("method", "method_title", "parameters", "class_index", "class_label",
                 "seconds", "model_evaluations", "completeness_gap", schema.DELETION_AUC,
                 schema.INSERTION_AUC, schema.ROAD_MORF_AUC, schema.ROAD_LERF_AUC,
                 schema.ROAD_GAP, schema.ROAD_VERDICT, schema.REGION_MORF_AUC,
                 schema.REGION_LERF_AUC, schema.REGION_GAP, schema.REGION_VERDICT,
                 schema.FAITHFULNESS_VERDICT, schema.SANITY_FINAL_SPEARMAN,
                 schema.SANITY_VERDICT, schema.SANITY_INSENSITIVE, schema.SANITY_BLOCKS)


def score_record(method: str, title: str, params: dict, target: int, label: str, result,
                 auc=None, sanity=None, road=None, road_verdict: str | None = None,
                 families=None) -> dict:
    """One panel's facts as a flat dict (``SCORE_COLUMNS``, names from
    ``explainers.metrics.schema``); missing checks are None.

    ``result`` is an ``Explanation``, ``auc`` a ``FaithfulnessScores`` (pixel deletion),
    ``road`` a ``RoadCurves`` with its verdict's outcome, ``sanity`` a ``SanityReport`` (its
    verdict is the badge's: the whole curve). ``families`` (a ``TwoFamilies``) gives ROAD,
    region perturbation and the verdict both must agree on, in place of ``road``.
    """
    road_keys = (schema.ROAD_MORF_AUC, schema.ROAD_LERF_AUC, schema.ROAD_GAP)
    if families is not None:
        road, road_verdict = families.road, families.road_verdict.outcome
    return {
        "method": method, "method_title": title, "parameters": dict(params),
        "class_index": int(target), "class_label": label,
        "seconds": round(float(result.seconds), 4), "model_evaluations": int(result.model_evals),
        "completeness_gap": None if result.delta is None else float(result.delta),
        schema.DELETION_AUC: None if auc is None else round(float(auc.deletion_auc), 6),
        schema.INSERTION_AUC: None if auc is None else round(float(auc.insertion_auc), 6),
        **(dict.fromkeys(road_keys) if road is None else schema.road_numbers(road)),
        schema.ROAD_VERDICT: road_verdict,
        **region_columns(families),
        schema.SANITY_FINAL_SPEARMAN: (None if sanity is None
                                       else round(float(sanity.final_spearman), 6)),
        schema.SANITY_VERDICT: None if sanity is None else sanity.verdict.outcome,
        schema.SANITY_INSENSITIVE: None if sanity is None else bool(sanity.insensitive),
        schema.SANITY_BLOCKS: None if sanity is None else len(sanity.steps),
    }


def region_columns(families) -> dict:
    """Region perturbation's areas, gap and verdict, and the combined verdict (or None)."""
    keys = (schema.REGION_MORF_AUC, schema.REGION_LERF_AUC, schema.REGION_GAP,
            schema.REGION_VERDICT, schema.FAITHFULNESS_VERDICT)
    if families is None:
        return dict.fromkeys(keys)
    region = families.region
    values = (region.morf_auc, region.lerf_auc, region.gap)
    return {**{k: round(float(v), 6) for k, v in zip(keys, values)},
            schema.REGION_VERDICT: families.region_verdict.outcome,
            schema.FAITHFULNESS_VERDICT: families.verdict.outcome}


def scores_csv(records: list[dict]) -> bytes:
    """One row per panel; parameters as ``name=value`` pairs joined by ``;``."""
    import csv

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SCORE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for record in records:
        params = ";".join(f"{k}={v}" for k, v in record["parameters"].items())
        writer.writerow({**record, "parameters": params})
    return buffer.getvalue().encode("utf-8")


def scores_json(records: list[dict], about: dict) -> bytes:
    """``{"about": {model, input, date, ...}, "panels": [...]}``, UTF-8, indented."""
    import json

    return json.dumps({"about": about, "panels": records}, indent=2,
                      ensure_ascii=False).encode("utf-8")
