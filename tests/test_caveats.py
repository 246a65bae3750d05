"""Warnings on the text page rest on measured figures of the model's calibration report."""
from __future__ import annotations

import pytest

from model_zoo import caveats as caveats_module
from model_zoo.caveats import caveats

REPORT = {"low_confidence": {"below": 0.6, "accuracy": 0.52},
          "negation": {"pattern": r"\b(not|never|nothing)\b|n't\b",
                       "with_negation": {"sentences": 1200, "accuracy": 0.71},
                       "without": {"sentences": 9000, "accuracy": 0.88}}}


@pytest.fixture
def measured(monkeypatch):
    monkeypatch.setattr(caveats_module, "report_for", lambda name: REPORT)


def test_a_negation_is_flagged_with_the_measured_gap(measured):
    found = caveats("minilm_sentiment", "Nothing about this phone disappointed me.", 0.99)
    assert len(found) == 1 and "71%" in found[0] and "88%" in found[0]
    assert caveats("minilm_sentiment", "What a lovely day", 0.99) == []


def test_a_low_top_probability_is_flagged_with_its_held_out_accuracy(measured):
    found = caveats("minilm_sentiment", "the concert was fine", 0.45)
    assert len(found) == 1 and "45%" in found[0] and "52%" in found[0]


def test_a_small_negation_gap_is_not_worth_a_warning(monkeypatch):
    small = {**REPORT, "negation": {**REPORT["negation"],
                                    "with_negation": {"sentences": 10, "accuracy": 0.87}}}
    monkeypatch.setattr(caveats_module, "report_for", lambda name: small)
    assert caveats("minilm_sentiment", "not bad", 0.9) == []


def test_a_model_without_a_report_gets_only_the_generic_warning():
    assert caveats("hf:some-model", "not bad", 0.9) == []
    assert "unsure" in caveats("hf:some-model", "not bad", 0.4)[0]
