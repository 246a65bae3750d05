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
    app.number_input(key="audit_road").set_value(6).run()
    assert not app.exception, app.exception
    assert any("ROAD gap rises" in m.value for m in app.markdown)
    app.selectbox(key="audit_compare").set_value("mobilenet_v2").run()
    assert any("share no class label" in w.value for w in app.warning)


def net_checkpoint(tmp_path, name: str) -> str:
    """The zoo model's net as a user would save it: a state dict without our normalisation."""
    from safetensors.torch import load_file, save_file

    state = load_file(f"model_zoo/weights/{name}.safetensors")
    path = tmp_path / f"{name}.safetensors"
    save_file({k.removeprefix("1."): v for k, v in state.items() if k.startswith("1.")}, path)
    return str(path)


def test_a_checkpoint_diffs_like_its_zoo_entry_with_road_deltas(tmp_path, capsys):
    labels = tmp_path / "labels.txt"
    labels.write_text("triangle\ncross\n")
    base = ["diff", "--model-a", "shortcut_cnn", "--dataset", "shortcut_biased", "--limit", "24",
            "--road", "6", "--json"]
    assert cli.main(base + ["--model-b", "robust_cnn"]) == 0
    zoo_payload = json.loads(capsys.readouterr().out)
    assert cli.main(base + ["--checkpoint-b", net_checkpoint(tmp_path, "robust_cnn"),
                            "--arch-b", "small_cnn", "--labels-b", str(labels)]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["classes"] == zoo_payload["classes"]
    road = payload["road"]["gradcam"]
    assert road["images"] == 6 and road["road_gap"] == zoo_payload["road"]["gradcam"]["road_gap"]
    gap = road["road_gap"]
    assert gap["delta"] == pytest.approx(gap["b"] - gap["a"], abs=1e-3)
    assert gap["delta_ci"][0] <= gap["delta"] <= gap["delta_ci"][1]


def test_checkpoint_label_sets_are_compared_by_name_or_refused(tmp_path, capsys):
    path = net_checkpoint(tmp_path, "robust_cnn")
    # no labels file: "class 0", "class 1" share nothing with triangle/cross
    assert cli.main(["diff", "--model-a", "shortcut_cnn", "--checkpoint-b", path, "--arch-b",
                     "small_cnn", "--dataset", "shortcut_biased", "--limit", "10"]) == 2
    assert "share no class label" in capsys.readouterr().err
    assert cli.main(["diff", "--model-a", "shortcut_cnn", "--dataset", "shortcut_biased"]) == 2
    assert "pass --model-b NAME or --checkpoint-b FILE" in capsys.readouterr().err
    labels = tmp_path / "labels.txt"
    labels.write_text("cross\nsquare\n")  # one label shared (by name), in another place
    assert cli.main(["diff", "--model-a", "shortcut_cnn", "--checkpoint-b", path, "--arch-b",
                     "small_cnn", "--labels-b", str(labels), "--dataset", "shortcut_biased",
                     "--limit", "12", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["shared_labels"] == ["cross"]


def test_an_onnx_model_is_a_diff_input(tmp_path, capsys):
    from tests.onnx_files import tiny_cnn

    path, labels = tmp_path / "tiny.onnx", tmp_path / "labels.txt"
    path.write_bytes(tiny_cnn(size=64))
    labels.write_text("triangle\ncross\n")
    assert cli.main(["diff", "--model-a", "shortcut_cnn", "--checkpoint-b", str(path),
                     "--labels-b", str(labels), "--dataset", "shortcut_biased", "--limit", "12",
                     "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["items"] == 12 and payload["shared_labels"] == ["triangle", "cross"]
