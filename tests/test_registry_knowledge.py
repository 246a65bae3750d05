"""What the method registry knows so tests, benchmarks and pages need no per-method lists."""
from __future__ import annotations

import inspect

import pytest

from explainers import explainer_entries, explainer_entry, providing
from tests.image_method_models import conv_model


@pytest.mark.parametrize("entry", explainer_entries(), ids=lambda e: e.name)
def test_quick_settings_and_choices_name_real_parameters(entry):
    assert set(entry.quick) <= set(entry.defaults), entry.name
    assert set(entry.choices) | set(entry.model_choices) <= set(entry.defaults), entry.name
    params = inspect.signature(entry.fn).parameters
    assert set(entry.defaults) <= set(params), entry.name


def test_every_method_with_a_layer_offers_the_model_s_layers_by_name():
    model = conv_model(0)  # two CAM layers: features.0 and features.1
    with_layer = [e for e in explainer_entries("image") if "layer" in e.defaults]
    assert {"gradcam", "gradcam_pp", "layercam", "eigencam", "scorecam"} <= {
        e.name for e in with_layer}
    for entry in (e for e in with_layer if e.is_compatible(model)):
        assert entry.choices_for(model)["layer"] == {0: "features.0", 1: "features.1"}
        assert entry.defaults_for(model)["layer"] == 1  # -1: the last, as an index


def test_quick_settings_can_depend_on_the_model(zoo):
    assert explainer_entry("scorecam").quick_for(conv_model(0))["layer"] == -1
    assert explainer_entry("scorecam").quick_for(zoo("mobilenet_v2"))["layer"] == 1


def test_pages_find_attention_views_by_what_methods_provide(zoo):
    text = zoo("minilm_sentiment")
    assert providing(text, "attentions").name == "attention"
    assert providing(text, "rollout").name == "attention_rollout"
    assert providing(conv_model(0), "attentions") is None
