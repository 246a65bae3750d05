"""torchxrayvision's DenseNet-121 chest X-ray models (Cohen et al. 2022), loaded offline.

``xrv:WEIGHTS`` (e.g. ``xrv:densenet121-res224-all``) builds the package's DenseNet with the
weight file torchxrayvision would download, looked up by the same file name in its cache
folder (``~/.torchxrayvision/models_data``, or ``$XRV_CACHE_DIR``). Nothing is downloaded here:
a missing file is an error that says where to put it. The model's own normalisation maps
grey [0, 1] to [-1024, 1024] (``xrv.utils.normalize``) inside the module, so explainers work
in [0, 1] pixel space like for every other model. Outputs are the 18 pathology logits; the
package's sigmoid and operating-point calibration are left out (the maps explain logits).
"""
from __future__ import annotations

import os
import pickle
from pathlib import Path

import torch
from torch import nn

from model_zoo.classifier import ImageClassifier, freeze
from model_zoo.errors import UnknownModelError
from model_zoo.registry import register_loader
from model_zoo.torchvision_compat import ensure_torchvision_importable

PREFIX = "xrv:"
INPUT_SIZE = (224, 224)
XRV_RANGE = 1024.0


class XrvInput(nn.Module):
    """(N, 3, H, W) grey in [0, 1] -> (N, 1, H, W) in [-1024, 1024], as xrv.utils.normalize."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x.mean(dim=1, keepdim=True) * 2 - 1) * XRV_RANGE


def cache_folder() -> Path:
    import torchxrayvision as xrv

    return Path(os.environ.get("XRV_CACHE_DIR") or xrv.utils.get_cache_dir()).expanduser()


def weights_file(weights: str) -> Path:
    """Where torchxrayvision keeps the file for ``weights``; never fetched from here."""
    import torchxrayvision as xrv

    if weights not in xrv.models.model_urls or not weights.startswith("densenet"):
        known = ", ".join(k for k in xrv.models.model_urls if k.startswith("densenet"))
        raise UnknownModelError(f"torchxrayvision has no DenseNet weights {weights!r}; choose {known}")
    path = cache_folder() / os.path.basename(xrv.models.model_urls[weights]["weights_url"])
    if not path.is_file():
        raise FileNotFoundError(f"torchxrayvision weights {weights!r} are not on this machine: "
                                f"put {path.name} in {path.parent} (nothing is downloaded here)")
    return path


def _state_dict(weights: str, path: Path) -> dict[str, torch.Tensor]:
    """A saved state dict; the release files are whole pickled models, which only the
    package's own loader reads (it runs pickle code, so only for a file the user put there)."""
    import torchxrayvision as xrv

    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        return xrv.models.DenseNet(weights=weights, cache_dir=str(path.parent)).state_dict()
    return state.get("state_dict", state) if isinstance(state, dict) else state.state_dict()


def densenet_blocks(module: nn.Module) -> list[nn.Module]:
    """The four dense blocks; the last (1024 channels, 7x7 at 224 px) is the CAM layer."""
    features = module[1].features
    return [getattr(features, f"denseblock{i}") for i in range(1, 5)]


def load_xrv(weights: str) -> ImageClassifier:
    ensure_torchvision_importable()
    import torchxrayvision as xrv

    path = weights_file(weights)
    labels = tuple(xrv.models.model_urls[weights]["labels"])
    net = xrv.models.DenseNet(weights=None, num_classes=len(labels))
    state = {k: v for k, v in _state_dict(weights, path).items() if k != "op_threshs"}
    net.load_state_dict(state)
    module = freeze(nn.Sequential(XrvInput(), net))
    return ImageClassifier(name=f"{PREFIX}{weights}", module=module,
                           labels=tuple(label or "(unused)" for label in labels),
                           input_size=INPUT_SIZE, target_layers=densenet_blocks,
                           source=f"torchxrayvision {xrv.__version__}, {path.name}")


register_loader(PREFIX, lambda reference: load_xrv(reference[len(PREFIX):]),
                summary="`xrv:WEIGHTS` (e.g. `xrv:densenet121-res224-all`): torchxrayvision's "
                        "chest X-ray DenseNet-121, 18 pathology logits; the weight file must "
                        "already be in its cache folder (`~/.torchxrayvision/models_data` or "
                        "`$XRV_CACHE_DIR`), nothing is downloaded")
