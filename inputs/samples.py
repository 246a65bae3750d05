"""Bundled sample images (scikit-image's own files) and sentences."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

SAMPLE_IMAGES = ("chelsea", "coffee", "astronaut", "rocket")
SAMPLE_SENTENCES = (
    "I absolutely love this, it made my whole day wonderful!",
    "This is the worst experience I have ever had, truly awful.",
    "The meeting has been moved to Tuesday at 3pm.",
    "Self-driving cars will never be safe enough for me.",
)


@lru_cache(maxsize=None)
def sample_image(name: str) -> np.ndarray:
    """(H, W, 3) uint8 RGB of a bundled sample; read-only."""
    if name not in SAMPLE_IMAGES:
        raise ValueError(f"unknown sample {name!r}; choose one of {', '.join(SAMPLE_IMAGES)}")
    import skimage.data

    image = np.ascontiguousarray(getattr(skimage.data, name)()[..., :3])
    image.setflags(write=False)
    return image
