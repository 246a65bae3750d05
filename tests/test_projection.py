"""Projections: data sets, pooled extraction, PCA/t-SNE/UMAP shapes and seeds, zip safety."""
from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest
from PIL import Image

from components.projection_figure import hover_texts, projection_figure
from inputs import datasets as ds
from explainers.global_views.extraction import extract
from explainers.global_views.layers import projection_layer_names
from explainers.global_views.projection import project
from inputs.zip_dataset import ZipDatasetError, zip_dataset
from inputs.sources import image_from_source
from tests.helpers import assert_untouched


def test_shapes_are_reproducible_labelled_and_carry_the_shortcut():
    data = ds.load_dataset("shapes", 300)
    assert data.items.shape == (300, ds.SHAPES_SIZE, ds.SHAPES_SIZE, 3)
    assert set(np.unique(data.labels)) == {0, 1, 2}
    background = data.attributes["background"][1]
    assert 0.7 < (background == data.labels).mean() < 0.95  # the 80% shortcut
    assert np.array_equal(ds.load_dataset("shapes", 10).items, data.items[:10])
    assert np.array_equal(image_from_source("dataset:shapes:17"), data.items[17])
    # the shape is drawn where it says: a circle's centre pixel has the fill colour
    with pytest.raises(ValueError, match="unknown data set"):
        ds.load_dataset("mnist")


def test_samples_and_tweets():
    crops = ds.load_dataset("samples", 8)
    assert crops.items.shape == (8, ds.SAMPLE_CROP, ds.SAMPLE_CROP, 3)
    assert list(crops.labels) == [0, 1, 2, 3, 0, 1, 2, 3]
    assert np.array_equal(image_from_source(crops.sources[5]), crops.items[5])
    tweets = ds.load_dataset("tweets", 30)
    assert len(tweets.items) == 30 and all(isinstance(t, str) and t for t in tweets.items)
    assert tweets.label_names == ("negative", "neutral", "positive")
    assert ds.load_dataset("tweets", 30).items == tweets.items


@pytest.mark.slow
def test_image_extraction_pools_batches_alike_and_leaves_the_model_untouched(zoo):
    model = zoo("mobilenet_v2")
    data = ds.load_dataset("shapes", 12)
    whole = extract(model, data, "1.features.18", batch=12)
    pieces = extract(model, data, "1.features.18", batch=5)
    assert whole.features.shape == (12, 1280)
    np.testing.assert_allclose(whole.features, pieces.features, rtol=1e-4, atol=1e-4)
    assert np.array_equal(whole.predicted, pieces.predicted)
    assert ((0 < whole.confidence) & (whole.confidence <= 1)).all()
    logits = extract(model, data, "logits", batch=12)
    assert logits.features.shape == (12, 1000)
    assert np.array_equal(logits.features.argmax(1), whole.predicted)
    assert_untouched(model.module)


def test_text_extraction_keeps_the_data_set_order(zoo):
    model = zoo("minilm_sentiment")
    data = ds.load_dataset("tweets", 9)
    layer = projection_layer_names(model)[-2]
    batched = extract(model, data, layer, batch=4)  # sorted by length inside, padded
    alone = ds.Dataset("one", "text", data.items[3:4], data.labels[3:4], data.label_names)
    np.testing.assert_allclose(batched.features[3], extract(model, alone, layer).features[0],
                               atol=1e-4)
    assert batched.features.shape == (9, 384)
    with pytest.raises(ValueError, match="reads texts"):
        extract(model, ds.load_dataset("shapes", 2), layer)


@pytest.mark.slow
@pytest.mark.parametrize("method", ["pca", "tsne", "umap"])
def test_projection_shapes_and_seed_determinism(method):
    features = np.random.default_rng(0).normal(size=(40, 60)).astype(np.float32)
    features[:20] += 3  # two clusters
    coords = project(features, method, 2, seed=1).coords
    assert coords.shape == (40, 2) and np.isfinite(coords).all()
    assert np.array_equal(coords, project(features, method, 2, seed=1).coords)
    assert project(features, method, 3, seed=1).coords.shape == (40, 3)
    centre_gap = np.linalg.norm(coords[:20].mean(0) - coords[20:].mean(0))
    spread = coords[:20].std(0).mean() + coords[20:].std(0).mean()
    assert centre_gap > spread  # the two clusters stay apart


