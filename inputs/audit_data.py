"""The images an audit runs on: a generated shortcut split, or a user's zip plus masks.

An ``AuditSet`` holds uint8 images (N, S, S, 3), labels, class names, optional bool masks
(N, S, S) and, per item, a ``dataset:NAME:i`` source the image page can open (empty when
the item cannot be reopened, e.g. a generated split with a seed other than 0).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from inputs.shortcut_data import CLASSES, SPLITS, shortcut_dataset, to_uint8

GENERATED_PREFIX = "shortcut_"


@dataclass(frozen=True, eq=False)
class AuditSet:
    name: str
    images: np.ndarray
    labels: np.ndarray
    label_names: tuple[str, ...]
    masks: np.ndarray | None = None
    sources: tuple[str, ...] = ()
    attributes: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.labels)

    def head(self, count: int | None) -> "AuditSet":
        """The first ``count`` items (all when None)."""
        if count is None or count >= len(self):
            return self
        return AuditSet(self.name, self.images[:count], self.labels[:count], self.label_names,
                        None if self.masks is None else self.masks[:count],
                        self.sources[:count], {k: v[:count] for k, v in self.attributes.items()})


def generated_names() -> list[str]:
    return [GENERATED_PREFIX + split for split in SPLITS]


def generated_set(name: str, count: int, seed: int = 0) -> AuditSet:
    """``shortcut_biased`` / ``_swapped`` / ``_neutral``: held-out images (seed 0 by default;
    the models were trained on seed 1000), with exact masks and the shortcut attributes."""
    split = name.removeprefix(GENERATED_PREFIX)
    if not name.startswith(GENERATED_PREFIX) or split not in SPLITS:
        raise ValueError(f"unknown data set {name!r}; choose one of {', '.join(generated_names())}"
                         " or a zip of class folders")
    images, labels, masks, attrs = shortcut_dataset(split, count, seed)
    sources = tuple(f"dataset:{name}:{i}" if seed == 0 else "" for i in range(count))
    return AuditSet(name, to_uint8(images), labels, CLASSES, masks, sources, attrs)
