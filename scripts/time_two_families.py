"""Seconds of one map's two-family faithfulness verdict and of each family's own curves
(MobileNetV2, chelsea, Grad-CAM for class 285; the second call, so nothing is loading).

    .venv/bin/python scripts/time_two_families.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from explainers import explain  # noqa: E402
from explainers.metrics.region_perturbation import region_curves  # noqa: E402
from explainers.metrics.road import road_curves  # noqa: E402
from explainers.metrics.two_families import two_families  # noqa: E402
from inputs.image_io import to_tensor  # noqa: E402
from inputs.samples import sample_image  # noqa: E402
from model_zoo import load_model  # noqa: E402

TARGET = 285


def timed(fn) -> float:
    fn()  # the first call builds the folded net and warms the allocator
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    model = load_model("mobilenet_v2")
    image = to_tensor(sample_image("chelsea"))
    scores = explain(model, "gradcam", image, target=TARGET).scores
    for name, fn in [("two families", lambda: two_families(model, image, scores, TARGET)),
                     ("ROAD", lambda: road_curves(model, image, scores, TARGET)),
                     ("region perturbation", lambda: region_curves(model, image, scores,
                                                                   TARGET))]:
        print(f"{name}: {timed(fn):.2f} s")


if __name__ == "__main__":
    main()