def test_projection_refuses_bad_settings():
    x = np.random.default_rng(0).normal(size=(4, 3))
    with pytest.raises(ValueError, match="unknown projection"):
        project(x, "isomap")
    with pytest.raises(ValueError, match="2 or 3"):
        project(x, "pca", 4)
    with pytest.raises(ValueError, match="at least 5"):
        project(x, "tsne")
    assert project(x, "pca", 3).coords.shape == (4, 3)


def png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 30), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def zipped(members: dict[str, bytes], compression=zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_of_class_folders_reads_in_memory(monkeypatch):
    def no_extraction(*_args, **_kwargs):
        raise AssertionError("nothing may be extracted to disk")

    monkeypatch.setattr(zipfile.ZipFile, "extract", no_extraction)
    monkeypatch.setattr(zipfile.ZipFile, "extractall", no_extraction)
    data = zipped({"set/cat/1.png": png((200, 0, 0)), "set/cat/2.png": png((190, 0, 0)),
                   "set/dog/1.png": png((0, 0, 200)), "set/dog/broken.png": b"not an image",
                   "set/readme.txt": b"hello", "__MACOSX/set/._1.png": b"junk"})
    dataset, skipped = zip_dataset(data)
    assert skipped == 1 and dataset.label_names == ("cat", "dog")
    assert list(dataset.labels) == [0, 0, 1] and dataset.items.shape[1:] == (128, 128, 3)
    assert image_from_source(dataset.sources[2])[0, 0].tolist() == [0, 0, 200]


@pytest.mark.parametrize("members, message", [
    ({"../evil/1.png": png((0, 0, 0))}, "unsafe path"),
    ({"/abs/1.png": png((0, 0, 0))}, "unsafe path"),
    ({"loose.png": png((0, 0, 0))}, "one folder per class"),
    ({"a/notes.txt": b"x"}, "no images"),
])
def test_zip_refuses_unsafe_or_unusable_archives(members, message):
    with pytest.raises(ZipDatasetError, match=message):
        zip_dataset(zipped(members))


def test_zip_bomb_and_garbage_are_refused():
    bomb = zipped({"a/bomb.png": b"\0" * (30 * 2**20)}, zipfile.ZIP_DEFLATED)
    assert len(bomb) < 100_000
    with pytest.raises(ZipDatasetError, match="too large or suspiciously compressed"):
        zip_dataset(bomb)
    with pytest.raises(ZipDatasetError, match="not a zip"):
        zip_dataset(b"PK\x03\x04 definitely not")


def test_hover_text_is_escaped_and_figures_pick_their_trace_type():
    texts = hover_texts(["<b>cat</b>"], ["dog"], np.array([0.5]), ("<script>x</script>",))
    assert "<b>cat" not in texts[0] and "&lt;script&gt;" in texts[0]
    coords = np.random.default_rng(0).normal(size=(2000, 3)).astype(np.float32)
    labels = ["a", "b"] * 1000
    hover = [""] * 2000
    flat = projection_figure(coords[:, :2], hover, categories=labels)
    assert [t.type for t in flat.data] == ["scattergl", "scattergl"]
    assert sorted(i for t in flat.data for (i,) in t.customdata) == list(range(2000))
    assert projection_figure(coords[:50], hover[:50], values=np.ones(50)).data[0].type == "scatter3d"
    assert projection_figure(coords[:50, :2], hover[:50], categories=labels[:50]).data[0].type == "scatter"


@pytest.mark.slow
def test_cli_project_writes_html_and_json(tmp_path):
    from tests.test_cli import cli

    out = tmp_path / "projection.html"
    run = cli("project", "--model", "mobilenet_v2", "--dataset", "shapes", "--size", "16",
              "--method", "pca", "--dims", "3", "--out", str(out), "--json")
    assert run.returncode == 0, run.stderr
    payload = json.loads(run.stdout)
    assert payload["items"] == 16 and len(payload["coords"]) == 16 and len(payload["coords"][0]) == 3
    page = out.read_text()
    assert "plotly_hover" in page and "data:image/jpeg;base64," in page
    bad = cli("project", "--model", "mobilenet_v2", "--dataset", "mnist")
    assert bad.returncode == 2 and bad.stderr.startswith("error:")
