"""The shortcut audit: flags on real trained models, SpRAy on a planted watermark, the steps'
known answers, determinism, the per-batch callable."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from explainers import explain
from explainers.audit import AuditBatch
from explainers.audit.batch_maps import batched_maps
from workflows.audit import run_audit
from explainers.audit.clusters import summarise
from explainers.audit.mask_scores import pointing_hits, relevance_mass_accuracy
from explainers.audit.spray import eigengap, spray
from explainers.audit.swap import swap_effects, swapped_images
from inputs.audit_data import generated_set
from tests.helpers import assert_untouched

AUDIT_ITEMS = 160  # per model; the flags' margins hold from ~100 images up


@pytest.fixture(scope="module")
def other_seed():
    """Held-out images of a seed the thresholds were not set on (they were set on seed 0)."""
    return generated_set("shortcut_biased", AUDIT_ITEMS, seed=1)


@pytest.fixture(scope="module")
def reports(zoo, other_seed):
    return {name: run_audit(zoo(name), other_seed, ("gradcam",), seed=1)
            for name in ("shortcut_cnn", "robust_cnn")}


@pytest.mark.slow
def test_shortcut_model_is_flagged_for_both_classes(reports):
    report = reports["shortcut_cnn"]
    assert report.flagged == ["triangle", "cross"]
    for row in report.rows:
        assert row["gradcam"]["background_share"] > 0.7
        assert row["flip_rate"] > 0.8 and row["accuracy_drop"] > 0.8
        assert any(f.startswith("background") for f in row["flags"])


@pytest.mark.slow
def test_robust_model_is_not_flagged(reports):
    report = reports["robust_cnn"]
    assert report.flagged == []
    for row in report.rows:
        assert row["flip_rate"] < 0.2 and row["accuracy"] > 0.85


@pytest.mark.slow
def test_audit_is_deterministic_for_a_seed(zoo, other_seed, reports):
    again = run_audit(zoo("shortcut_cnn"), other_seed.head(AUDIT_ITEMS), ("gradcam",), seed=1)
    first = reports["shortcut_cnn"]
    assert again.rows == first.rows
    for c, sp in first.spray.items():
        assert np.array_equal(sp.clusters, again.spray[c].clusters)
        np.testing.assert_allclose(sp.coords, again.spray[c].coords)


def planted_maps(n: int = 240, marked_share: float = 0.15, seed: int = 0):
    """Object-like maps (a blob anywhere) and, for a share, a blob in the bottom-right corner."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:64, 0:64]
    marked = rng.random(n) < marked_share
    maps = []
    for is_marked in marked:
        cy, cx = (58, 58) if is_marked else rng.uniform(12, 52, 2)
        r = 3 if is_marked else rng.uniform(6, 12)
        blob = np.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * r ** 2))
        maps.append(blob + rng.uniform(0, 0.05, (64, 64)))
    return np.array(maps, dtype=np.float32), marked


def test_spray_finds_a_planted_watermark_cluster():
    maps, marked = planted_maps()
    result = spray(maps, seed=0)
    summaries = summarise(result, maps, np.arange(len(maps)))
    flagged = [s for s in summaries if s.flagged]
    assert len(flagged) == 1
    members = result.clusters == flagged[0].cluster
    assert marked[members].mean() > 0.9 and members[marked].mean() > 0.9
    assert flagged[0].hot_spot[0] > 0.8 and flagged[0].hot_spot[1] > 0.8


@pytest.mark.slow
def test_spray_finds_the_watermark_in_the_shortcut_models_maps(reports, other_seed):
    """The trained model's maps: a cluster of 'cross' made mostly of watermarked images."""
    sp = reports["shortcut_cnn"].spray[1]
    marks = other_seed.attributes["watermark"][sp.index]
    best = max(marks[sp.clusters == s.cluster].mean() for s in sp.summaries)
    assert best > 0.8


def test_eigengap_counts_disconnected_components():
    values = np.array([0, 0, 0, 0.4, 0.5, 0.6])
    assert eigengap(values, max_clusters=5) == 3


def test_mask_scores_known_answers():
    maps = torch.zeros(2, 4, 4)
    maps[0, 0, 0], maps[0, 3, 3] = 3.0, 1.0  # 3/4 of the mass on the object
    maps[1, 2, 2], maps[1, 0, 0] = 5.0, -9.0  # negative relevance is ignored
    masks = torch.zeros(2, 4, 4, dtype=torch.bool)
    masks[0, 0, 0] = True
    masks[1, 2, 2] = True
    np.testing.assert_allclose(relevance_mass_accuracy(maps, masks).numpy(), [0.75, 1.0])
    assert pointing_hits(maps, masks).tolist() == [True, True]
    assert pointing_hits(-maps, masks).tolist() == [False, False]


def test_swap_keeps_the_object_and_takes_another_class_background():
    data = generated_set("shortcut_biased", 40, seed=2)
    swapped, donors = swapped_images(data.images, data.masks, data.labels, seed=0)
    assert (data.labels[donors] != data.labels).all()
    assert np.array_equal(swapped[data.masks], data.images[data.masks])
    off = ~data.masks[..., None].repeat(3, -1)
    assert np.abs(swapped[off].astype(int) - data.images[off]).mean() > 20
    effects = swap_effects(np.array([0, 0, 1, 1]), np.array([0, 0, 1, 1]), np.array([1, 0, 1, 1]),
                           np.array([0, 1]), 2)
    np.testing.assert_allclose(effects["flip_rate"], [0.5, 0.0])
    np.testing.assert_allclose(effects["accuracy_drop"], [0.5, 0.0])


@pytest.mark.parametrize("method", ["gradcam", "saliency"])
def test_batched_maps_match_the_single_image_method(zoo, method):
    model = zoo("shortcut_cnn")
    data = generated_set("shortcut_neutral", 5, seed=0)
    x = torch.from_numpy(data.images).permute(0, 3, 1, 2).float() / 255
    maps, logits = batched_maps(model, method, x)
    for i in range(5):
        single = explain(model, method, x[i], target=int(logits[i].argmax())).scores
        np.testing.assert_allclose(maps[i].numpy(), single, rtol=1e-4, atol=1e-5)
    assert_untouched(model.module)


def test_audit_batch_is_one_callable_with_numpy_columns(zoo):
    data = generated_set("shortcut_biased", 6, seed=0)
    worker = AuditBatch(zoo("shortcut_vit"), ("gradcam", "vit_rollout"))
    out = worker({"image": data.images, "mask": data.masks, "index": np.arange(6)})
    assert out["index"].tolist() == list(range(6)) and "image" not in out
    assert out["map_gradcam"].shape == out["map_vit_rollout"].shape == (6, 64, 64)
    assert out["predicted"].dtype == np.int64 and ((0 <= out["rma_gradcam"]) & (out["rma_gradcam"] <= 1)).all()
    assert out["hit_vit_rollout"].dtype == bool


@pytest.mark.slow
def test_audit_bench_suite_reports_throughput_against_the_floor():
    from bench import run_benchmarks

    report = run_benchmarks(quick=True, only=["audit"])
    (row,) = report["methods"]
    assert row["model"] == "shortcut_cnn" and row["images_per_second"] > 0
    assert 0 < row["throughput_vs_floor"] and report["audit"]["spray_seconds"] > 0
    assert report["audit"]["images"] == 200
