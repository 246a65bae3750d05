"""Model diff: shortcut_cnn -> robust_cnn on the biased split moves Grad-CAM off the
background (in the JSON and in words); models with no shared label are refused at once."""
from __future__ import annotations

import json

import numpy as np
import pytest

import cli
from workflows.audit import run_audit
from explainers.audit.diff import DiffError, diff_audits, diff_payload
from inputs.audit_data import generated_set


@pytest.fixture(scope="module")
def diff(zoo):
    data = generated_set("shortcut_biased", 80, 0)
    return diff_audits(run_audit(zoo("shortcut_cnn"), data, ("gradcam",)),
                       run_audit(zoo("robust_cnn"), data, ("gradcam",)))


def test_the_background_share_falls_and_flips_vanish(diff):
    payload = diff_payload(diff)
    for row in payload["classes"]:
        assert row["gradcam_background_share"]["delta"] < -0.1
        assert row["flip_rate"]["b"] < 0.3 < row["flip_rate"]["a"]
        assert row["flags_a"] and not row["flags_b"]
    assert all("background share falls" in s for s in payload["summary"])
    json.dumps(payload)  # plain JSON


def test_difference_maps_are_signed_on_one_scale(diff):
    d = diff.map_diff["gradcam"]
    assert d.shape[0] == 2 and np.abs(d).max() == pytest.approx(diff.scale)
    np.testing.assert_allclose(d, diff.b.mean_maps["gradcam"] - diff.a.mean_maps["gradcam"])


def test_other_data_and_no_shared_labels_are_refused(diff, zoo, capsys):
    other = run_audit(zoo("robust_cnn"), generated_set("shortcut_biased", 40, 1), ("gradcam",))
    with pytest.raises(DiffError, match="different data"):
        diff_audits(diff.a, other)
    assert cli.main(["diff", "--model-a", "shortcut_cnn", "--model-b", "mobilenet_v2",
                     "--dataset", "shortcut_biased", "--limit", "20"]) == 2
    assert "share no class label" in capsys.readouterr().err


@pytest.mark.slow
def test_the_audit_page_compares_with_a_second_model():
    from tests.test_app import run_page

    app = run_page("audit.py")
    app.number_input(key="audit_count").set_value(40)
    app.button(key="audit_run").click().run()
    assert any("Evidence: strong" in m.value for m in app.markdown)  # the verdict sentences
    app.selectbox(key="audit_compare").set_value("robust_cnn").run()
    assert not app.exception, app.exception
    texts = [m.value for m in app.markdown]
    assert any("gradcam background share falls" in t for t in texts)
    app.selectbox(key="audit_compare").set_value("mobilenet_v2").run()
    assert any("share no class label" in w.value for w in app.warning)
