"""Captions of the two faithfulness families under a map, and the note that explains them."""
from __future__ import annotations

from components.facts import road_caption

TWO_FAMILIES_NOTE = (
    "Two independent faithfulness checks, each against 4 random maps made from the map itself "
    "(its own cells shuffled at its native resolution), "
    "so a blurry map is judged against equally blurry random maps. ROAD (Rong et al. 2022) "
    "removes 4 × 4-pixel cells in the map's order and fills them in from their neighbours; "
    "region perturbation (Samek et al. 2017) blurs 16 × 16-pixel patches instead. MoRF removes "
    "the most relevant first (lower area is better), LeRF the least relevant first (higher is "
    "better); each curve is divided by the starting probability. A family says “beats random” "
    "when its gap LeRF − MoRF exceeds twice the root mean square of the random maps' gaps "
    "(each counted with its reverse, so their mean is 0; at least 0.02). The sentence under a "
    "map says “faithful” only when both families agree; otherwise it says they disagree.")


def region_caption(morf_auc: float, lerf_auc: float) -> str:
    return f"Region MoRF {morf_auc:.2f} ↓ · LeRF {lerf_auc:.2f} ↑"


def two_families_lines(report, ranked: str = "") -> list[str]:
    """A ``TwoFamilies`` report as caption lines: each family's areas and outcome, then the
    verdict in words (``ranked``: e.g. " (ranked by |value|)")."""
    road, region = report.road_verdict.outcome, report.region_verdict.outcome
    return [f"{road_caption(report.road.morf_auc, report.road.lerf_auc)}{ranked}: {road}",
            f"{region_caption(report.region.morf_auc, report.region.lerf_auc)}: {region}",
            report.verdict.text]
