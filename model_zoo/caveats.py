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


def caveats(model_name: str, text: str, top_probability: float) -> list[str]:
    """Warnings for this sentence, in words, each with the figure it rests on."""
    report, found = report_for(model_name), []
    low = report.get("low_confidence", {})
    if top_probability < low.get("below", LOW_CONFIDENCE):
        figure = (f" On held-out tweets, predictions this unsure were right "
                  f"{low['accuracy']:.0%} of the time." if "accuracy" in low else "")
        found.append(f"The model is unsure (top class {top_probability:.0%}).{figure} "
                     "Read the maps as what this model does, not as what the sentence means.")
    negation = report.get("negation", {})
    if negation and re.search(negation["pattern"], text, re.IGNORECASE):
        with_, without = negation["with_negation"]["accuracy"], negation["without"]["accuracy"]
        if without - with_ >= NEGATION_GAP:
            found.append(f"This sentence contains a negation. On {negation['with_negation']['sentences']:,} "
                         f"human-rated sentences with a clear polarity, the model was right on "
                         f"{with_:.0%} of those with a negation against {without:.0%} without: "
                         "it may read the negated word's sentiment.")
    return found
