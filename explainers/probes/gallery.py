"""The gallery's pictures: for a few images, the photo before and after a probe, with each
method's map of the top class before and after (at the model's input size)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch.nn.functional as F

from explainers.probes.batch import ProbeBatch
from explainers.probes.spec import ProbeSpec


@dataclass(frozen=True, eq=False)
class GalleryItem:
    file: str
    before: np.ndarray  # (h, w, 3) uint8 at the model's input size
    after: np.ndarray
    region: np.ndarray  # (h, w) float, the covered fraction
    maps_before: dict[str, np.ndarray]  # method -> (h, w)
    maps_after: dict[str, np.ndarray]


def _resized(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.fromarray(image).resize((size[1], size[0]), Image.Resampling.BILINEAR))


def gallery_items(work: ProbeBatch, spec: ProbeSpec, files: list[str],
                  images: list[np.ndarray]) -> list[GalleryItem]:
    """Re-run one probe on ``images`` (already at the working size) with ``work``'s model."""
    fn, size = spec.bound(), work.model.input_size
    probed = [fn(img) for img in images]
    edited = [p.image for p in probed]
    before = work.maps(images, work.forward(images)) if work.methods else {}
    after = work.maps(edited, work.forward(edited)) if work.methods else {}
    regions = work.region_masks([p.region for p in probed]).numpy()
    items = []
    for i, name in enumerate(files):
        items.append(GalleryItem(
            name, _resized(images[i], size), _resized(edited[i], size), regions[i],
            {m: F.relu(v[i]).numpy() for m, v in before.items()},
            {m: F.relu(v[i]).numpy() for m, v in after.items()}))
    return items
