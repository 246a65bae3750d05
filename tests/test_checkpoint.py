"""Engineers' own checkpoints: safe formats load, pickles never run, misfits are named."""
from __future__ import annotations

import io
import os
import random
import pickle

import numpy as np
import pytest
import torch
from safetensors.torch import save as save_safetensors

from model_zoo import UnknownModelError, probabilities
from model_zoo.checkpoint import CheckpointError, checkpoint_kind, load_checkpoint
from model_zoo.labels import parse_labels

TEN = [f"thing {i}" for i in range(10)]


@pytest.fixture(scope="module")
def state(zoo) -> dict[str, torch.Tensor]:
    """MobileNetV2's official weights as a bare state dict (the zoo wraps the net)."""
    return {k: v.clone() for k, v in zoo("mobilenet_v2").module[1].state_dict().items()}


def torch_bytes(obj) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


class Payload:
    """A pickle whose loading would create a folder: the side effect must never happen."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return os.mkdir, (self.marker,)


@pytest.mark.slow
def test_safetensors_and_pt_give_the_zoo_model_s_answers(state, zoo, chelsea):
    expected = probabilities(zoo("mobilenet_v2"), chelsea)
    for data in (save_safetensors(state), torch_bytes(state),
                 torch_bytes({"state_dict": {f"module.{k}": v for k, v in state.items()},
                              "epoch": 3})):
        model = load_checkpoint("mobilenet_v2", data)
        assert model.name == "checkpoint:mobilenet_v2" and len(model.labels) == 1000
        np.testing.assert_allclose(probabilities(model, chelsea), expected, atol=1e-6)
        assert len(model.target_layers(model.module)) == 19


def test_a_new_head_with_its_labels(state, chelsea):
    head = dict(state)
    head["classifier.1.weight"] = torch.randn(10, 1280)
    head["classifier.1.bias"] = torch.zeros(10)
    model = load_checkpoint("mobilenet_v2", save_safetensors(head), "\n".join(TEN).encode())
    assert model.labels == tuple(TEN)
    assert probabilities(model, chelsea).shape == (10,)
    with pytest.raises(CheckpointError, match="lists 3 names but the checkpoint's head has 10"):
        load_checkpoint("mobilenet_v2", save_safetensors(head), b"a\nb\nc\n")


@pytest.mark.parametrize("make", [
    lambda marker: pickle.dumps(Payload(marker)),
    lambda marker: torch_bytes({"weight": torch.zeros(2), "evil": Payload(marker)}),
])
def test_a_pickle_bomb_is_refused_without_running(make, tmp_path):
    marker = tmp_path / "pwned"
    data = make(str(marker))
    with pytest.raises(CheckpointError, match="refused unopened"):
        load_checkpoint("mobilenet_v2", data)
    assert not marker.exists()


def test_the_pickle_payload_is_real(tmp_path):
    marker = tmp_path / "ran"
    pickle.loads(pickle.dumps(Payload(str(marker))))  # what an unsafe loader would do
    assert marker.exists()


def test_a_mismatch_names_the_first_key_that_does_not_fit(state):
    wrong = dict(state)
    wrong["features.1.conv.0.0.weight"] = torch.zeros(16, 1, 3, 3)
    with pytest.raises(CheckpointError, match=r"'features.1.conv.0.0.weight' has shape "
                                              r"\(16, 1, 3, 3\) in the file but mobilenet_v2 "
                                              r"expects \(32, 1, 3, 3\)"):
        load_checkpoint("mobilenet_v2", save_safetensors(wrong))
    missing = {k: v for k, v in state.items() if not k.startswith("features.18")}
    with pytest.raises(CheckpointError, match=r"'features.18.0.weight' is missing .*and 5 more"):
        load_checkpoint("mobilenet_v2", save_safetensors(missing))
    with pytest.raises(CheckpointError, match="'extra.weight', which mobilenet_v2 does not have"):
        load_checkpoint("mobilenet_v2", save_safetensors({**state, "extra.weight": torch.ones(1)}))
    with pytest.raises(CheckpointError, match="'classifier.1.weight'.*resnet18|'conv1.weight'"):
        load_checkpoint("resnet18", save_safetensors(state))


SEEDED = random.Random(0)  # the same bytes in every test worker (pytest-xdist compares)


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (SEEDED.randbytes(4096), "neither safetensors nor"),
    (b"not a checkpoint at all, just words", "neither safetensors nor"),
    ((200).to_bytes(8, "little") + b"{" + SEEDED.randbytes(300), "safetensors weights file is damaged"),
    (b"PK\x03\x04" + SEEDED.randbytes(500), "torch weights file is damaged"),
    (torch_bytes([1, 2, 3]), "holds no state dict"),
], ids=["empty", "random", "words", "bad-safetensors", "bad-zip", "no-state-dict"])
def test_garbage_bytes_get_a_clear_message(data, message):
    with pytest.raises(CheckpointError, match=message):
        load_checkpoint("mobilenet_v2", data)


def test_format_is_recognised_by_content(state):
    assert checkpoint_kind(save_safetensors({"w": torch.zeros(1)})) == "safetensors"
    assert checkpoint_kind(torch_bytes({"w": torch.zeros(1)})) == "torch"


def test_unknown_architecture():
    with pytest.raises(UnknownModelError, match="unknown architecture"):
        load_checkpoint("not_a_net", save_safetensors({"w": torch.zeros(1)}))


def test_a_torchvision_architecture_with_a_small_head():
    import torchvision.models as tvm

    torch.manual_seed(0)
    net = tvm.get_model("squeezenet1_1", weights=None, num_classes=4)
    model = load_checkpoint("squeezenet1_1", save_safetensors(net.state_dict()),
                            b'{"0": "a", "1": "b", "2": "c", "3": "d"}')
    assert model.labels == ("a", "b", "c", "d") and model.input_size == (224, 224)
    assert len(model.target_layers(model.module)) > 5


@pytest.mark.parametrize("data, message", [
    (b'{"0": "a", "2": "b"}', "without gaps"),
    (b'{"x": "a"}', "indices as keys"),
    (b"[1, 2]", "not text"),
    (b"cat\n\ndog\n", "label 1 is empty"),
    (b"cat\x07\n", "control characters"),
    (b"\xff\xfe", "not UTF-8"),
    (b'["a", ', "not valid json"),
])
def test_bad_labels(data, message):
    with pytest.raises(ValueError, match=message):
        parse_labels(data)


def test_labels_formats():
    assert parse_labels(b"cat\r\ndog\r\n") == ("cat", "dog")
    assert parse_labels(b'["cat", "dog"]') == ("cat", "dog")
    assert parse_labels('\ufeff{"1": "dog", "0": "cat"}'.encode()) == ("cat", "dog")
