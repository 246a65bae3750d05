"""The per-batch work of a probe job: one callable class that the local engine and Ray
Data both run (``map_batches`` builds it once per worker and loads the model there).

    in:  file (N,) names, data (N,) bytes, read_error (N,) text   (jobs.sources.ReadFiles)
    out: file, error (text, "" when fine), probs (N, C) float32 of the originals, and per
         probe KEY: probs_KEY, placebo_KEY (N, C), area_KEY (N,) the region's share of the
         image, and per method M: share_M_before_KEY, share_M_after_KEY (N,) the share of
         the map's positive mass inside the region, before and after the edit.

A probe that cannot apply to one image (a patch larger than it) leaves NaN in that image's
columns for that probe and a line in ``error``; the other probes and images go on.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from explainers.audit.batch_maps import batch_maps
from explainers.folded_norms import folded_net
from explainers.probes.regions import placebo
from explainers.probes.registry import ProbeError
from explainers.probes.spec import ProbeSpec
from inputs.image_io import ImageDecodeError, decode_image
from model_zoo import load_model

LONGEST = 512  # probes draw on the photo at this working size (longest side), not the original
# Images per forward pass. Smaller batches run faster on CPU (activations stay in cache and
# the allocator reuses them): 180 inputs on 2 cores took MobileNetV2 1.6 s in chunks of 16
# against 2.7 s in chunks of 64, EfficientNet-Lite0 2.8 s against 6.6 s (docs/probes.md).
CHUNK = 16


def working_size(image: np.ndarray, longest: int = LONGEST) -> np.ndarray:
    from PIL import Image

    if max(image.shape[:2]) <= longest:
        return image
    img = Image.fromarray(image)
    img.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    return np.asarray(img)


class ProbeBatch:
    """Predictions (and map shares) for each image before and after each probe and placebo."""

    def __init__(self, model: str, probes: list[dict], methods: list[str] | None = None,
                 threads: int | None = None, chunk: int = CHUNK) -> None:
        if threads:
            torch.set_num_threads(threads)
        import explainers  # noqa: F401  (registers the methods in a fresh worker process)

        self.model = load_model(model) if isinstance(model, str) else model
        self.specs = [ProbeSpec(p["name"], p.get("preset"), p.get("params", {})) for p in probes]
        self.fns = [s.bound() for s in self.specs]
        self.methods, self.chunk = list(methods or []), chunk

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        names = [str(f) for f in batch["file"]]
        errors = [str(e) for e in batch["read_error"]]
        images: list[np.ndarray | None] = []
        for i, data in enumerate(batch["data"]):
            images.append(self.decode(bytes(data), errors, i) if not errors[i] else None)
        out = {"file": np.array(names, dtype=object)}
        good = [i for i, img in enumerate(images) if img is not None]
        out |= self.measure([images[i] for i in good], good, len(names), errors)
        out["error"] = np.array(errors, dtype=object)
        return out

    @staticmethod
    def decode(data: bytes, errors: list[str], i: int) -> np.ndarray | None:
        try:
            return working_size(decode_image(data))
        except ImageDecodeError as err:
            errors[i] = f"not a usable image: {err}"
            return None

    def measure(self, images: list[np.ndarray], rows: list[int], n: int,
                 errors: list[str]) -> dict[str, np.ndarray]:
        """Every probe and placebo drawn first, then one batched forward over all of them."""
        classes = len(self.model.labels)
        out = {"probs": np.full((n, classes), np.nan, np.float32)}
        if not images:
            return self.empty(out, n, classes)
        drawn = [self.draw(spec.key, fn, images, rows, errors)
                 for spec, fn in zip(self.specs, self.fns)]
        probs = self.forward(images + [img for d in drawn for img in d[1] + d[2]])
        out["probs"][rows] = probs[:len(images)]
        base_maps = self.maps(images, probs[:len(images)])
        start = len(images)
        for spec, (done, edited, controls, regions) in zip(self.specs, drawn):
            stop = start + 2 * len(done)
            out |= self.fill(spec.key, probs[start:stop], done, edited, regions, rows, n,
                             base_maps)
            start = stop
        return out

    def empty(self, out: dict, n: int, classes: int) -> dict[str, np.ndarray]:
        for spec in self.specs:
            for column in self.columns(spec.key, classes, n):
                out[column[0]] = column[1]
        return out

    def columns(self, key: str, classes: int, n: int) -> list[tuple[str, np.ndarray]]:
        cols = [(f"probs_{key}", np.full((n, classes), np.nan, np.float32)),
                (f"placebo_{key}", np.full((n, classes), np.nan, np.float32)),
                (f"area_{key}", np.full(n, np.nan, np.float32))]
        for m in self.methods:
            cols += [(f"share_{m}_{when}_{key}", np.full(n, np.nan, np.float32))
                     for when in ("before", "after")]
        return cols

    def draw(self, key: str, fn, images: list[np.ndarray], rows: list[int],
             errors: list[str]) -> tuple[list[int], list, list, list]:
        """The probe and its placebo on each image; a refusal is that image's error."""
        done, edited, controls, regions = [], [], [], []
        for j, (row, image) in enumerate(zip(rows, images)):
            try:
                probed = fn(image)
            except ProbeError as err:
                errors[row] = "; ".join(filter(None, [errors[row], f"{key}: {err}"]))
                continue
            done.append(j)
            edited.append(probed.image)
            controls.append(placebo(image, probed.region).image)
            regions.append(probed.region)
        return done, edited, controls, regions

    def fill(self, key: str, probs: np.ndarray, done: list[int], edited: list[np.ndarray],
             regions: list[np.ndarray], rows: list[int], n: int,
             base_maps: dict[str, torch.Tensor]) -> dict[str, np.ndarray]:
        """One probe's columns from its share of the forward pass (probed, then placebos)."""
        out = dict(self.columns(key, len(self.model.labels), n))
        if not done:
            return out
        picked = [rows[j] for j in done]
        out[f"probs_{key}"][picked], out[f"placebo_{key}"][picked] = np.split(probs, 2)
        out[f"area_{key}"][picked] = [r.mean() for r in regions]
        after = self.maps(edited, out[f"probs_{key}"][picked])
        for m in self.methods:
            masks = self.region_masks(regions)
            out[f"share_{m}_before_{key}"][picked] = self.share(base_maps[m][done], masks)
            out[f"share_{m}_after_{key}"][picked] = self.share(after[m], masks)
        return out

    def inputs(self, images: list[np.ndarray]) -> torch.Tensor:
        """(N, 3, h, w) in [0, 1] at the model's size: each image resized as uint8 by PIL
        (bilinear, antialiased like ``preprocess``), then one conversion for the batch."""
        from PIL import Image

        height, width = self.model.input_size
        resized = np.stack([np.asarray(Image.fromarray(img).resize(
            (width, height), Image.Resampling.BILINEAR)) for img in images])
        return torch.from_numpy(resized).permute(0, 3, 1, 2).float().div_(255)

    def forward(self, images: list[np.ndarray]) -> np.ndarray:
        """Softmax probabilities, ``chunk`` images per forward pass, through the model with
        its batch norms folded into the convolutions (the same function: explainers/
        folded_norms.py; eval-mode batch norm was 35 % of MobileNetV2's forward here)."""
        net, parts = folded_net(self.model), []
        for start in range(0, len(images), self.chunk):
            with torch.inference_mode():
                logits = net(self.inputs(images[start:start + self.chunk]))
            parts.append(torch.softmax(logits.double(), dim=1).float().numpy())
        return np.concatenate(parts)

    def maps(self, images: list[np.ndarray], probs: np.ndarray) -> dict[str, torch.Tensor]:
        """Each method's maps (N, h, w) at the model's input size, for the top classes."""
        if not self.methods:
            return {}
        x, targets = self.inputs(images), torch.from_numpy(probs.argmax(axis=1))
        return {m: batch_maps(self.model, m, x, targets) for m in self.methods}

    def region_masks(self, regions: list[np.ndarray]) -> torch.Tensor:
        """(N, h, w) each pixel's covered fraction at the model's input size (area average,
        so thin strokes of a watermark are not lost to a threshold)."""
        return torch.cat([F.interpolate(torch.from_numpy(r)[None, None].float(),
                                        size=self.model.input_size, mode="area")[:, 0]
                          for r in regions])

    @staticmethod
    def share(maps: torch.Tensor, masks: torch.Tensor) -> np.ndarray:
        """Share of the map's positive mass inside the region (relevance mass accuracy,
        Arras et al. 2022, eq. 6, with a fractional mask)."""
        positive = maps.float().clamp(min=0).flatten(1)
        inside = (positive * masks.flatten(1)).sum(1)
        return (inside / positive.sum(1).clamp(min=1e-12)).numpy()
