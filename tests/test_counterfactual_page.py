"""The Counterfactuals page through AppTest: a bundled 3 becomes an 8 through the digit
generator; the shortcut model shows its training-image evidence; models without training
data say it is not available."""
from __future__ import annotations

import pytest

from tests.test_app import TIMEOUT
from tests.conftest import ROOT


def page(**state):
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "pages" / "counterfactuals.py"), default_timeout=TIMEOUT)
    for key, value in state.items():
        app.session_state[key] = value
    return app.run()


@pytest.mark.slow
def test_a_bundled_three_becomes_an_eight_on_the_page():
    app = page(cf_sample="digit:18")
    assert not app.exception, app.exception
    assert app.selectbox(key="cf_target").value == 8
    assert any("not available for this model (digit_cnn)" in i.value for i in app.info)
    app.button(key="cf_latent_run").click().run()
    assert not app.exception, app.exception
    assert any(s.value.startswith("3 → 8: the model gives 8") for s in app.success)
    captions = [c.caption for im in app.get("image") for c in im.proto.imgs]
    assert any(c.startswith("counterfactual · model says 8") for c in captions), captions


@pytest.mark.slow
def test_shortcut_model_shows_proponents_and_the_summary():
    app = page(cf_model="shortcut_cnn", cf_item="biased:2")  # a held-out triangle on meadow
    assert not app.exception, app.exception
    text = " ".join(m.value for m in app.markdown)
    assert "the training data ties meadow to triangle (a shortcut)" in text
    captions = [c.caption for im in app.get("image") for c in im.proto.imgs]
    assert sum("triangle on meadow" in c for c in captions) >= 6
    app.button(key="cf_pixels_run").click().run()
    assert not app.exception, app.exception
    assert any(s.value.startswith("triangle → cross: the model gives cross") for s in app.success)
    app.selectbox(key="cf_model").set_value("robust_cnn").run()
    app.selectbox(key="cf_evidence_class").set_value(0).run()
    assert not app.exception, app.exception
    text = " ".join(m.value for m in app.markdown)
    assert "no background shortcut in the training data for triangle" in text
