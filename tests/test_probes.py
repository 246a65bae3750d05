"""Counterfactual probes: every registered probe's contract, the placebo, the statistics on
known answers, a tiny model with a planted corner shortcut, bad input, and Ray = local."""
from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn

import cli
from explainers.probes import ProbeError, probe_entries, probe_entry
from explainers.probes.batch import ProbeBatch
from explainers.probes.regions import placebo
from explainers.probes.run import gather, summarise
from explainers.probes.spec import ProbeSpec, parse_spec
from explainers.probes.stats import bootstrap_ci, paired_p, ranks
from explainers.probes.summary import probe_summary, verdict
from tests.tiny_models import tiny_image_model

RNG = np.random.default_rng(0)
PHOTO = (RNG.random((60, 80, 3)) * 255).astype(np.uint8)


@pytest.mark.parametrize("entry", [e for e in probe_entries()], ids=lambda e: e.name)
def test_every_probe_changes_only_its_region_and_leaves_the_input(entry):
    image = PHOTO.copy()
    mask = np.zeros(image.shape[:2], bool)
    mask[20:40, 30:50] = True
    probed = entry.bound()(image, mask)
    assert np.array_equal(image, PHOTO)  # not mutated
    assert probed.image.shape == image.shape and probed.image.dtype == np.uint8
    assert probed.region.shape == image.shape[:2] and probed.region.dtype == bool
    changed = (probed.image != image).any(axis=2)
    assert changed.any() and not (changed & ~probed.region).any()


def test_the_placebo_blurs_the_same_region_only():
    region = np.zeros(PHOTO.shape[:2], bool)
    region[10:30, 10:30] = True
    out = placebo(PHOTO, region)
    changed = (out.image != PHOTO).any(axis=2)
    assert changed[region].mean() > 0.9 and not changed[~region].any()


def test_background_needs_a_mask_and_keeps_the_object():
    with pytest.raises(ProbeError, match="needs the object's mask"):
        probe_entry("background").bound()(PHOTO)
    mask = np.zeros(PHOTO.shape[:2], bool)
    mask[:, :40] = True
    out = probe_entry("background").bound(colour="blue")(PHOTO, mask)
    assert np.array_equal(out.image[:, :40], PHOTO[:, :40])
    assert (out.image[:, 40:] == [0, 0, 255]).all()


@pytest.mark.parametrize("text, params, message", [
    ("patch", ["size=500"], "larger than the image"),
    ("watermark", ["size=900"], "wider than the image"),
    ("border", ["width=0.6"], "covers the whole image"),
    ("caption", ["height=200"], "does not fit"),
])
def test_a_probe_larger_than_the_image_is_refused_for_that_image(text, params, message):
    with pytest.raises(ProbeError, match=message):
        parse_spec(text, params).bound()(PHOTO)


@pytest.mark.parametrize("text, params, message", [
    ("watermark", ["text=\U0001d535"], "cannot draw"),
    ("caption", ["text=  "], "text is empty"),
    ("watermark:nope", [], "no preset 'nope'"),
    ("patch", ["colour_name=red"], "no setting colour_name"),
    ("sticker", [], "unknown probe 'sticker'"),
])
def test_bad_probe_requests_fail_before_any_image(text, params, message):
    with pytest.raises(ProbeError, match=message):
        parse_spec(text, params)


def test_the_imagenet_w_preset_draws_cjk_text():
    out = parse_spec("watermark:imagenet-w").bound()(np.zeros((200, 300, 3), np.uint8))
    rows = np.flatnonzero(out.region.any(axis=1))
    assert 0.02 < out.region.mean() < 0.3 and abs(rows.mean() - 100) < 15  # across the middle
    assert out.image.max() == round(255 * 0.5)  # white at opacity 0.5 over black


def test_bootstrap_and_paired_test_on_known_answers():
    values = np.r_[np.zeros(50), np.ones(50)]
    low, high = bootstrap_ci(values)
    assert low < 0.5 < high and high - low < 0.25
    assert paired_p(np.ones(30), np.zeros(30)) < 0.001
    assert paired_p(values, values) > 0.5
    probs = np.array([[0.5, 0.3, 0.2], [0.1, 0.2, 0.7]])
    assert ranks(probs, np.array([2, 0])).tolist() == [[3, 1], [1, 3]]


