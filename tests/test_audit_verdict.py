"""The audit's verdict in words: Wilson intervals on known answers, and a sentence per
flagged class of shortcut_cnn (none for robust_cnn) that names the swap flips and the
background share, with how sure."""
from __future__ import annotations

import pytest

from components.audit_verdict import class_verdicts, evidence, wilson
from components.audit_view import table_rows
from workflows.audit import run_audit
from inputs.audit_data import generated_set


def test_wilson_interval_known_values():
    low, high = wilson(0.5, 100)
    assert low == pytest.approx(0.4038, abs=1e-3) and high == pytest.approx(0.5962, abs=1e-3)
    assert wilson(1.0, 10)[1] == 1.0 and wilson(1.0, 10)[0] == pytest.approx(0.7225, abs=1e-3)


def test_a_cluster_alone_is_a_lead_and_a_weak_flip_is_suggestive():
    row = {"class": "cross", "items": 10, "flip_rate": 0.4}
    assert evidence(row, (), [])[1] == "suggestive"  # the interval reaches below 0.3
    assert evidence({"class": "c", "items": 10}, (), [])[1] == "a lead to inspect, not proof"


def test_sentences_for_the_shortcut_model_and_none_for_the_robust_one(zoo):
    data = generated_set("shortcut_biased", 80, 0)
    report = run_audit(zoo("shortcut_cnn"), data, ("gradcam",))
    sentences = class_verdicts(report)
    assert len(sentences) == len(report.flagged) == 2
    assert all("of background swaps" in s and "lies on the background" in s and
               s.endswith("Evidence: strong.") for s in sentences)
    assert table_rows(report.rows, ("gradcam",))[0]["flags"] == "background"
    assert class_verdicts(run_audit(zoo("robust_cnn"), data, ("gradcam",))) == []
