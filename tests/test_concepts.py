"""TCAV: concept images, CAVs, the t-test, and a planted concept on a model trained here."""
from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
import torch
from PIL import Image

from explainers.concepts import fit_cav, run_tcav, t_test
from inputs.concept_images import CONCEPTS, concept_set, random_pool, register_concept, zip_concepts
from tests.concept_models import trained_stripe_model
from tests.helpers import assert_untouched


@pytest.fixture(scope="module", params=[0, 1], ids=["seed0", "seed1"])
def planted(request):
    """(seed, model, TimedTcav) for the planted 'striped' concept and a random one."""
    seed = request.param
    torch.set_num_threads(1)  # a busy shared machine: two threads only wait on each other
    model = trained_stripe_model(seed)
    concepts = {"striped": concept_set("striped", 30, seed + 200),
                "random": random_pool(30, seed=3000 + seed)}
    result = run_tcav(model, "block2", 1, concept_set("striped", 30, seed + 100), concepts,
                      random_pool(60, seed=2000 + seed), runs=10, seed=seed)
    return seed, model, result


def test_t_test_on_a_hand_made_case():
    # means 2 and 5, pooled variance 1: t = -3 / sqrt(2/3) = -3.674, 4 df, two-sided p = 0.0213
    result = t_test(np.array([1.0, 2, 3]), np.array([4.0, 5, 6]))
    assert result.p_value == pytest.approx(0.02131, abs=1e-4)
    assert result.significant
    assert not t_test(np.array([1.0, 2, 3]), np.array([1.0, 2, 3])).significant
    assert t_test(np.full(10, 0.5), np.full(10, 0.5)).p_value == 1.0
    assert t_test(np.full(10, 1.0), np.full(10, 0.5)).p_value == 0.0
    with pytest.raises(ValueError, match="at least 2 runs"):
        t_test(np.array([0.5]), np.array([0.4, 0.6]))


def test_cav_fitted_in_the_span_equals_sgd_on_the_full_features():
    from sklearn.linear_model import SGDClassifier
    from sklearn.model_selection import train_test_split

    rng = np.random.default_rng(0)
    concept = rng.normal(0.3, 1, (30, 500))
    random = rng.normal(0.0, 1, (30, 500))
    cav = fit_cav(concept, random, seed=3)
    features = np.concatenate([concept, random])
    features /= np.abs(features).mean()
    labels = np.r_[np.ones(30), np.zeros(30)]
    train, _ = train_test_split(np.arange(60), test_size=0.33, stratify=labels, random_state=3)
    direct = SGDClassifier(alpha=0.01, max_iter=1000, tol=1e-3, random_state=3)
    weights = direct.fit(features[train], labels[train]).coef_[0]
    assert float(cav.vector @ weights / np.linalg.norm(weights)) > 0.9999
    assert cav.accuracy >= 0.8


def test_planted_concept_is_significant_and_a_random_one_is_not(planted):
    seed, _, timed = planted
    striped, random = timed.result.concepts
    assert striped.significant and striped.p_value < 0.01, (seed, striped)
    assert striped.mean > 0.9 and striped.accuracy >= 0.7
    assert not random.significant, (seed, random)
    assert not random.separable and random.accuracy < 0.6
    assert "not a concept" in random.verdict
    assert len(striped.scores) == timed.result.runs == 10
    assert len(striped.highest) == len(striped.lowest) == 5
    assert set(striped.highest).isdisjoint(striped.lowest)


def test_tcav_leaves_the_shared_model_untouched(planted):
    _, model, _ = planted
    before = {k: v.clone() for k, v in model.module.state_dict().items()}
    run_tcav(model, "block2", 1, concept_set("striped", 10, 7), {"dotted": concept_set("dotted", 10)},
             random_pool(20), runs=2)
    assert_untouched(model.module)
    for key, value in model.module.state_dict().items():
        assert torch.equal(value, before[key]), key


def test_too_few_images_get_a_clear_message(planted):
    _, model, _ = planted
    with pytest.raises(ValueError, match=r"concept 'dotted' has 4 image\(s\); TCAV needs at least 10"):
        run_tcav(model, "block2", 1, concept_set("striped", 12), {"dotted": concept_set("dotted", 4)},
                 random_pool(40))
    with pytest.raises(ValueError, match="at least one concept"):
        run_tcav(model, "block2", 1, concept_set("striped", 12), {}, random_pool(40))