def test_the_verdict_claims_sensitivity_only_when_the_probe_beats_the_placebo():
    before = np.tile([0.7, 0.2, 0.1], (40, 1))
    after = np.tile([0.3, 0.2, 0.5], (40, 1)) + RNG.normal(0, 0.01, (40, 3))
    labels = ("cup", "plate", "carton")
    found = probe_summary(before, after, before.copy(), labels, watch=(2,))
    assert found["pushed_toward"][0]["label"] == "carton" and found["flip_rate"]["mean"] == 1
    assert found["watched"][0]["ci"][0] > 0.35 and found["p_vs_placebo"] < 0.001
    assert "is sensitive to wm" in verdict("m", "wm", found) and "carton" in verdict("m", "wm", found)
    same = probe_summary(before, after, after.copy(), labels)
    assert "no sensitivity to wm beyond the placebo" in verdict("m", "wm", same)


class CornerNet(nn.Module):
    """Class 0's logit is the red excess in the bottom-right quarter: a planted shortcut."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        corner = x[:, :, x.shape[2] // 2:, x.shape[3] // 2:]
        red = (corner[:, 0] - corner[:, 1:].mean(1)).mean((1, 2))
        return torch.stack([20 * red, torch.zeros_like(red), torch.full_like(red, -1.0)], 1)


def grey_batch(count: int = 12) -> dict[str, np.ndarray]:
    files, data = [], []
    for i in range(count):
        image = np.full((48, 64, 3), 60 + 10 * i, np.uint8)
        image += (RNG.random((48, 64, 1)) * 20).astype(np.uint8)
        buffer = io.BytesIO()
        Image.fromarray(image).save(buffer, format="PNG")
        files.append(f"grey{i:02d}.png")
        data.append(buffer.getvalue())
    files.append("broken.png")
    data.append(b"not an image")
    return {"file": np.array(files, dtype=object), "data": np.array(data, dtype=object),
            "read_error": np.array([""] * len(files), dtype=object)}


def test_a_planted_corner_shortcut_is_found_and_greyscale_is_not():
    model = tiny_image_model(CornerNet(), (32, 32), 3)
    specs = (ProbeSpec("patch", None, {"size": 0.4, "fill": "colour", "colour": "red"}),
             ProbeSpec("greyscale"))
    work = ProbeBatch(model, [s.plain() for s in specs])
    batch = grey_batch()
    columns = gather([work({k: v[:5] for k, v in batch.items()}),
                      work({k: v[5:] for k, v in batch.items()})])
    assert columns["error"][0].startswith("not a usable image")  # broken.png sorts first
    found = summarise(model.name, model.labels, specs, (), columns, (0,), seed=0)
    patch, grey = found["patch"], found["greyscale"]
    assert patch["beats_placebo"] and patch["summary"]["images"] == 12
    assert patch["summary"]["pushed_toward"][0]["index"] == 0
    assert patch["gallery"][0]["file"].startswith("grey")
    assert not grey["beats_placebo"] and "no sensitivity" in grey["verdict"]


def image_folder(folder, count: int = 6):
    folder.mkdir(exist_ok=True)
    for i in range(count):
        Image.fromarray(np.full((64, 64, 3), 30 * i, np.uint8)).save(folder / f"s{i}.png")
    (folder / "notes.txt").write_text("not an image")
    return folder


def test_cli_bad_input_gets_one_line(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    base = ["probe", "--model", "shortcut_cnn", "--probe", "patch"]
    assert cli.main(base + ["--input", str(empty)]) == 2
    assert "no files in" in capsys.readouterr().err
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.png", b"\0" * 30_000_000)
        archive.write(image_folder(tmp_path / "imgs") / "s1.png", "s1.png")
    assert cli.main(base + ["--input", str(bomb), "--json"]) == 0
    out = capsys.readouterr().out
    assert "suspiciously compressed" in out and '"images": 2' in out
    assert cli.main(base + ["--input", str(empty), "--param", "text=x"]) == 2
    assert "no setting text" in capsys.readouterr().err


def test_probe_on_ray_gives_the_local_numbers(tmp_path, ray_cluster):
    from jobs.batch_job import EngineChoice
    from jobs.probe_job import run_probe
    from model_zoo import load_model

    folder = image_folder(tmp_path / "imgs")
    model = load_model("shortcut_cnn")
    specs = (parse_spec("patch"), parse_spec("border"))
    local = run_probe("shortcut_cnn", model.labels, str(folder), specs, ("gradcam",),
                      EngineChoice(threads=1))
    ray = run_probe("shortcut_cnn", model.labels, str(folder), specs, ("gradcam",),
                    EngineChoice("ray", workers=1, batch_size=2))
    assert list(local.columns["file"]) == list(ray.columns["file"])
    for key in local.columns:
        if local.columns[key].dtype != object:
            np.testing.assert_allclose(local.columns[key], ray.columns[key], atol=1e-5)
    assert local.probes["patch"]["verdict"] == ray.probes["patch"]["verdict"]
    assert local.bad_files == ray.bad_files == [("notes.txt", local.bad_files[0][1])]


@pytest.mark.slow
def test_probes_page_runs_the_watermark_on_photos():
    from tests.test_app import run_page

    app = run_page("probes.py")
    assert not app.exception, app.exception
    app.selectbox(key="probe_model").set_value("efficientnet_lite0")
    app.number_input(key="probe_limit").set_value(4)
    app.selectbox(key="probe_source").set_value("Packaged photos, tuning split")
    app.button(key="probe_run").click().run()
    assert not app.exception, app.exception
    verdict = [m.value for m in app.warning] + [m.value for m in app.info]
    assert any("watermark-imagenet-w" in v and "placebo" in v for v in verdict)
    assert len(app.get("imgs")) >= 1 or len(app.get("image")) >= 1


def test_cli_writes_the_report_with_the_gallery(tmp_path, capsys):
    folder = image_folder(tmp_path / "imgs", 4)
    out = tmp_path / "probe.html"
    assert cli.main(["probe", "--model", "shortcut_cnn", "--input", str(folder), "--probe",
                     "border", "--methods", "gradcam", "--watch", "cross", "--out", str(out),
                     "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    found = payload["probes"]["border"]
    assert payload["images"] == 5 and payload["errors"] == 1
    assert found["summary"]["watched"][0]["label"] == "cross"
    assert 0 <= found["map_shares"]["gradcam"]["after"] <= 1
    page = out.read_text()
    assert "Most affected images" in page and page.count("<img") == 4 * 4  # 2 photos + 2 maps


def test_an_uploaded_zip_is_read_in_memory_and_a_bomb_member_is_one_error(tmp_path):
    from explainers.probes.run_memory import zip_batch
    from inputs.zip_dataset import ZipDatasetError

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.png", b"\0" * 30_000_000)
        archive.writestr("ok.png", (tmp_path / "x").write_bytes(b"") or b"png")
    batch = zip_batch(buffer.getvalue(), 10)
    assert list(batch["file"]) == ["big.png", "ok.png"]
    assert "suspiciously compressed" in batch["read_error"][0] and not batch["read_error"][1]
    with pytest.raises(ZipDatasetError, match="not a zip"):
        zip_batch(b"nope", 10)


@pytest.mark.parametrize("box", [(10, 30, 10, 30), (0, 5, 0, 80), (50, 60, 70, 80), (0, 60, 0, 80)])
def test_the_placebo_blurs_only_the_box_yet_equals_a_whole_image_blur(box):
    from explainers.probes.regions import blurred

    image = (np.random.default_rng(1).random((120, 160, 3)) * 255).astype(np.uint8)
    region = np.zeros(image.shape[:2], bool)
    region[box[0] * 2:box[1] * 2, box[2] * 2:box[3] * 2] = True
    whole = np.where(region[..., None], blurred(image), image)
    assert np.array_equal(placebo(image, region).image, whole)
