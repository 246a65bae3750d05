"""One set of key names for the scores of a map, and one human label for each.

The CLI's JSON, the page's CSV/JSON exports, the data-set jobs' Parquet tables (per method:
``<method>_<key>``, see ``method_column``) and the case report's PDF all use these names, so
one ROAD result is called the same everywhere. ``LABELS`` gives the PDF's wording.
Older names (``morf_auc``, ``ROAD_MoRF_auc``, ...) are mapped by ``current_names``.
"""
from __future__ import annotations

from typing import Any

# ROAD (explainers/metrics/road.py, road_verdict.py): the map's curves and the random maps'
ROAD_MORF_AUC = "road_morf_auc"
ROAD_LERF_AUC = "road_lerf_auc"
ROAD_GAP = "road_gap"  # LeRF - MoRF
ROAD_VERDICT = "road_verdict"  # "beats random" | "cannot tell" | "worse than random"
RANDOM_ROAD_MORF_AUC = "random_road_morf_auc"
RANDOM_ROAD_LERF_AUC = "random_road_lerf_auc"
RANDOM_ROAD_GAP = "random_road_gap"
RANDOM_ROAD_GAP_SPREAD = "random_road_gap_spread"
ROAD_FRACTIONS = "road_fractions"
ROAD_MORF_CURVE = "road_morf_curve"
ROAD_LERF_CURVE = "road_lerf_curve"
ROAD_START_PROBABILITY = "road_start_probability"
ROAD_IMPUTE_SECONDS = "road_impute_seconds"
ROAD_SECONDS = "road_seconds"
NULL_KIND = "random_maps"  # which random maps the verdicts were read against

# Region perturbation (explainers/metrics/region_perturbation.py), the second family, and
# the verdict both families must agree on (explainers/metrics/two_families.py)
REGION_MORF_AUC = "region_morf_auc"
REGION_LERF_AUC = "region_lerf_auc"
REGION_GAP = "region_gap"  # LeRF - MoRF
RANDOM_REGION_GAP = "random_region_gap"
RANDOM_REGION_GAP_SPREAD = "random_region_gap_spread"
REGION_VERDICT = "region_verdict"
FAITHFULNESS_VERDICT = "faithfulness_verdict"  # both agree, or "families disagree"
FAITHFULNESS_TEXT = "faithfulness_text"

# Pixel deletion and insertion (explainers/metrics/faithfulness.py)
DELETION_AUC = "deletion_auc"
INSERTION_AUC = "insertion_auc"
RANDOM_DELETION_AUC = "random_deletion_auc"
RANDOM_INSERTION_AUC = "random_insertion_auc"

# Cascading randomisation (explainers/metrics/sanity.py): one rule, the whole-curve verdict
SANITY_VERDICT = "sanity_verdict"
SANITY_INSENSITIVE = "sanity_insensitive"
SANITY_FINAL_SPEARMAN = "sanity_final_spearman"
SANITY_BLOCKS = "sanity_blocks_randomised"

LABELS: dict[str, str] = {
    ROAD_MORF_AUC: "ROAD MoRF area (lower is better)",
    ROAD_LERF_AUC: "ROAD LeRF area (higher is better)",
    ROAD_GAP: "ROAD gap LeRF − MoRF",
    ROAD_VERDICT: "ROAD against random maps",
    RANDOM_ROAD_MORF_AUC: "ROAD MoRF area of random maps",
    RANDOM_ROAD_LERF_AUC: "ROAD LeRF area of random maps",
    RANDOM_ROAD_GAP: "ROAD gap of random maps",
    RANDOM_ROAD_GAP_SPREAD: "ROAD gap spread of random maps",
    NULL_KIND: "Random maps judged against",
    REGION_MORF_AUC: "Region perturbation MoRF area (lower is better)",
    REGION_LERF_AUC: "Region perturbation LeRF area (higher is better)",
    REGION_GAP: "Region perturbation gap LeRF − MoRF",
    RANDOM_REGION_GAP: "Region perturbation gap of random maps",
    RANDOM_REGION_GAP_SPREAD: "Region perturbation gap spread of random maps",
    REGION_VERDICT: "Region perturbation against random maps",
    FAITHFULNESS_VERDICT: "Faithfulness (both families must agree)",
    FAITHFULNESS_TEXT: "Faithfulness in words",
    DELETION_AUC: "Deletion area (lower is better)",
    INSERTION_AUC: "Insertion area (higher is better)",
    RANDOM_DELETION_AUC: "Deletion area of random removals",
    RANDOM_INSERTION_AUC: "Insertion area of random insertions",
    SANITY_VERDICT: "Sanity check",
    SANITY_INSENSITIVE: "Insensitive to the model",
    SANITY_FINAL_SPEARMAN: "Spearman ρ after the last randomised block",
    SANITY_BLOCKS: "Blocks randomised",
    "pointing_game": "Pointing game",
    "energy_pointing_game": "Energy pointing game",
    "relevance_mass": "Relevance mass in the mask",
    "iou_otsu": "IoU (Otsu threshold)",
    "iou_top_k": "IoU (top-k pixels)",
}

# Names used before this schema, for reading what was written with them.
OLD_NAMES: dict[str, str] = {
    "morf_auc": ROAD_MORF_AUC, "lerf_auc": ROAD_LERF_AUC,
    "random_morf_auc": RANDOM_ROAD_MORF_AUC, "random_lerf_auc": RANDOM_ROAD_LERF_AUC,
    "morf_curve": ROAD_MORF_CURVE, "lerf_curve": ROAD_LERF_CURVE,
    "ROAD_MoRF_auc": ROAD_MORF_AUC, "ROAD_LeRF_auc": ROAD_LERF_AUC, "ROAD_gap": ROAD_GAP,
    "random_ROAD_gap_spread": RANDOM_ROAD_GAP_SPREAD,
}


def label(key: str) -> str:
    """The human label of a score key (the key itself, spaced, when it has none)."""
    return LABELS.get(key, key.replace("_", " "))


def method_column(method: str, key: str) -> str:
    """The column of ``key`` for ``method`` in a table with several methods."""
    return f"{method}_{key}"


def current_names(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` with any old key renamed to its current name (new keys win)."""
    renamed = {OLD_NAMES.get(k, k): v for k, v in record.items() if k in OLD_NAMES}
    return renamed | {k: v for k, v in record.items() if k not in OLD_NAMES}


def road_numbers(curves: Any, baseline: Any = None, digits: int = 6) -> dict[str, float]:
    """A map's ROAD areas and gap (``RoadCurves``), and with ``baseline`` (``RandomRoad``)
    the random maps' areas, gap and spread, rounded: the one place these keys are filled."""
    r = lambda v: round(float(v), digits)  # noqa: E731
    numbers = {ROAD_MORF_AUC: r(curves.morf_auc), ROAD_LERF_AUC: r(curves.lerf_auc),
               ROAD_GAP: r(curves.gap)}
    if baseline is not None:
        numbers |= {RANDOM_ROAD_MORF_AUC: r(baseline.morf_auc),
                    RANDOM_ROAD_LERF_AUC: r(baseline.lerf_auc),
                    RANDOM_ROAD_GAP: r(baseline.gap), RANDOM_ROAD_GAP_SPREAD: r(baseline.spread)}
    return numbers
