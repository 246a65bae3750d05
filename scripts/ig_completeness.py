"""Integrated Gradients' completeness gap at the page's defaults, image by image.

Run: python scripts/ig_completeness.py [--photos reporting] [--model mobilenet_v2]
Images: the bundled samples (``--photos samples``) or a split of the real photos
(``inputs.photos``: tuning / reporting / all), each explained for the model's top class
with the registered defaults of ``integrated_gradients``. Prints one line per image (path
intervals used, gap |sum of attributions - logit change| as a share of the logit change
from the same baseline, seconds), then the mean intervals and the worst gap.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def images(which: str) -> list[tuple[str, np.ndarray]]:
    if which == "samples":
        from inputs.samples import SAMPLE_IMAGES, sample_image

        return [(n, sample_image(n)) for n in SAMPLE_IMAGES]
    from inputs.photos import photo_name, photo_references, read_photo

    return [(f"{s.name}-{photo_name(ref)}", read_photo(ref)) for s, ref in photo_references(which)]


def main() -> None:
    import torch

    from explainers.metrics.completeness import ig_gap
    from inputs.image_io import to_tensor
    from model_zoo import load_model

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photos", default="samples",
                        choices=("samples", "tuning", "reporting", "all"))
    parser.add_argument("--model", default="mobilenet_v2")
    args = parser.parse_args()
    torch.set_num_threads(1)
    model = load_model(args.model)
    rows = []
    for name, rgb in images(args.photos):
        x = model.preprocess(to_tensor(rgb))[0]
        started = time.perf_counter()
        gap = ig_gap(model, x)
        rows.append((gap.steps, gap.share, time.perf_counter() - started))
        print(f"{name}: {gap.steps} intervals, gap {gap.share:.3%}, {rows[-1][2]:.2f} s",
              flush=True)
    steps, shares, spent = map(np.array, zip(*rows))
    print(f"\n{len(rows)} images: mean {steps.mean():.1f} intervals, {spent.mean():.2f} s; "
          f"mean gap {shares.mean():.3%}, worst {shares.max():.3%}; "
          f"{int((shares >= 0.01).sum())} at or above 1 %")


if __name__ == "__main__":
    main()
