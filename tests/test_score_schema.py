"""One name per score and one sanity rule: the exports, the CLI's ROAD payload, the case
report's numbers and the PDF's labels read the same keys; the CSV's sanity column and the
page's badge come from the same whole-curve verdict."""
from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from components.export import SCORE_COLUMNS, score_record, scores_csv
from components.facts import sanity_verdict_badge
from explainers import Explanation
from explainers.metrics import schema
from explainers.metrics.road import RoadCurves
from explainers.metrics.road_verdict import RandomRoad, road_payload
from explainers.metrics.sanity import SanityReport, SanityStep, sanity_report

ROAD_KEYS = (schema.ROAD_MORF_AUC, schema.ROAD_LERF_AUC, schema.ROAD_GAP)


def curves(morf, lerf) -> RoadCurves:
    return RoadCurves((0.0, 0.5, 1.0), tuple(morf), tuple(lerf), 0.9, 6, 0.0)


def explanation(scores: np.ndarray) -> Explanation:
    return Explanation(scores.astype(np.float32), "saliency", 0, False, 0.1, 1)


def report_with(rhos: list[float]) -> SanityReport:
    rng = np.random.default_rng(0)
    original = explanation(rng.random((8, 8)))
    steps = [SanityStep(f"block{i}", rho, rng.random((8, 8))) for i, rho in enumerate(rhos)]
    return sanity_report("saliency", 0, original, steps)


def csv_row(sanity: SanityReport) -> dict[str, str]:
    record = score_record("saliency", "Saliency", {}, 0, "a", explanation(np.zeros((8, 8))),
                          sanity=sanity)
    return next(csv.DictReader(io.StringIO(scores_csv([record]).decode())))


@pytest.mark.parametrize("rhos, insensitive", [
    ([0.1, 0.2, 0.3, 0.9, 0.95], False),  # changes at once; last step high (old rule: flagged)
    ([0.9, 0.85, 0.8, 0.2], True),  # barely changes at first; last step low (old rule: passed)
])
def test_the_csv_column_and_the_badge_agree(rhos, insensitive):
    sanity = report_with(rhos)
    row = csv_row(sanity)
    kind, text = sanity_verdict_badge(sanity.verdict)
    assert row["sanity_insensitive"] == str(insensitive)
    assert ("insensitive to the model" in text) is insensitive and (kind == "warn") is insensitive
    assert row["sanity_verdict"] == sanity.verdict.outcome
    assert float(row["sanity_final_spearman"]) == pytest.approx(rhos[-1])


def test_road_keys_are_the_same_in_the_cli_payload_the_export_and_the_case_numbers():
    from explainers.metrics.case import road_numbers

    ours = curves((1.0, 0.2, 0.1), (1.0, 0.9, 0.8))
    baseline = RandomRoad((curves((1.0, 0.5, 0.3), (1.0, 0.6, 0.4)),
                           curves((1.0, 0.6, 0.4), (1.0, 0.5, 0.3))))
    payload = road_payload(ours, baseline)
    record = score_record("saliency", "Saliency", {}, 0, "a", explanation(np.zeros((8, 8))),
                          road=ours, road_verdict=payload[schema.ROAD_VERDICT])
    numbers = road_numbers(ours, baseline)
    for key in ROAD_KEYS:
        assert payload[key] == record[key] == numbers[key] and key in SCORE_COLUMNS
    assert payload[schema.ROAD_GAP] == pytest.approx(ours.gap, abs=1e-6)
    assert payload[schema.RANDOM_ROAD_GAP_SPREAD] == numbers[schema.RANDOM_ROAD_GAP_SPREAD]
    old = {"morf_auc", "lerf_auc", "random_morf_auc", "ROAD_MoRF_auc", "ROAD_gap", "morf_curve"}
    assert not old & (set(payload) | set(record) | set(numbers))


def test_old_names_are_read_as_the_new_ones():
    old = {"ROAD_MoRF_auc": 0.2, "ROAD_LeRF_auc": 0.7, "ROAD_gap": 0.5, "morf_auc": 0.3,
           "road_morf_auc": 0.1, "pointing_game": 1.0}
    new = schema.current_names(old)
    assert new == {"road_morf_auc": 0.1, "road_lerf_auc": 0.7, "road_gap": 0.5,
                   "pointing_game": 1.0}


def test_every_score_key_has_one_human_label():
    keys = [v for k, v in vars(schema).items() if k.isupper() and isinstance(v, str)]
    assert len(keys) == len(set(keys))  # no two constants name the same key
    assert schema.label(schema.ROAD_MORF_AUC).startswith("ROAD MoRF")
    assert schema.label("some_new_score") == "some new score"
    assert schema.method_column("gradcam", schema.ROAD_GAP) == "gradcam_road_gap"
