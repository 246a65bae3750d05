"""Benchmark suite of the perturbation methods on mobilenet_v2 at 224 px (chelsea, class 285).

Each method runs at its registry defaults (quick mode: the registry's ``quick`` settings); its floor
is evals x the per-image cost of a batched forward pass; the library a user would otherwise
call runs at the same settings in the same run: captum ``Occlusion``, the ``lime`` package
(same superpixels, same samples), shap's ``Partition`` explainer with an ``Image`` blur
masker. RISE has no maintained library implementation, so it has a floor only.
"""
from __future__ import annotations

import contextlib
import io
from typing import Callable

import numpy as np
import torch

from bench.core import register_suite, row, seconds
from bench.methods import IMAGE_BATCH, image_floors
from explainers.image.lime_image import superpixels
from inputs.image_io import to_tensor
from explainers.registry import explainer_entry
from explainers.run import explain
from inputs.samples import sample_image
from model_zoo import ImageClassifier, load_model

SHOWN = {"occlusion": ("window", "stride"), "lime": ("samples", "segments"),
         "shap": ("max_evals", "blur"), "rise": ("masks", "grid")}  # settings in the row's name
TARGET = 285


def settings(model: ImageClassifier, method: str, quick: bool) -> dict:
    """Registry defaults (its ``quick`` settings in quick mode) at the benchmark's batch."""
    entry = explainer_entry(method)
    return entry.defaults | {"batch": IMAGE_BATCH} | (entry.quick_for(model) if quick else {})


def numpy_logits(model: ImageClassifier, images: np.ndarray) -> np.ndarray:
    """What a user hands lime and shap: NHWC arrays in, logits out, inference mode."""
    with torch.inference_mode():
        return model.module(torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2)
                            .float()).numpy()


def occlusion_library(model: ImageClassifier, x: torch.Tensor, p: dict) -> Callable[[], object]:
    from captum.attr import Occlusion

    occlusion = Occlusion(model.module)
    return lambda: occlusion.attribute(
        x, sliding_window_shapes=(3, p["window"], p["window"]),
        strides=(3, p["stride"], p["stride"]), target=TARGET, baselines=0.0, perturbations_per_eval=p["batch"])


def lime_library(model: ImageClassifier, x: torch.Tensor, p: dict) -> Callable[[], object]:
    from lime.lime_image import LimeImageExplainer

    labels = superpixels(x, p["segments"])
    image = x[0].permute(1, 2, 0).double().numpy()

    def run():
        with contextlib.redirect_stderr(io.StringIO()):  # its progress bar
            return LimeImageExplainer(random_state=0).explain_instance(
                image, lambda batch: numpy_logits(model, batch), labels=(TARGET,),
                top_labels=None, hide_color=None, num_samples=p["samples"],
                batch_size=p["batch"], segmentation_fn=lambda _: labels)

    return run


def shap_library(model: ImageClassifier, x: torch.Tensor, p: dict) -> Callable[[], object]:
    import shap

    height, width = x.shape[-2:]
    masker = shap.maskers.Image(f"blur({p['blur']},{p['blur']})", (height, width, 3))
    explainer = shap.Explainer(lambda batch: numpy_logits(model, batch)[:, TARGET], masker)
    image = x[0].permute(1, 2, 0).numpy()[None]
    return lambda: explainer(image, max_evals=p["max_evals"], batch_size=p["batch"], silent=True)


LIBRARIES = {"occlusion": ("captum Occlusion", occlusion_library),
             "lime": ("lime LimeImageExplainer", lime_library),
             "shap": ("shap Partition + Image blur masker", shap_library)}


@register_suite("image_perturbation")
def image_perturbation(repeats: int, quick: bool) -> dict:
    model = load_model("mobilenet_v2")
    image = model.preprocess(to_tensor(sample_image("chelsea")))[0]  # already at 224 px
    floors = image_floors(model, image[None], repeats)
    per_image = min(floors["forward"], floors["batched_forward_per_image"])
    rows = []
    for method in ("occlusion", "lime", "shap", "rise"):
        p = settings(model, method, quick)
        evals = explain(model, method, image, TARGET, **p).model_evals
        ours = seconds(lambda: explain(model, method, image, TARGET, **p), repeats)
        shown = ", ".join(f"{k} {p[k]}" for k in SHOWN[method])
        library = LIBRARIES.get(method)
        library_seconds = (seconds(library[1](model, image[None], p), repeats) if library
                           else None)
        rows.append(row(f"{method} ({shown})", model.name, ours, evals, evals * per_image,
                        library[0] if library else None, library_seconds))
    return {"floors": {"mobilenet_v2_224_perturbation": floors}, "methods": rows}
