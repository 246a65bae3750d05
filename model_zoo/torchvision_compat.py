"""Make ``import torchvision`` work on a CPU-only torch.

Why: the only torchvision build that pairs with torch 2.13.0 (0.28.0) is a CUDA
build. Its C++ operators (``torchvision/_C.so``) fail to load against a CPU-only
torch, and ``torchvision/_meta_registrations.py`` then calls
``register_fake("torchvision::nms")`` on an operator that was never defined, so
the import (and transformers, which imports torchvision) dies. We define the two
schemas it registers fakes for, only when ``_C.so`` cannot load; where the
operators load, this is a no-op. Detection ops (nms, roi_align) stay unusable
on such a build, which our classifiers never call.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import torch

_SCHEMAS = (
    "nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
    "qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
)
_library: torch.library.Library | None = None  # kept alive: dropping it undefines the ops


def _native_ops_load() -> bool:
    spec = importlib.util.find_spec("torchvision")
    if spec is None or not spec.submodule_search_locations:
        return True  # torchvision absent: nothing to patch
    for folder in spec.submodule_search_locations:
        for lib in Path(folder).glob("_C*.so"):
            try:
                torch.ops.load_library(str(lib))
                return True
            except (OSError, ImportError):
                return False
    return False


def ensure_torchvision_importable() -> None:
    """Define torchvision's operator schemas if its native library cannot load."""
    global _library
    if _library is not None or "torchvision" in sys.modules or _native_ops_load():
        return
    _library = torch.library.Library("torchvision", "DEF")
    for schema in _SCHEMAS:
        _library.define(schema)
