"""Warnings on the text page rest on measured figures of the model's calibration report."""
from __future__ import annotations

import pytest

from model_zoo import caveats as caveats_module
from model_zoo.caveats import caveats

REPORT = {"low_confidence": {"below": 0.6, "accuracy": 0.52},
          "negation": {"pattern": r"\b(not|never|nothing)\b|n't\b",
                       "positive": {"with_negation": {"sentences": 129, "accuracy": 0.56},
                                    "without": {"sentences": 779, "accuracy": 0.71}}}}


@pytest.fixture
def measured(monkeypatch):
    monkeypatch.setattr(caveats_module, "report_for", lambda name: REPORT)


def test_a_negation_is_flagged_with_the_measured_gap(measured):
    found = caveats("minilm_sentiment", "Nothing about this phone disappointed me.", 0.99,
                    "negative")
    assert len(found) == 1 and "56%" in found[0] and "71%" in found[0] and "129" in found[0]
    assert caveats("minilm_sentiment", "What a lovely day", 0.99, "negative") == []
    # a positive reading of a negated sentence is what the model gets right: no warning
    assert caveats("minilm_sentiment", "not bad at all", 0.99, "positive") == []


def test_a_low_top_probability_is_flagged_with_its_held_out_accuracy(measured):
    found = caveats("minilm_sentiment", "the concert was fine", 0.45)
    assert len(found) == 1 and "45%" in found[0] and "52%" in found[0]


def test_a_small_negation_gap_is_not_worth_a_warning(monkeypatch):
    small = {**REPORT, "negation": {**REPORT["negation"], "positive": {
        "with_negation": {"sentences": 10, "accuracy": 0.70},
        "without": {"sentences": 900, "accuracy": 0.71}}}}
    monkeypatch.setattr(caveats_module, "report_for", lambda name: small)
    assert caveats("minilm_sentiment", "not bad", 0.9, "negative") == []


def test_a_model_without_a_report_gets_only_the_generic_warning():
    assert caveats("hf:some-model", "not bad", 0.9) == []
    assert "unsure" in caveats("hf:some-model", "not bad", 0.4)[0]
