"""Concept image sets for TCAV: generated patterns, a random counterexample pool, a user's zip.

Every generated image is a pure function of (concept, seed, index), like ``inputs.datasets``,
so a concept set is reproducible without being stored. A set is an (N, S, S, 3) uint8 array.
Other modules (the shortcut lab's backgrounds) add concepts with ``register_concept``.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

CONCEPT_SIZE = 128
MIN_IMAGES = 10  # fewer and a held-out CAV accuracy means little (Kim et al. used 50+)
ConceptFn = Callable[[np.random.Generator, int], np.ndarray]  # (rng, size) -> float (S,S,3)


def _grid(size: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Pixel coordinates rotated by a random angle (patterns at any orientation)."""
    y, x = np.mgrid[0:size, 0:size].astype(np.float32)
    angle = rng.uniform(0, np.pi)
    return x * np.cos(angle) + y * np.sin(angle), -x * np.sin(angle) + y * np.cos(angle)


def _two_colours(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    light = rng.uniform(150, 255, 3)
    return light, light * rng.uniform(0.0, 0.35)


def _mix(mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    fg, bg = _two_colours(rng)
    return mask[..., None] * fg + (1 - mask[..., None]) * bg


def striped(rng: np.random.Generator, size: int) -> np.ndarray:
    u, _ = _grid(size, rng)
    period = rng.uniform(6, 18)
    return _mix((np.sin(2 * np.pi * u / period) > 0).astype(np.float32), rng)


def zigzag(rng: np.random.Generator, size: int) -> np.ndarray:
    u, v = _grid(size, rng)
    period, amplitude = rng.uniform(10, 22), rng.uniform(4, 10)
    wave = amplitude * np.abs(((v / period) % 1.0) * 2 - 1)  # triangle wave along the lines
    return _mix((np.sin(2 * np.pi * (u + wave) / period) > 0).astype(np.float32), rng)


def dotted(rng: np.random.Generator, size: int) -> np.ndarray:
    u, v = _grid(size, rng)
    spacing = rng.uniform(10, 20)
    radius = spacing * rng.uniform(0.2, 0.35)
    du, dv = (u % spacing) - spacing / 2, (v % spacing) - spacing / 2
    return _mix((du ** 2 + dv ** 2 <= radius ** 2).astype(np.float32), rng)


def checkered(rng: np.random.Generator, size: int) -> np.ndarray:
    u, v = _grid(size, rng)
    cell = rng.uniform(8, 20)
    return _mix(((np.floor(u / cell) + np.floor(v / cell)) % 2).astype(np.float32), rng)


def solid(rgb: tuple[int, int, int]) -> ConceptFn:
    """A flat colour, jittered a little per image, with sensor-like noise."""

    def make(rng: np.random.Generator, size: int) -> np.ndarray:
        colour = np.clip(np.array(rgb, np.float32) + rng.normal(0, 12, 3), 0, 255)
        return np.broadcast_to(colour, (size, size, 3)).copy()

    return make


def smooth_noise(rng: np.random.Generator, size: int) -> np.ndarray:
    """A blotchy texture: coarse random noise, upsampled (no edges, no pattern)."""
    cells = int(rng.integers(4, 12))
    coarse = rng.uniform(0, 255, (cells, cells, 3))
    index = np.minimum((np.arange(size) * cells) // size, cells - 1)
    return coarse[index][:, index]


CONCEPTS: dict[str, ConceptFn] = {
    "striped": striped, "zigzagged": zigzag, "dotted": dotted, "checkered": checkered,
    "red": solid((210, 40, 40)), "green": solid((60, 170, 70)), "blue": solid((50, 90, 210)),
    "blotchy": smooth_noise,
}


def register_concept(name: str, make: ConceptFn) -> None:
    """Add a generated concept (for example a shortcut background); names are unique."""
    if name in CONCEPTS:
        raise ValueError(f"concept {name!r} registered twice")
    CONCEPTS[name] = make


def concept_image(name: str, seed: int, index: int, size: int = CONCEPT_SIZE) -> np.ndarray:
    """One generated image of ``name``, with mild pixel noise so no two are identical."""
    if name not in CONCEPTS:
        raise ValueError(f"unknown concept {name!r}; choose one of {', '.join(CONCEPTS)}")
    rng = np.random.default_rng([seed, index, sum(name.encode())])
    image = CONCEPTS[name](rng, size) + rng.normal(0, 5, (size, size, 3))
    return np.clip(image, 0, 255).round().astype(np.uint8)


def concept_set(name: str, count: int, seed: int = 0, size: int = CONCEPT_SIZE) -> np.ndarray:
    return np.stack([concept_image(name, seed, i, size) for i in range(count)])


def random_pool(count: int, seed: int = 1000, size: int = CONCEPT_SIZE) -> np.ndarray:
    """Counterexamples: crops of the bundled photos and blotchy noise, half each, seeded.

    No generated pattern but noise is in the pool, so a pattern concept is tested against
    images that do not share it (the random sets of Kim et al. 2018, sec. 3.3).
    """
    from inputs.datasets import sample_crop

    rng = np.random.default_rng(seed)
    images = [sample_crop(seed, i, size)[0] if i % 2 == 0
              else np.clip(smooth_noise(rng, size) + rng.normal(0, 5, (size, size, 3)), 0, 255)
              .round().astype(np.uint8) for i in range(count)]
    return np.stack(images)


def zip_concepts(data: bytes) -> dict[str, np.ndarray]:
    """A user's zip with one folder per concept -> {folder: images}; raises ZipDatasetError."""
    from inputs.zip_dataset import zip_dataset

    dataset, _ = zip_dataset(data)  # items are ITEM_SIZE (128 px) like the generated sets
    return {name: dataset.items[dataset.labels == k] for k, name in enumerate(dataset.label_names)}


def check_set(name: str, images: np.ndarray, minimum: int = MIN_IMAGES) -> None:
    """A clear message when a concept has too few images to fit and test a CAV."""
    if len(images) < minimum:
        raise ValueError(f"concept {name!r} has {len(images)} image(s); TCAV needs at least "
                         f"{minimum} per concept (50 or more is better)")


def photo_crops(name: str, count: int, seed: int = 0, size: int = CONCEPT_SIZE) -> np.ndarray:
    """Random crops and mirrors of one bundled photo: a class's images for TCAV."""
    from inputs.datasets import sample_crop
    from inputs.samples import SAMPLE_IMAGES

    if name not in SAMPLE_IMAGES:
        raise ValueError(f"unknown sample {name!r}; choose one of {', '.join(SAMPLE_IMAGES)}")
    which = SAMPLE_IMAGES.index(name)
    return np.stack([sample_crop(seed, which + len(SAMPLE_IMAGES) * i, size)[0]
                     for i in range(count)])


def _shortcut_background(kind: int) -> ConceptFn:
    """The shortcut lab's background ``kind`` (no object), as a concept (issue 13's data)."""

    def make(rng: np.random.Generator, size: int) -> np.ndarray:
        from inputs.shortcut_data import background

        return background(kind, rng, size) * 255

    return make


def _register_shortcut_backgrounds() -> None:
    from inputs.shortcut_data import BACKGROUNDS

    for kind, name in enumerate(BACKGROUNDS):
        register_concept(f"{name} background", _shortcut_background(kind))


_register_shortcut_backgrounds()