def test_concept_images_are_seeded_and_differ():
    a, b = concept_set("zigzagged", 3, seed=5), concept_set("zigzagged", 3, seed=5)
    assert a.shape == (3, 128, 128, 3) and a.dtype == np.uint8
    assert np.array_equal(a, b)
    assert not np.array_equal(a[0], a[1])
    assert not np.array_equal(a, concept_set("zigzagged", 3, seed=6))
    pool = random_pool(6, seed=1)
    assert pool.shape == (6, 128, 128, 3) and np.array_equal(pool, random_pool(6, seed=1))
    with pytest.raises(ValueError, match="unknown concept"):
        concept_set("plaid", 2)


def test_more_concepts_can_be_registered():
    register_concept("test-orange", lambda rng, size: np.full((size, size, 3), (240, 140, 20.0)))
    try:
        image = concept_set("test-orange", 1)[0]
        assert abs(float(image[..., 0].mean()) - 240) < 3
        with pytest.raises(ValueError, match="registered twice"):
            register_concept("test-orange", lambda rng, size: np.zeros((size, size, 3)))
    finally:
        CONCEPTS.pop("test-orange")


def test_zip_of_concept_folders():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for folder, colour in (("sunny", (250, 220, 30)), ("night", (10, 10, 60))):
            for i in range(3):
                png = io.BytesIO()
                Image.fromarray(np.full((40, 50, 3), colour, np.uint8)).save(png, format="PNG")
                archive.writestr(f"{folder}/{i}.png", png.getvalue())
    concepts = zip_concepts(buffer.getvalue())
    assert sorted(concepts) == ["night", "sunny"]
    assert concepts["sunny"].shape == (3, 128, 128, 3)
    assert int(concepts["night"][0, 0, 0, 2]) == 60


def test_shortcut_background_concept_on_shortcut_cnn(zoo):
    """The shortcut lab's CNN learnt the background: 'meadow background' (the triangle class's
    background in the biased training split) is significant for "triangle"; a random set is not."""
    from inputs.shortcut_data import shortcut_dataset, to_uint8

    torch.set_num_threads(1)
    model = zoo("shortcut_cnn")
    images, labels, _, _ = shortcut_dataset("neutral", 160, 0)  # class images on both backgrounds
    concepts = {"meadow background": concept_set("meadow background", 30, 1, size=64),
                "random": random_pool(30, seed=3000, size=64)}
    timed = run_tcav(model, "1.0.2", 0, to_uint8(images[labels == 0])[:40], concepts,
                     random_pool(60, seed=2000, size=64), runs=10)
    meadow, random = timed.result.concepts
    assert meadow.significant and meadow.mean > 0.9 and meadow.accuracy > 0.9, meadow
    assert not random.significant and not random.separable, random
    assert_untouched(model.module)


@pytest.mark.parametrize("seed", [0, 1])
def test_relative_tcav_meadow_against_dunes_on_shortcut_cnn(zoo, seed):
    """Meadow against dunes (relative TCAV): significant for both classes of shortcut_cnn,
    with the sign of its biased training data: toward meadow for triangles (their background
    95% of the time), toward dunes for crosses. Measured 1.0 and 0.0 on seeds 0 and 1."""
    from inputs.shortcut_data import shortcut_dataset, to_uint8

    torch.set_num_threads(1)
    model = zoo("shortcut_cnn")
    images, labels, _, _ = shortcut_dataset("neutral", 160, seed)
    reference = ("dunes background", concept_set("dunes background", 30, 1 + seed, size=64))
    means = []
    for target in (0, 1):
        timed = run_tcav(model, "1.0.2", target, to_uint8(images[labels == target])[:40],
                         {"meadow background": concept_set("meadow background", 30, 1 + seed, size=64)},
                         random_pool(60, seed=2000 + seed, size=64), runs=10, seed=seed,
                         reference=reference)
        (relative,) = timed.result.concepts
        assert relative.concept == "meadow background vs dunes background"
        assert timed.result.against == "dunes background"
        assert relative.significant and relative.accuracy > 0.9, relative
        means.append(relative.mean)
    assert means[0] > 0.8 and means[1] < 0.2, means
    assert_untouched(model.module)


def test_relative_tcav_refuses_a_concept_against_itself(planted):
    _, model, _ = planted
    striped = concept_set("striped", 12)
    with pytest.raises(ValueError, match="with another concept, not with itself"):
        run_tcav(model, "block2", 1, striped, {"striped": striped}, random_pool(40), runs=2,
                 reference=("striped", striped))
    with pytest.raises(ValueError, match=r"concept 'dotted' has 4 image\(s\)"):
        run_tcav(model, "block2", 1, striped, {"striped": striped}, random_pool(40), runs=2,
                 reference=("dotted", concept_set("dotted", 4)))
