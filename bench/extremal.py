"""Benchmark suite of extremal perturbation on mobilenet_v2 at 224 px (chelsea, class 285).

Each optimisation step is one forward and one backward pass of one masked image, so the
floor is (steps + 1) x the measured forward+backward of one image. No maintained library
implements it for current torch (TorchRay is unmaintained), so it has a floor only.
"""
from __future__ import annotations

from bench.core import register_suite, row, seconds
from bench.image_perturbation import TARGET, settings
from bench.methods import image_floors
from explainers.run import explain
from inputs.image_io import to_tensor
from inputs.samples import sample_image
from model_zoo import load_model


@register_suite("extremal")
def extremal(repeats: int, quick: bool) -> dict:
    model = load_model("mobilenet_v2")
    image = model.preprocess(to_tensor(sample_image("chelsea")))[0]
    floors = image_floors(model, image[None], repeats)
    p = settings(model, "extremal", quick)
    p.pop("batch")  # one image per step: no batch knob
    evals = explain(model, "extremal", image, TARGET, **p).model_evals
    ours = seconds(lambda: explain(model, "extremal", image, TARGET, **p), repeats)
    name = f"extremal ({p['mode']}, area {p['area']}, steps {p['steps']}, grid {p['grid']})"
    return {"floors": {"mobilenet_v2_224_extremal": floors},
            "methods": [row(name, model.name, ours, evals, evals * floors["forward_backward"])]}
