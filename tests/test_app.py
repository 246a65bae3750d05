"""Page logic through Streamlit's AppTest: each page alone, and the app's navigation."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

TIMEOUT = 300


def run_page(name: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "pages" / name), default_timeout=TIMEOUT)
    return app.run()


def test_image_page_draws_an_overlay_and_predictions():
    app = run_page("image.py")
    assert not app.exception, app.exception
    assert app.selectbox(key="image_model").value == "mobilenet_v2"
    assert len(app.get("image")) == 1
    assert "Grad-CAM" in app.get("image")[0].captions[0]
    assert len(app.get("plotly_chart")) == 1
    assert "Egyptian cat" in app.selectbox(key="image_target").format_func(
        app.selectbox(key="image_target").value)
    assert "s ·" in app.caption[0].value


def test_image_page_offers_only_compatible_methods_and_switches(zoo):
    from explainers import compatible_methods

    app = run_page("image.py")
    options = app.selectbox(key="image_method").options
    assert set(options) == {e.title for e in compatible_methods(zoo("mobilenet_v2"))}
    assert {"Grad-CAM", "Saliency (gradient)", "Integrated Gradients"} <= set(options)
    app.selectbox(key="image_method").set_value("Saliency (gradient)").run()
    assert not app.exception
    assert "Saliency" in app.get("image")[0].captions[0]
    app.selectbox(key="image_sample").set_value("coffee").run()
    assert "espresso" in app.selectbox(key="image_target").format_func(
        app.selectbox(key="image_target").value)


def test_app_navigation_runs_the_default_page():
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    assert not app.exception, app.exception
    assert app.header[0].value == "Why this image?"
