"""Text counterfactuals on the bundled sentiment model: a bundled sentence flips with at most
three word edits, each checked by the model; the text page and the CLI show it."""
from __future__ import annotations

import json

import numpy as np
import pytest

from inputs.samples import SAMPLE_SENTENCES

pytestmark = pytest.mark.slow  # tens of calls of a real transformer


def test_a_bundled_sentence_flips_with_at_most_three_edits_on_page_and_cli():
    from model_zoo import load_model, probabilities
    from tests.test_cli import cli
    from tests.test_text_page import text_page

    app = text_page(methods=["attention"])
    app.checkbox(key="text_counterfactual").check().run()
    assert not app.exception, app.exception
    model = load_model("minilm_sentiment")
    negative = model.labels.index("negative")
    assert app.selectbox(key="text_counterfactual_to").value == negative
    shown = next(h.proto.body for h in app.get("html") if "counterfactual:" in h.proto.body)
    assert "<del" in shown or "<b style" in shown  # the edits (removed or inserted) highlighted
    verdict = app.success[0].value
    assert verdict.startswith("Flipped to negative with") and "model calls" in verdict

    run = cli("counterfactual", "--model", "minilm_sentiment", "--text", SAMPLE_SENTENCES[0],
              "--to", "negative", "--json")
    assert run.returncode == 0, run.stderr
    payload = json.loads(run.stdout)
    assert payload["flipped"] and 1 <= len(payload["edits"]) <= 3
    checked = probabilities(model, payload["counterfactual"])   # the model, asked again
    assert int(np.argmax(checked)) == negative
    assert payload["counterfactual_probabilities"]["negative"] == pytest.approx(
        checked[negative], abs=1e-3)
