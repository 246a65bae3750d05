"""torchxrayvision's DenseNet-121: the real loading path, with weights the test writes where
the package keeps them; nothing is ever downloaded."""
from __future__ import annotations

import pytest
import torch

from model_zoo import UnknownModelError, load_model

import torchxrayvision as xrv  # noqa: E402  (a run-time requirement: missing, the tests fail)
WEIGHTS = "densenet121-res224-all"


@pytest.fixture
def no_download(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a download was attempted")

    monkeypatch.setattr(xrv.utils, "download", refuse)
    monkeypatch.delenv("XRV_CACHE_DIR", raising=False)


def expected_file(home) -> "Path":  # noqa: F821
    from model_zoo.xrv import weights_file  # noqa: F401  (import path under test)
    import os

    name = os.path.basename(xrv.models.model_urls[WEIGHTS]["weights_url"])
    return home / ".torchxrayvision" / "models_data" / name


@pytest.mark.slow
def test_state_dict_in_the_package_cache_folder(tmp_path, monkeypatch, no_download):
    monkeypatch.setenv("HOME", str(tmp_path))
    torch.manual_seed(0)
    net = xrv.models.DenseNet(num_classes=18)
    path = expected_file(tmp_path)
    path.parent.mkdir(parents=True)
    torch.save(net.state_dict(), path)
    model = load_model(f"xrv:{WEIGHTS}")
    assert model.labels[0] == "Atelectasis" and len(model.labels) == 18
    grey = torch.rand(1, 224, 224)
    with torch.inference_mode():
        expected = net.eval()(((grey * 2 - 1) * 1024)[None])  # xrv.utils.normalize's range
    assert torch.allclose(model.logits(grey.expand(3, -1, -1)), expected, atol=1e-4)
    assert len(model.target_layers(model.module)) == 4


@pytest.mark.slow
def test_whole_model_file_loads_through_the_package(tmp_path, monkeypatch, no_download):
    monkeypatch.setenv("XRV_CACHE_DIR", str(tmp_path))
    net = xrv.models.DenseNet(num_classes=18)
    torch.save(net, tmp_path / expected_file(tmp_path).name)  # the release files' layout
    model = load_model(f"xrv:{WEIGHTS}")
    assert torch.equal(model.module[1].classifier.weight, net.classifier.weight)


def test_missing_weights_say_where_to_put_them(tmp_path, monkeypatch, no_download):
    monkeypatch.setenv("XRV_CACHE_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="nothing is downloaded"):
        load_model(f"xrv:{WEIGHTS}")
    with pytest.raises(UnknownModelError):
        load_model("xrv:no-such-weights")
