"""The activation maximisation and projection pages through Streamlit's AppTest."""
from __future__ import annotations

import pytest

from tests.test_app import TIMEOUT, run_page
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # full pages through AppTest


def test_actmax_page_optimises_a_small_gallery():
    app = run_page("actmax.py")
    assert not app.exception, app.exception
    assert any("press Optimise" in info.value for info in app.info)
    app.radio(key="actmax_kind").set_value("Gallery (N channels, one batch)").run()
    app.slider(key="actmax_gallery").set_value(3)
    app.slider(key="actmax_steps").set_value(8)
    app.select_slider(key="actmax_size").set_value(96)
    app.button(key="actmax_run").click().run()
    assert not app.exception, app.exception
    images = app.get("image")
    assert images, "no images drawn"
    assert len(app.get("plotly_chart")) == 1
    caption = next(c.value for c in app.caption if "steps" in c.value)
    assert "3 image(s) in one batch" in caption
    before, after = (float(v) for v in caption.split("objective ")[1].split(" → "))
    assert after > before


def test_actmax_page_class_objective_with_raw_preset():
    app = run_page("actmax.py")
    app.radio(key="actmax_kind").set_value("Class logit").run()
    app.radio(key="actmax_preset").set_value("raw").run()
    app.slider(key="actmax_steps").set_value(8)
    app.select_slider(key="actmax_size").set_value(96)
    app.button(key="actmax_run").click().run()
    assert not app.exception, app.exception
    assert any("class 285" in c.value or "steps" in c.value for c in app.caption)


def test_projection_page_projects_and_recolours_without_recomputing():
    app = run_page("projection.py")
    assert not app.exception, app.exception
    app.number_input(key="projection_count").set_value(20)
    app.button(key="projection_run").click().run()
    assert not app.exception, app.exception
    assert len(app.get("plotly_chart")) == 1
    facts = next(c.value for c in app.caption if "items ·" in c.value)
    assert facts.startswith("20 items · layer 1.features.18 (1280 features")
    app.radio(key="projection_colour").set_value("background").run()
    assert not app.exception, app.exception
    again = next(c.value for c in app.caption if "items ·" in c.value)
    assert again == facts  # same cached timings: nothing was recomputed


def test_projection_page_with_tweets_and_a_text_model():
    app = run_page("projection.py")
    app.selectbox(key="projection_source").set_value("Tweets (sentiment corpus)").run()
    app.number_input(key="projection_count").set_value(12)
    app.button(key="projection_run").click().run()
    assert not app.exception, app.exception
    assert "correct?" in app.radio(key="projection_colour").options
    assert len(app.get("plotly_chart")) == 1


def test_app_lists_the_global_pages():
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    assert not app.exception, app.exception
