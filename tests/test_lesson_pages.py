"""The Concepts and Fragility pages through Streamlit's AppTest (bundled MobileNetV2)."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.test_app import TIMEOUT


def page(name: str, **state) -> AppTest:
    app = AppTest.from_file(str(ROOT / "pages" / name), default_timeout=TIMEOUT)
    for key, value in state.items():
        app.session_state[key] = value
    return app.run()


def test_concepts_page_runs_tcav_and_marks_verdicts():
    app = page("concepts.py")
    assert not app.exception, app.exception
    assert any("press Run TCAV" in info.value for info in app.info)
    assert app.selectbox(key="concepts_class").value == 285  # chelsea: Egyptian cat
    app.multiselect(key="concepts_names").set_value(["striped", "blotchy"])
    app.slider(key="concepts_count").set_value(10)
    app.slider(key="concepts_runs").set_value(3)
    app.button(key="concepts_run").click().run()
    assert not app.exception, app.exception
    assert len(app.get("plotly_chart")) == 1
    assert app.subheader[0].value == "Concepts for “Egyptian cat” at 1.features.14"
    rows = app.dataframe[0].value
    assert list(rows["concept"]) == ["striped", "blotchy"]
    verdicts = [m.value for m in app.markdown if m.value.startswith("**")]
    assert len(verdicts) == 2 and all("significant" in v or "not a concept" in v for v in verdicts)
    assert len(app.get("image")) == 4  # most and least aligned class images per concept


def test_fragility_page_attacks_and_measures():
    app = page("fragility.py")
    assert not app.exception, app.exception
    app.selectbox(key="fragility_method").set_value("gradcam")
    app.slider(key="fragility_steps").set_value(5)
    app.button(key="fragility_run").click().run()
    assert not app.exception, app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Prediction before"] == "Egyptian cat"
    assert metrics["Prediction after"] == "Egyptian cat"
    assert float(metrics["Top-k intersection"].rstrip("%")) < 100
    assert len(app.dataframe[0].value) == 3  # the method, SmoothGrad, beta-smoothed
    assert len(app.get("image")) == 3  # the five-image row and one row per defence


def test_fragility_targeted_attack_offers_regions():
    app = page("fragility.py")
    app.radio(key="fragility_kind").set_value("target").run()
    assert not app.exception, app.exception
    assert "bottom right" in app.selectbox(key="fragility_region").options
