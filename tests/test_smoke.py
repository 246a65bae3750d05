"""Registry-driven: every model x every method, with no edit when either registry grows.

Each method runs at its registry ``quick`` settings. A compatible pair must give a finite
float32 map of the right shape for the requested target, leave no hooks and not touch the
input; an incompatible pair must be refused.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

from explainers import IncompatibleError, explain, explainer_entries
from explainers.method_names import entry_for
from model_zoo import load_model, model_entries, probabilities
from tests.helpers import assert_untouched
from tests.tiny_models import save_tiny_bert

pytestmark = pytest.mark.slow  # every bundled model x every method

SENTENCE = "The plot was very good, but the ending felt awful!"
MODELS = [e.name for e in model_entries()] + ["hf:tiny-bert"]
METHODS = [e.name for e in explainer_entries()]


@pytest.fixture(scope="module")
def tiny_bert_folder(tmp_path_factory):
    return save_tiny_bert(tmp_path_factory.mktemp("hub") / "tiny-bert")


@pytest.fixture
def model_named(zoo, tiny_bert_folder):
    def get(name: str):
        return load_model(f"hf:{tiny_bert_folder}") if name == "hf:tiny-bert" else zoo(name)

    return get


def fitting_variant(method: str, model):
    """The registered variant ``method`` stands for on ``model``, or None when none fits."""
    try:
        return entry_for(method, model)
    except IncompatibleError:
        return None


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("model_name", MODELS)
def test_every_model_and_method(model_name, method, model_named, chelsea):
    model = model_named(model_name)
    entry = next(e for e in explainer_entries() if e.name == method)
    data = chelsea.clone() if model.modality == "image" else SENTENCE
    if not entry.is_compatible(model):
        variant = fitting_variant(method, model)  # one name per idea: integrated_gradients
        if variant is None:                       # on a text model means its text variant
            with pytest.raises(IncompatibleError):
                explain(model, method, data)
            return
        assert variant.modality == model.modality and variant.name != method
        entry, method = variant, variant.name
    target = int(np.argsort(-probabilities(model, data))[1])  # not the top class
    before = data.clone() if isinstance(data, torch.Tensor) else data
    result = explain(model, method, data, target=target, **entry.quick_for(model))
    assert result.target == target and result.method == method
    assert result.scores.dtype == np.float32 and np.isfinite(result.scores).all()
    assert np.abs(result.scores).max() > 0
    if model.modality == "image":
        assert result.scores.shape == tuple(chelsea.shape[-2:])
        assert torch.equal(data, before)
    else:
        assert result.scores.shape == (len(result.tokens),)
    assert_untouched(model.module)
    assert result.seconds > 0 and result.model_evals >= 1
