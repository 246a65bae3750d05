"""Downloads of what the page shows: raw scores as one .npz."""
from __future__ import annotations

import io

import numpy as np


def scores_npz(maps: dict[str, np.ndarray]) -> bytes:
    """Named float32 maps in one compressed .npz (``np.load(f)[name]``)."""
    buffer = io.BytesIO()
    arrays = {name: np.asarray(m, dtype=np.float32) for name, m in maps.items()}
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()
