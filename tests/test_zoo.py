"""The bundled zoo gives genuinely pretrained answers offline; the hub paths load local files."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from model_zoo import (ImageClassifier, TextClassifier, UnknownModelError, load_model,
                       model_entries, probabilities)
from model_zoo.mobilenet_v2 import weights_path
from tests.tiny_models import save_tiny_bert

IMAGE_MODELS = [e.name for e in model_entries("image")]
IMAGENET_MODELS = [e.name for e in model_entries("image") if "ImageNet" in e.title]
CAT_CLASSES = set(range(281, 286))
COFFEE_CLASSES = {967, 968}  # espresso, cup


@pytest.mark.slow
@pytest.mark.parametrize("name", IMAGENET_MODELS)
def test_image_models_see_a_cat_and_coffee(zoo, name, chelsea, coffee):
    model = zoo(name)
    assert len(model.labels) == 1000
    assert int(np.argmax(probabilities(model, chelsea))) in CAT_CLASSES
    assert int(np.argmax(probabilities(model, coffee))) in COFFEE_CLASSES


@pytest.mark.parametrize("text, label", [
    ("I love this so much, what a wonderful and happy day!", "positive"),
    ("This is terrible, I hate it and it ruined everything.", "negative"),
    ("Absolutely amazing service, thank you all!", "positive"),
    ("Worst product ever, a total waste of money.", "negative"),
])
def test_sentiment_model_reads_clear_sentences(zoo, text, label):
    model = zoo("minilm_sentiment")
    assert model.labels[int(np.argmax(probabilities(model, text)))] == label


def test_registry_lists_bundled_models_by_modality():
    names = {e.name for e in model_entries()}
    assert {"mobilenet_v2", "efficientnet_lite0", "minilm_sentiment"} <= names
    assert all(e.modality == "text" for e in model_entries("text"))


def test_unknown_model_names_the_choices():
    with pytest.raises(UnknownModelError, match="mobilenet_v2"):
        load_model("no_such_model")


def test_hf_folder_loads_through_the_real_path(tmp_path):
    folder = save_tiny_bert(tmp_path / "tiny-bert")
    model = load_model(f"hf:{folder}")
    assert isinstance(model, TextClassifier)
    assert model.labels == ("NEG", "POS")
    probs = probabilities(model, "the movie was great")
    assert probs.shape == (2,) and abs(probs.sum() - 1) < 1e-6


def test_hf_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(UnknownModelError, match="cannot load"):
        load_model(f"hf:{tmp_path / 'absent'}")


def test_torchvision_name_loads_from_a_local_cache(tmp_path, monkeypatch, chelsea):
    """The real torchvision path, fed from a TORCH_HOME cache holding the official file."""
    checkpoints = tmp_path / "hub" / "checkpoints"
    checkpoints.mkdir(parents=True)
    shutil.copy(weights_path(), checkpoints / weights_path().name)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    model = load_model("torchvision:mobilenet_v2:IMAGENET1K_V1")
    assert isinstance(model, ImageClassifier)
    assert int(np.argmax(probabilities(model, chelsea))) in CAT_CLASSES
    assert len(model.target_layers(model.module)) >= 10


def test_unknown_torchvision_name_or_weights():
    with pytest.raises(UnknownModelError, match="no classification model"):
        load_model("torchvision:not_a_net")
    with pytest.raises(UnknownModelError, match="IMAGENET1K_V1"):
        load_model("torchvision:mobilenet_v2:NOPE")


def test_torchvision_compat_is_a_noop_once_imported():
    import torchvision  # noqa: F401

    from model_zoo import torchvision_compat

    before = torchvision_compat._library
    torchvision_compat.ensure_torchvision_importable()
    assert torchvision_compat._library is before


@pytest.mark.slow
@pytest.mark.parametrize("name", IMAGE_MODELS)
def test_channels_last_inside_the_model_changes_no_answer(zoo, name, chelsea):
    """Normalize hands the network channels-last tensors (faster convolutions); the logits
    and the input gradient are those of the plain NCHW network."""
    import torch

    from model_zoo.classifier import Normalize

    model = zoo(name)
    if not (isinstance(model.module, torch.nn.Sequential) and isinstance(model.module[0], Normalize)):
        pytest.skip("no Normalize step (an ONNX graph takes its own layout)")
    normalize, network = model.module[0], model.module[1]
    x = model.preprocess(chelsea).requires_grad_(True)
    inside = normalize(x)
    assert inside.is_contiguous(memory_format=torch.channels_last)
    ours = model.module(x)
    plain = network(((x - normalize.mean) / normalize.std).contiguous())
    np.testing.assert_allclose(ours.detach().numpy(), plain.detach().numpy(), rtol=1e-4, atol=1e-4)
    target = min(285, len(model.labels) - 1)
    (grad,) = torch.autograd.grad(ours[0, target], x)
    (plain_grad,) = torch.autograd.grad(plain[0, target], x)
    np.testing.assert_allclose(grad.numpy(), plain_grad.numpy(), atol=1e-4 * float(plain_grad.abs().max()))
