"""A model's weights digest, for reports: SHA-256 over its state dict in name order."""
from __future__ import annotations

import hashlib
import weakref

from torch import nn

_DIGESTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # shared models: once each


def weights_sha256(module: nn.Module) -> str:
    """SHA-256 of every parameter and buffer (name, dtype, shape, bytes), sorted by name."""
    if module not in _DIGESTS:
        digest = hashlib.sha256()
        for name, tensor in sorted(module.state_dict().items()):
            digest.update(f"{name}|{tensor.dtype}|{tuple(tensor.shape)}|".encode())
            digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
        _DIGESTS[module] = digest.hexdigest()
    return _DIGESTS[module]


def software_version() -> str:
    """The dashboard's git commit where known, and the library versions that shape a map."""
    import subprocess
    from pathlib import Path

    import captum
    import torch

    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=5, cwd=Path(__file__).parent).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"dashboard {commit or 'unknown commit'}, torch {torch.__version__}, captum {captum.__version__}"
