"""Where an image comes from: an upload's bytes, or a named source such as ``sample:chelsea``.

Pages and caches pass sources around as bytes or short strings (cheap to hash); this module
turns one into an RGB array. A new kind of named source (a generated data set, say)
registers its prefix with ``register_image_source``.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from inputs.image_io import LoadedImage, load_image
from inputs.mnist import digit_sample
from inputs.samples import sample_image

ImageSource = bytes | str
_RESOLVERS: dict[str, Callable[[str], np.ndarray]] = {"sample": sample_image,
                                                      "digit": digit_sample}


def register_image_source(prefix: str, resolve: Callable[[str], np.ndarray]) -> None:
    """Make ``"PREFIX:rest"`` resolve to ``resolve("rest")``, an (H, W, 3) uint8 array."""
    _RESOLVERS[prefix] = resolve


def load_source(source: ImageSource) -> LoadedImage:
    """RGB plus the loader's notes for upload bytes or a ``prefix:name`` string."""
    if isinstance(source, (bytes, bytearray)):
        return load_image(bytes(source))
    prefix, sep, rest = source.partition(":")
    if not sep or prefix not in _RESOLVERS:
        raise ValueError(f"unknown image source {source!r}")
    return LoadedImage(rgb=np.array(_RESOLVERS[prefix](rest)), format=prefix)


def image_from_source(source: ImageSource) -> np.ndarray:
    """(H, W, 3) uint8 RGB for upload bytes or a ``prefix:name`` string."""
    return load_source(source).rgb
