"""Page logic through Streamlit's AppTest: each page alone, and the app's navigation."""
from __future__ import annotations

import pytest

import re
from contextlib import contextmanager

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # full pages through AppTest

TIMEOUT = 300


def run_page(name: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "pages" / name), default_timeout=TIMEOUT)
    return app.run()


FAST = {"image_param_integrated_gradients_steps": 8,  # keep the page test quick
        "image_param_integrated_gradients_adaptive": False}


def run_image_page(**state) -> AppTest:
    app = AppTest.from_file(str(ROOT / "pages" / "image.py"), default_timeout=TIMEOUT)
    for key, value in {**FAST, **state}.items():
        app.session_state[key] = value
    return app.run()


def panel_captions(app: AppTest) -> list[str]:
    """The text of each panel caption in the page's first grid, tags stripped."""
    body = app.get("html")[0].proto.body
    return [re.sub(r"<[^>]+>", " ", c) for c in re.findall(r"<figcaption.*?</figcaption>", body)]


def test_image_page_draws_a_panel_per_method_with_time_and_faithfulness():
    # the pixel deletion/insertion metric, now an option beside ROAD (the default, issue 11)
    app = run_image_page(image_faith_metric="Pixel deletion/insertion (as in papers)")
    assert not app.exception, app.exception
    assert app.selectbox(key="image_model").value == "mobilenet_v2"
    assert app.multiselect(key="image_methods").value == ["gradcam", "integrated_gradients",
                                                          "saliency"]
    captions = panel_captions(app)
    assert len(captions) == 3
    for caption, title in zip(captions, ["Grad-CAM", "Integrated Gradients", "Saliency"]):
        assert title in caption and "Egyptian cat" in caption
        assert re.search(r"\d+\.\d\d s ·", caption)
        assert re.search(r"deletion AUC 0\.\d{3}.*insertion AUC 0\.\d{3}", caption)
    assert "steps=8" in captions[1]
    body = app.get("html")[0].proto.body
    assert body.count('src="data:image/jpeg;base64,') == 3  # the overlays; raw maps on demand
    assert 'repeat(2,' in body  # three panels, two per row: maps large enough to read
    assert len(app.get("plotly_chart")) == 2  # top-5 and the agreement matrix
    assert not app.get("imgs")  # no st.image: panels are inline data, not media URLs


def test_image_page_offers_every_compatible_method(zoo):
    from explainers import compatible_methods

    app = run_image_page(image_methods=["gradcam"], image_faithfulness=False)
    options = app.multiselect(key="image_methods").options
    assert set(options) == {e.title for e in compatible_methods(zoo("mobilenet_v2"))}


def test_display_controls_redraw_without_a_model_call():
    app = run_image_page()
    calls = lambda: re.search(r'data-model-calls="(\d+)"',  # noqa: E731
                              app.get("html")[0].proto.body).group(1)
    # "Absolute values" re-ranks signed maps for the faithfulness check (once per ranking)
    app.toggle(key="image_absolute").set_value(True).run()
    app.toggle(key="image_absolute").set_value(False).run()
    app.toggle(key="image_absolute").set_value(True).run()
    ranked, before = calls(), app.get("html")[0].proto.body
    app.slider(key="image_opacity").set_value(0.9).run()
    app.toggle(key="image_absolute").set_value(False).run()
    app.toggle(key="image_absolute").set_value(True).run()  # both rankings are cached now
    app.slider(key="image_keep_top").set_value(20).run()
    app.toggle(key="image_raw").set_value(True).run()
    assert not app.exception, app.exception
    after = app.get("html")[0].proto.body
    assert calls() == ranked
    assert after != before and after.count("data:image/jpeg") == 6  # raw maps joined


def test_several_targets_give_a_grid_and_a_method_parameter_changes_one_panel():
    app = run_image_page(image_methods=["gradcam", "saliency"], image_faithfulness=False)
    second = app.multiselect(key="image_targets").options[1]
    app.multiselect(key="image_targets").select(second).run()
    assert not app.exception, app.exception
    captions = panel_captions(app)
    assert len(captions) == 4
    assert "Egyptian cat" in captions[0] and "Egyptian cat" not in captions[1]
    assert 'repeat(2,' in app.get("html")[0].proto.body
    app.selectbox(key="image_param_gradcam_layer_of_19").set_value(10).run()
    assert "layer=1.features.10" in panel_captions(app)[0]


def test_sanity_check_button_adds_badges_and_the_randomised_maps(monkeypatch):
    import dashboard_cache
    from components import progress

    drawn = []  # each block's points are drawn while the check runs, on a fixed x axis

    @contextmanager
    def recording_chart():
        with progress.live_chart() as show:
            def record(figure):
                drawn.append(([len(t.y) for t in figure.data], figure.layout.xaxis.range))
                show(figure)
            yield record

    monkeypatch.setattr(dashboard_cache, "live_chart", recording_chart)
    dashboard_cache.cached_sanity_all.clear()  # a hit would replay, not compute
    app = run_image_page(image_methods=["gradcam", "saliency"], image_faithfulness=False,
                         image_sanity_depth=3)
    assert "sanity" not in app.get("html")[0].proto.body
    app.button(key="image_sanity_run").click().run()
    assert not app.exception, app.exception
    assert [points for points, _ in drawn] == [[1, 1], [2, 2], [3, 3]]
    assert all(tuple(axis) == (0.5, 3.5) for _, axis in drawn)
    captions = panel_captions(app)
    assert all(("sanity ✓" in c) or ("insensitive to the model" in c) for c in captions)
    assert len(app.get("html")) == 2 and "original vs randomised" in app.get("html")[1].proto.body
    assert "after randomising 3 blocks" in app.get("html")[1].proto.body


def test_image_picked_on_another_page_is_used_and_can_be_cleared():
    app = run_image_page(image_methods=["gradcam"], image_pick="sample:coffee",
                         image_faithfulness=False)
    assert not app.exception, app.exception
    assert "espresso" in panel_captions(app)[0]
    app.button(key="image_pick_clear").click().run()
    assert "image_pick" not in app.session_state
    assert "Egyptian cat" in panel_captions(app)[0]


def test_an_unknown_picked_source_gives_one_message():
    app = run_image_page(image_methods=["gradcam"], image_pick="nowhere:17")
    assert not app.exception, app.exception
    assert len(app.error) == 1 and "Could not read this image" in app.error[0].value


def test_app_navigation_runs_the_default_page():
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    assert not app.exception, app.exception
    assert app.header[0].value == "Why this image?"
    import gc

    assert gc.get_freeze_count() > 0  # start-up objects frozen out of the per-run collection


def test_image_page_reports_both_faithfulness_families_and_one_verdict():
    """ROAD and region perturbation under each map, each against its own matched random
    maps, and the verdict in words that needs both (issue 30)."""
    app = run_image_page(image_methods=["gradcam"])
    assert not app.exception, app.exception
    caption = panel_captions(app)[0]
    assert re.search(r"ROAD MoRF 0\.\d\d ↓ · LeRF 0\.\d\d ↑: (beats random|cannot tell)", caption)
    assert re.search(r"Region MoRF 0\.\d\d ↓ · LeRF 0\.\d\d ↑", caption)
    assert re.search(r"under both ROAD and region perturbation|families disagree", caption)
    assert any("region perturbation (Samek et al. 2017)" in c.value for c in app.caption)
