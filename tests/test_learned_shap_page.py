"""The image page and the learned explainer: its map is captioned as learned with its held-out
fidelity, and a model without one is told it is not available (AppTest)."""
from __future__ import annotations

import pytest

from tests.test_app import panel_captions, run_image_page

pytestmark = pytest.mark.slow  # full pages through AppTest


def test_a_model_without_an_explainer_says_learned_shap_is_not_available():
    app = run_image_page(image_model="efficientnet_lite0", image_methods=["gradcam"],
                         image_faithfulness=False)
    assert not app.exception, app.exception
    notes = [c.value for c in app.caption]
    assert any(n.startswith("Learned SHAP is not available for this model") for n in notes)


def test_the_learned_map_is_labelled_learned_with_its_held_out_fidelity():
    app = run_image_page(image_model="shortcut_cnn", image_methods=["learned_shap"],
                         image_faithfulness=False)
    assert not app.exception, app.exception
    assert "learned_shap" in app.multiselect(key="image_methods").value
    [caption] = panel_captions(app)
    assert "Learned SHAP" in caption and "Learned (one pass)" in caption
    assert "held-out images: Spearman 0." in caption
    assert not any("Learned SHAP is not available" in c.value for c in app.caption)
