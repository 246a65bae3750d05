"""The Concepts and Fragility pages through Streamlit's AppTest (bundled MobileNetV2)."""
from __future__ import annotations

import json

import numpy as np
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
    assert len(app.get("image")) == 7  # five pictures in one row, and one row per defence


def test_fragility_targeted_attack_offers_regions():
    app = page("fragility.py")
    app.radio(key="fragility_kind").set_value("target").run()
    assert not app.exception, app.exception
    assert "bottom right" in app.selectbox(key="fragility_region").options


def test_concepts_page_several_layers_side_by_side():
    app = page("concepts.py", concepts_names=["striped", "red"], concepts_count=10,
               concepts_runs=3)
    app.multiselect(key="concepts_layers_mobilenet_v2").set_value(
        ["1.features.10", "1.features.14"])
    app.button(key="concepts_run").click().run()
    assert not app.exception, app.exception
    assert app.subheader[0].value == "Concepts for “Egyptian cat” at 1.features.10, 1.features.14"
    (chart,) = app.get("plotly_chart")
    figure = json.loads(chart.proto.spec)
    bars = [trace for trace in figure["data"] if trace["type"] == "bar"]
    assert [b["name"] for b in bars] == ["1.features.10", "1.features.14"]  # one panel each
    assert all(b["x"] == ["striped", "red"] for b in bars)
    notes = sorted(a["text"] for a in figure["layout"]["annotations"])
    assert notes == ["1.features.10", "1.features.14", "random CAVs"]  # panel titles, one label
    for bar in bars:  # a bar is hatched and says n.s. exactly when it is not significant
        assert [t == "n.s." for t in bar["text"]] == [p == "/" for p in bar["marker"]["pattern"]["shape"]]
    rows = app.dataframe[0].value
    assert list(rows["layer"]) == ["1.features.10"] * 2 + ["1.features.14"] * 2
    assert app.selectbox(key="concepts_rank_layer").options == ["1.features.10", "1.features.14"]


def test_concepts_page_relative_tcav():
    app = page("concepts.py", concepts_names=["striped"], concepts_count=10, concepts_runs=3)
    app.selectbox(key="concepts_against").set_value("dotted")
    app.button(key="concepts_run").click().run()
    assert not app.exception, app.exception
    assert app.subheader[0].value.endswith("relative to “dotted”")
    assert list(app.dataframe[0].value["concept"]) == ["striped vs dotted"]
    app.selectbox(key="concepts_against").set_value("striped")
    app.button(key="concepts_run").click().run()  # striped against itself: left out, no error
    assert not app.exception, app.exception
    assert app.error[0].value == "pick at least one concept"


def test_projection_picks_a_concept_for_the_concepts_page():
    """Items chosen on the projection page become a named concept in the session (nothing on
    disk), and the Concepts page offers it, chosen, and runs TCAV on it."""
    app = page("projection.py")
    app.number_input(key="projection_count").set_value(30)
    app.button(key="projection_run").click().run()
    assert not app.exception, app.exception
    app.multiselect(key="projection_concept_items").set_value(list(range(4))).run()
    app.text_input(key="projection_concept_name").input("grassy")
    app.button(key="projection_concept_save").click().run()
    assert "at least 10 images" in app.error[0].value  # too few: refused, said why
    app.multiselect(key="projection_concept_items").set_value(list(range(12))).run()
    app.button(key="projection_concept_save").click().run()
    assert not app.exception, app.exception
    assert "Saved “grassy”: 12 images" in app.success[0].value
    digest, images = app.session_state["picked_concepts"]["grassy"]
    assert images.shape[0] == 12 and images.shape[-1] == 3 and images.dtype == np.uint8
    assert app.button(key="projection_concept_open").label == "Use “grassy” on the Concepts page"
    # What that button hands over (st.switch_page itself needs the whole app):
    concepts = page("concepts.py", picked_concepts=app.session_state["picked_concepts"],
                    concepts_add="grassy", concepts_count=10, concepts_runs=3)
    assert not concepts.exception, concepts.exception
    assert concepts.multiselect(key="concepts_names").value == ["striped", "dotted", "red",
                                                                "grassy (picked)"]
    assert "grassy (picked)" in concepts.selectbox(key="concepts_against").options
    concepts.multiselect(key="concepts_names").set_value(["grassy (picked)"])
    concepts.button(key="concepts_run").click().run()
    assert not concepts.exception, concepts.exception
    assert list(concepts.dataframe[0].value["concept"]) == ["grassy"]
