"""Several sessions explaining at once on one shared model get their own, correct maps."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from explainers import explain, explainer_entries, explainer_entry
from tests.helpers import assert_untouched, on_one_torch_thread

pytestmark = pytest.mark.slow  # every method from 8 threads on a real model

JOBS = [("gradcam", 285), ("gradcam", 281), ("saliency", 285), ("gradcam", 967),
        ("integrated_gradients", 285), ("saliency", 281), ("gradcam", 282), ("saliency", 967)]


def test_threads_on_one_shared_model_match_sequential_runs(zoo, chelsea, coffee):
    model = zoo("mobilenet_v2")
    images = {285: chelsea, 281: chelsea, 282: chelsea, 967: coffee}
    params = {"integrated_gradients": {"steps": 8, "batch": 8}}

    @on_one_torch_thread
    def run(job):
        method, target = job
        return explain(model, method, images[target], target=target, **params.get(method, {}))

    sequential = [run(job) for job in JOBS]
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(run, JOBS * 2))
    for i, result in enumerate(concurrent):
        expected = sequential[i % len(JOBS)]
        assert result.target == expected.target
        np.testing.assert_allclose(result.scores, expected.scores, rtol=1e-4,
                                   atol=1e-5 * float(np.abs(expected.scores).max()))
    assert_untouched(model.module)


def test_gradcam_maps_differ_between_classes_under_concurrency(zoo, chelsea):
    """Forward hooks must not pick up another thread's activations."""
    model = zoo("mobilenet_v2")
    with ThreadPoolExecutor(max_workers=4) as pool:
        cat, other = pool.map(lambda t: explain(model, "gradcam", chelsea, target=t), [285, 728])
    assert np.corrcoef(cat.scores.ravel(), other.scores.ravel())[0, 1] < 0.99


def test_attention_from_threads_matches_sequential_runs(zoo):
    model = zoo("minilm_sentiment")
    sentences = ["I love it", "this is awful and slow", "the bus leaves at noon",
                 "best day ever, thank you all", "meh"] * 2
    run = on_one_torch_thread(lambda sentence: explain(model, "attention", sentence))
    sequential = [run(s) for s in sentences]
    with ThreadPoolExecutor(max_workers=6) as pool:
        concurrent = list(pool.map(run, sentences))
    for one, other in zip(sequential, concurrent):
        assert one.tokens == other.tokens
        np.testing.assert_allclose(one.scores, other.scores, atol=1e-6)
        np.testing.assert_allclose(one.extras["attentions"], other.extras["attentions"], atol=1e-6)
    assert_untouched(model.module)


@pytest.mark.parametrize("method", [e.name for e in explainer_entries("image")])
def test_every_image_method_from_8_threads_matches_sequential_runs(method, zoo, chelsea, coffee):
    """Registry-driven: a new method is covered with no test edit (the registry's quick
    settings). A method that is random by design only has to agree with itself when
    its sequential runs do."""
    model = zoo("mobilenet_v2")
    if not explainer_entry(method).is_compatible(model):
        pytest.skip(f"{method} does not fit {model.name}")
    params = explainer_entry(method).quick_for(model)
    jobs = [(chelsea, 285), (coffee, 967)] * 4

    @on_one_torch_thread
    def run(job):
        image, target = job
        return explain(model, method, image, target=target, **params)

    sequential = [run(job) for job in jobs[:2]]
    repeatable = np.allclose(run(jobs[0]).scores, sequential[0].scores, atol=1e-6)
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(run, jobs))
    for i, result in enumerate(concurrent):
        expected = sequential[i % 2]
        assert result.target == expected.target and result.scores.shape == expected.scores.shape
        if repeatable:
            np.testing.assert_allclose(result.scores, expected.scores, rtol=1e-4,
                                       atol=1e-5 * float(np.abs(expected.scores).max()))
    assert_untouched(model.module)
