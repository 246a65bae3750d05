"""The Shortcut audit page through Streamlit's AppTest, the CLI, the HTML report, bad zips."""
from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest
from PIL import Image

import cli
from components.progress import model_calls
from inputs.audit_zip import zip_audit_set
from inputs.zip_dataset import ZipDatasetError
from tests.test_app import run_page


@pytest.mark.slow
def test_page_runs_an_audit_and_redraws_without_recomputing():
    app = run_page("audit.py")
    assert not app.exception, app.exception
    assert any("Run the audit" in info.value for info in app.info)
    app.number_input(key="audit_count").set_value(60)
    app.button(key="audit_run").click().run()
    assert not app.exception, app.exception
    assert any("Flagged: triangle, cross" in e.value for e in app.error)
    assert len(app.get("plotly_chart")) == 1
    calls = model_calls()
    app.radio(key="audit_spray_class").set_value(1).run()
    assert not app.exception, app.exception
    assert model_calls() == calls  # a display change recomputes nothing


def png(rgb: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb.astype(np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


def make_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            if name.endswith("/"):
                archive.writestr(zipfile.ZipInfo(name), b"")
            else:
                archive.writestr(name, data)
    return buffer.getvalue()


def square(value: int, side: int = 32) -> bytes:
    return png(np.full((side, side, 3), value))


def bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a/1.png", square(10))
        archive.writestr("b/big.png", b"\0" * 50_000_000)
    return buffer.getvalue()


GOOD = {"cat/1.png": square(10), "cat/2.png": square(20), "dog/1.png": square(200)}
MASKS = {"cat/1.png": square(255), "cat/2.png": square(0), "dog/1.png": square(255)}


@pytest.mark.parametrize("files, masks, message", [
    ({"cat/1.png": square(10), "cat/2.png": square(30)}, None, "at least two class"),
    ({**GOOD, "bird/": b""}, None, "'bird' holds no images"),
    ({**GOOD, "bird/readme.txt": b"hello"}, None, "'bird' holds no images"),
    ({**GOOD, "../evil/1.png": square(1)}, None, "unsafe path"),
    ({"notes.txt": b"x", "cat/a.txt": b"y"}, None, "no images in class folders"),
    (GOOD, {"cat/1.png": square(255)}, "no mask for 2 image"),
    (GOOD, {**MASKS, "dog/1.png": square(255, 16)}, "16x16 px but the image is 32x32"),
])
def test_bad_zips_get_one_clear_message(files, masks, message):
    with pytest.raises(ZipDatasetError, match=message):
        zip_audit_set(make_zip(files), make_zip(masks) if masks else None)


def test_zip_bomb_and_non_images_are_handled():
    with pytest.raises(ZipDatasetError, match="too large or suspiciously compressed"):
        zip_audit_set(bomb())
    data, notes = zip_audit_set(make_zip({**GOOD, "dog/2.png": b"not an image"}),
                                make_zip(MASKS))
    assert len(data) == 3 and "1 file(s) could not be read" in notes[0]
    assert data.masks.shape == (3, 128, 128) and data.masks[0].all() and not data.masks[1].any()


def test_cli_audit_json_and_html_report(tmp_path, capsys):
    out = tmp_path / "report.html"
    code = cli.main(["audit", "--model", "shortcut_cnn", "--dataset", "shortcut_biased",
                     "--limit", "60", "--json", "--out", str(out)])
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["flagged"] == ["triangle", "cross"] and payload["items"] == 60
    page = out.read_text()
    assert "Shortcut audit: shortcut_cnn" in page and "data:image/jpeg;base64," in page
    assert "https://" not in page.split("<script")[0]  # nothing fetched by the markup


def test_cli_audit_bad_input_is_one_line(tmp_path, capsys):
    bad = tmp_path / "one.zip"
    bad.write_bytes(make_zip({"cat/1.png": square(1), "cat/2.png": square(2)}))
    assert cli.main(["audit", "--model", "shortcut_cnn", "--dataset", str(bad)]) == 2
    assert "at least two class" in capsys.readouterr().err
    assert cli.main(["audit", "--model", "shortcut_cnn", "--dataset", "mnist"]) == 2


def test_own_checkpoint_of_the_lab_architecture_is_audited(tmp_path, capsys):
    """A user's small_cnn checkpoint (bare-net state dict) through the CLI's checkpoint path."""
    from safetensors.torch import load_file, save_file

    from model_zoo.shortcut_models import WEIGHTS

    state = {k.removeprefix("1."): v for k, v in
             load_file(str(WEIGHTS / "shortcut_cnn.safetensors")).items() if k.startswith("1.")}
    weights, labels = tmp_path / "mine.safetensors", tmp_path / "labels.txt"
    save_file(state, str(weights))
    labels.write_text("triangle\ncross\n")
    code = cli.main(["audit", "--checkpoint", str(weights), "--arch", "small_cnn", "--labels",
                     str(labels), "--dataset", "shortcut_biased", "--limit", "60", "--json"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["flagged"] == ["triangle", "cross"]
