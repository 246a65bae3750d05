"""Measured weaknesses of a text model, turned into warnings for one sentence.

A model that is confidently wrong on the sentences a teacher types undermines every map
drawn on top of it, so the text page warns when the top probability is low or the sentence
has a pattern the model is measured to miss. The figures come from the model's calibration
report (scripts/calibrate_sentiment.py writes minilm_sentiment's); a model without one gets
only the generic low-confidence warning.
"""
from __future__ import annotations

import re

LOW_CONFIDENCE = 0.6  # below this top probability the page always warns
NEGATION_GAP = 0.03  # warn on negation only when it costs at least this much accuracy


def report_for(model_name: str) -> dict:
    if model_name != "minilm_sentiment":
        return {}
    from model_zoo.minilm_sentiment import calibration

    return calibration()


def caveats(model_name: str, text: str, top_probability: float,
            predicted: str = "") -> list[str]:
    """Warnings for this sentence (``predicted``: its top label), in words, each with the
    figure it rests on."""
    report, found = report_for(model_name), []
    low = report.get("low_confidence", {})
    if top_probability < low.get("below", LOW_CONFIDENCE):
        figure = (f" On held-out tweets, predictions this unsure were right "
                  f"{low['accuracy']:.0%} of the time." if "accuracy" in low else "")
        found.append(f"The model is unsure (top class {top_probability:.0%}).{figure} "
                     "Read the maps as what this model does, not as what the sentence means.")
    negation = report.get("negation", {})
    missed = negation.get("positive", {})  # positive sentences the negation may turn around
    if (missed and predicted != "positive"
            and re.search(negation["pattern"], text, re.IGNORECASE)):
        with_, without = missed["with_negation"], missed["without"]
        if without["accuracy"] - with_["accuracy"] >= NEGATION_GAP:
            found.append(
                f"This sentence contains a negation. On {with_['sentences']:,} human-rated "
                f"positive sentences with one, the model was right on {with_['accuracy']:.0%}, "
                f"against {without['accuracy']:.0%} without: a negated negative word "
                "(\u201cnot bad\u201d, \u201cnothing disappointed me\u201d) can be read as negative.")
    return found
