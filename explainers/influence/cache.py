"""The training set's gradient factors, computed once and kept in a checksummed file
outside the repository (``~/.cache/xai-dashboard/influence``). A file whose checksum does
not match is rebuilt, never trusted."""
from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path
from typing import Callable

import numpy as np

from explainers.influence.tracin import LastLayerGrads


def cache_root() -> Path:
    base = os.environ.get("XAI_DASHBOARD_CACHE") or Path.home() / ".cache" / "xai-dashboard"
    return Path(base) / "influence"


def _encode(grads: LastLayerGrads) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, errors=grads.errors.astype(np.float32),
             features=grads.features.astype(np.float32))
    return buffer.getvalue()


def _read(path: Path) -> LastLayerGrads | None:
    """The stored factors, or None when the file or its checksum is missing or wrong."""
    checksum = path.with_suffix(".sha256")
    if not (path.is_file() and checksum.is_file()):
        return None
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != checksum.read_text().strip():
        return None
    try:
        with np.load(io.BytesIO(data)) as arrays:
            return LastLayerGrads(arrays["errors"], arrays["features"])
    except (ValueError, KeyError, OSError):
        return None


def cached_grads(key: str, compute: Callable[[], LastLayerGrads],
                 root: Path | None = None) -> tuple[LastLayerGrads, bool]:
    """(factors, whether they came from the cache); ``key`` names model weights and data."""
    path = (root or cache_root()) / f"{key}.npz"
    stored = _read(path)
    if stored is not None:
        return stored, True
    grads = compute()
    data = _encode(grads)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    path.with_suffix(".sha256").write_text(hashlib.sha256(data).hexdigest())
    return _read(path) or grads, False
