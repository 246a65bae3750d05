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


def keyed(widgets, base: str, suffix: str = ""):
    """The one widget keyed ``base`` (+ ``suffix``) for the current case (components/case_keys.py)."""
    found = [w for w in widgets
             if (w.key or "").startswith(f"{base}@") and w.key.endswith(suffix)]
    assert len(found) == 1, [w.key for w in widgets]
    return found[0]


def model_calls(app: AppTest) -> int:
    return int(re.search(r'data-model-calls="(\d+)"', grid(app)).group(1))


def test_phantom_default_shows_maps_with_localisation_scores():
    app = clinical_page()
    assert not app.exception, app.exception
    assert not any("Out of distribution" in w.value for w in app.warning)
    assert any("within the model's held-out training data" in c.value for c in app.caption)
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
    keyed(app.slider, "clinical_window", "_width").set_value(1500.0).run()
    keyed(app.slider, "clinical_window", "_center").set_value(1200.0).run()
    assert not app.exception and model_calls(app) == calls  # the view only redraws
    assert "manual" in page_text(app)
    text = page_text(app)
    for secret in SECRET_STRINGS:
        assert secret not in text
    assert "scan.dcm" not in grid(app)


def test_a_new_upload_gets_its_own_window_class_and_probabilities():
    """CT, a CT preset, then an MR (whose presets lack it): no error, the MR's own top class
    and probability, and the window redraws without a model call (issue 25)."""
    app = clinical_page()
    uploader(app, "clinical_upload").set_value(("ct.dcm", bundled("CT_small.dcm"),
                                                "application/dicom")).run()
    keyed(app.selectbox, "clinical_window", "_preset").set_value("CT mediastinum").run()
    assert not app.exception and "CT mediastinum" in page_text(app)
    keyed(app.selectbox, "clinical_target").set_value(1).run()  # not the CT's top class
    uploader(app, "clinical_upload").set_value(("mr.dcm", bundled("MR_small.dcm"),
                                                "application/dicom")).run()
    assert not app.exception and not app.error
    preset = keyed(app.selectbox, "clinical_window", "_preset")
    assert "CT mediastinum" not in preset.options and preset.value == preset.options[0]
    target = keyed(app.selectbox, "clinical_target")
    top = target.options[0]
    assert target.index == 0  # the MR's own top class, not the CT's pick
    label = re.search(r"Why “(.+)”\?", page_text(app) + "".join(
        s.value for s in app.subheader)).group(1)
    assert top.startswith(label + " (") and "90.7%" not in top
    calls = model_calls(app)
    keyed(app.selectbox, "clinical_window", "_preset").set_value("full range").run()
    keyed(app.slider, "clinical_window", "_width").set_value(300.0).run()
    assert not app.exception and model_calls(app) == calls
    assert keyed(app.selectbox, "clinical_target").options[0] == top


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
    assert body.count("Region MoRF") == 2
    verdicts = re.findall(r"(beats random|from random on this image|than random on this image)"
                          r" under both|families disagree on this image", body)
    assert len(verdicts) == 2, body
    assert any("region perturbation (Samek" in c.value for c in app.caption)


def test_faithfulness_survives_a_second_upload_and_a_toggle_off_and_on():
    """Odd order: scores on, a new scan, scores off, scores on again; each state draws the
    scan it shows, and switching the scores back on recomputes nothing already scored."""
    app = clinical_page(clinical_faithfulness=True)
    uploader(app, "clinical_upload").set_value(("ct.dcm", bundled("CT_small.dcm"),
                                                "application/dicom")).run()
    assert not app.exception and not app.error
    assert grid(app).count("Region MoRF") == 2
    uploader(app, "clinical_upload").set_value(("mr.dcm", bundled("MR_small.dcm"),
                                                "application/dicom")).run()
    assert not app.exception and not app.error
    scored = grid(app)
    assert scored.count("ROAD MoRF") == 2 and scored.count("Region MoRF") == 2
    app.toggle(key="clinical_faithfulness").set_value(False).run()
    assert not app.exception and "ROAD MoRF" not in grid(app)
    assert grid(app).count("<figure") == 2
    calls = model_calls(app)
    app.toggle(key="clinical_faithfulness").set_value(True).run()
    assert not app.exception and not app.error
    assert grid(app).count("Region MoRF") == 2 and model_calls(app) == calls


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


def test_real_chest_radiograph_matches_the_tags_but_not_the_phantom_features():
    """RG1 (CR, PA chest) from pydicom-data: its tags agree with the phantom model's domain,
    but the model never saw a real radiograph: the feature-space distance says so."""
    app = clinical_page(clinical_sample="Real: chest radiograph, PA (CR, MONOCHROME1)")
    assert not app.exception and not app.error
    ood = [w.value for w in app.warning if "Out of distribution" in w.value]
    assert len(ood) == 1 and "Feature-space distance" in ood[0] and "false alarms" in ood[0]
    assert grid(app).count("<figure") == 2 and "MONOCHROME1" in page_text(app)


def test_overlay_mr_scores_maps_against_the_files_own_lesion_and_warns_out_of_distribution():
    app = clinical_page(clinical_sample="Real: abdominal MR, lesion outlined (overlay)")
    assert not app.exception and not app.error
    assert any("overlay plane 6000" in c.value for c in app.caption)
    assert grid(app).count("Pointing game") == 2
    ood = [w.value for w in app.warning if "Out of distribution" in w.value]
    assert ood and "This scan is MR" in ood[0]


def test_brain_model_warns_on_a_chest_radiograph():
    app = clinical_page(clinical_model="brain_tumor_vgg16",
                        clinical_sample="Real: chest radiograph, PA (CR, MONOCHROME1)")
    assert not app.exception and not app.error
    assert any("This scan is CR" in w.value for w in app.warning)
