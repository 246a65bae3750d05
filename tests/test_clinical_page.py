"""The clinical page through AppTest: the bundled phantom with its mask, an uploaded DICOM
with identifiers (none reaches the page), windowing without model calls, bad files."""
from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.dicom_files import SECRET_STRINGS, bundled, identified_phantom, ramp
from tests.test_app_inputs import uploader

TIMEOUT = 300


def clinical_page(**state) -> AppTest:
    app = AppTest.from_file(str(ROOT / "pages" / "clinical.py"), default_timeout=TIMEOUT)
    app.session_state["clinical_methods"] = ["gradcam", "saliency"]
    for key, value in state.items():
        app.session_state[key] = value
    return app.run()


def page_text(app: AppTest) -> str:
    parts = [e.proto.body for e in app.get("html")]
    parts += [str(e.value) for kind in ("caption", "info", "warning", "error", "markdown")
              for e in getattr(app, kind)]
    parts += [str(w.value) for w in [*app.selectbox, *app.slider, *app.multiselect]]
    parts += [str(o) for s in app.selectbox for o in s.options]
    return "\n".join(parts)


def grid(app: AppTest) -> str:
    return next(e.proto.body for e in app.get("html") if "explanation-grid" in e.proto.body)


def model_calls(app: AppTest) -> int:
    return int(re.search(r'data-model-calls="(\d+)"', grid(app)).group(1))


def test_phantom_default_shows_maps_with_localisation_scores():
    app = clinical_page()
    assert not app.exception, app.exception
    assert app.selectbox(key="clinical_model").value == "xray_phantom_cnn"
    body = grid(app)
    assert body.count("<figure") == 2 and body.count("Pointing game") == 2
    assert "energy in mask" in body and "IoU (Otsu)" in body
    assert "synthetic teaching model" in page_text(app)
    assert app.get("download_button")


def test_uploaded_dicom_shows_no_identifier_and_windowing_calls_no_model():
    app = clinical_page()
    uploader(app, "clinical_upload").set_value(("scan.dcm", identified_phantom(),
                                                "application/dicom")).run()
    assert not app.exception and not app.error
    calls = model_calls(app)
    app.slider(key="clinical_window_width").set_value(1500.0).run()
    app.slider(key="clinical_window_center").set_value(1200.0).run()
    assert not app.exception and model_calls(app) == calls  # the view only redraws
    assert "manual" in page_text(app)
    text = page_text(app)
    for secret in SECRET_STRINGS:
        assert secret not in text
    assert "scan.dcm" not in grid(app)


def test_bad_files_get_one_message_and_the_session_goes_on():
    app = clinical_page()
    for data, words in [(bundled("rtplan.dcm"), "no pixel data"),
                        (identified_phantom()[:3000], "truncated")]:
        uploader(app, "clinical_upload").set_value(("bad.dcm", data, "application/dicom")).run()
        assert not app.exception and len(app.error) == 1 and words in app.error[0].value
    uploader(app, "clinical_upload").set_value(("ramp.dcm", ramp(12, BurnedInAnnotation="YES"),
                                                "application/dicom")).run()
    assert not app.exception and not app.error
    assert any("burned-in" in w.value for w in app.warning)


def test_faithfulness_is_road_against_random_maps_with_a_verdict_per_map():
    app = clinical_page(clinical_faithfulness=True)
    assert not app.exception, app.exception
    body = grid(app)
    assert body.count("ROAD MoRF") == 2 and "deletion AUC" not in body
    verdicts = re.findall(r"(Beats random|Cannot tell from random|Worse than random) on this "
                          r"image \(ROAD gap [+-]\d\.\d\d vs random [+-]0\.00", body)
    assert len(verdicts) == 2, body
    assert any("noisy linear imputation" in c.value for c in app.caption)


def test_sanity_check_puts_a_verdict_on_every_map_and_draws_the_curve():
    import dashboard_cache

    dashboard_cache.cached_sanity_all.clear()  # a hit would replay, not compute
    app = clinical_page()
    assert "sanity" not in grid(app) and "insensitive" not in grid(app)
    assert any("About" in c.value and "blocks" in c.value for c in app.caption)  # cost first
    calls = model_calls(app)
    app.button(key="clinical_sanity_run").click().run()
    assert not app.exception, app.exception
    body = grid(app)
    verdicts = re.findall(r"sanity ✓|insensitive to the model|cannot judge", body)
    assert len(verdicts) == 2, body  # Grad-CAM and saliency
    assert model_calls(app) > calls
    assert any(c.proto.spec and "randomised" in c.proto.spec.lower()
               for c in app.get("plotly_chart"))


def test_sanity_depth_limits_the_blocks_randomised():
    import json

    app = clinical_page(clinical_sanity_depth=3)
    assert any(re.search(r"About \d+ s: 3 blocks", c.value) for c in app.caption)
    app.button(key="clinical_sanity_run").click().run()
    assert not app.exception, app.exception
    chart = json.loads(app.get("plotly_chart")[-1].proto.spec)
    assert [len(trace["y"]) for trace in chart["data"]] == [3, 3]  # two maps, 3 blocks each


def test_a_colour_dicom_is_explained_as_grey_with_a_note():
    app = clinical_page()
    uploader(app, "clinical_upload").set_value(("us.dcm", bundled("SC_rgb_jpeg_dcmtk.dcm"),
                                                "application/dicom")).run()
    assert not app.exception and not app.error
    assert any("colour DICOM (YBR_FULL)" in i.value for i in app.info)
    assert grid(app).count("<figure") == 2
