"""Our methods side by side with the library a user would otherwise call (issue 27), one run:
Grad-CAM vs captum LayerGradCam, saliency vs captum Saliency, Integrated Gradients vs captum
IntegratedGradients, occlusion vs captum Occlusion, partition SHAP vs shap's Partition
explainer. MobileNetV2, the chelsea sample at 224 px, class 285; equal settings (the row's
``settings``); repetitions interleaved (ours, theirs, then theirs, ours, ...) so a change in
the machine's load hits both; medians. The JSON carries /proc/loadavg before and after.

Where ours is ahead, the margin is algorithmic and the maps stay equal to the library's
(tests/test_sidebyside.py runs these very calls on a tiny model with batch norms):
- every method runs on the network with its batch norms folded into the convolutions
  (explainers/folded_norms.folded_net): forward 16.4 -> 12.3 ms, forward+backward 48 -> 36 ms,
  a batch of 16 326 -> 189 ms on one thread; the libraries run the model as given;
- Grad-CAM's graph starts at the layer (``captured(leaf=True)``): the forward below it
  records nothing; captum records the layer's gradient through a full-grad forward;
- partition SHAP keeps each coalition as a few rectangles (explainers/image/partition_shap.py)
  instead of shap's flat masks and per-node boolean arrays.
"""
from __future__ import annotations

import contextlib
import io
import statistics
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from bench.core import register_suite, row
from explainers.run import explain, to_image_grid
from model_zoo import ImageClassifier

TARGET = 285
BATCH = 16  # perturbations per forward for both sides (captum's perturbations_per_eval,
# shap's batch_size); the fastest per image on 2 cores (bench/methods.py)


@dataclass(frozen=True)
class Pair:
    """One method and its library peer at equal settings; each call returns its (H, W) map."""

    method: str
    library: str
    settings: dict
    ours: Callable[[], np.ndarray]
    theirs: Callable[[], np.ndarray]


def full_settings(quick: bool) -> dict[str, dict]:
    return {"gradcam": {"layer": -1},
            "saliency": {},
            "integrated_gradients": {"steps": 8 if quick else 50, "baseline": "black",
                                     "adaptive": False, "batch": 8 if quick else 50},
            "occlusion": {"window": 56 if quick else 32, "stride": 56 if quick else 16,
                          "fill": "black", "batch": BATCH},
            "shap": {"max_evals": 32 if quick else 500, "blur": 128, "batch": BATCH}}


def numpy_target(model: ImageClassifier, target: int) -> Callable[[np.ndarray], np.ndarray]:
    """What a shap user hands the explainer: NHWC arrays in, the target's logit out."""
    def scores(images: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            x = torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).float()
            return model.module(x)[:, target].numpy()
    return scores


def pairs(model: ImageClassifier, image: torch.Tensor, target: int,
          settings: dict[str, dict]) -> list[Pair]:
    """The five comparisons on ``image`` (3, H, W) in [0, 1], already at the model's size."""
    from captum.attr import IntegratedGradients, LayerGradCam, Occlusion, Saliency
    import shap

    from explainers.private_copy import private_copy

    x, size = model.preprocess(image), tuple(image.shape[-2:])
    scratch = private_copy(model.module)  # captum's hooks never touch the shared model
    grad_cam = LayerGradCam(scratch, model.target_layers(scratch)[settings["gradcam"]["layer"]])
    ig, occ = settings["integrated_gradients"], settings["occlusion"]
    sh = settings["shap"]
    masker = shap.maskers.Image(f"blur({sh['blur']},{sh['blur']})", (*size, 3))
    partition = shap.Explainer(numpy_target(model, target), masker)
    nhwc = x[0].permute(1, 2, 0).numpy()[None]

    def ours(method: str) -> Callable[[], np.ndarray]:
        return lambda: explain(model, method, image, target, **settings[method]).scores

    return [
        Pair("gradcam", "captum LayerGradCam (relu_attributions, upsampled like ours)",
             settings["gradcam"], ours("gradcam"),
             lambda: to_image_grid(grad_cam.attribute(x, target=target, relu_attributions=True)
                                   [0, 0].detach(), size).numpy()),
        Pair("saliency", "captum Saliency (abs, max over RGB)", {}, ours("saliency"),
             lambda: Saliency(model.module).attribute(x.clone().requires_grad_(True),
                                                      target=target, abs=True)
             .amax(1)[0].numpy()),
        Pair("integrated_gradients", "captum IntegratedGradients (gausslegendre, baseline 0, "
             f"internal_batch_size {ig['batch']}, return_convergence_delta)", ig,
             ours("integrated_gradients"),
             lambda: IntegratedGradients(model.module).attribute(
                 x, baselines=0.0, target=target, n_steps=ig["steps"], method="gausslegendre",
                 internal_batch_size=ig["batch"], return_convergence_delta=True)[0]
             .sum(1)[0].detach().numpy()),
        Pair("occlusion", f"captum Occlusion (perturbations_per_eval {occ['batch']}, "
             "baselines 0)", occ, ours("occlusion"),
             lambda: Occlusion(model.module).attribute(
                 x, sliding_window_shapes=(3, occ["window"], occ["window"]),
                 strides=(3, occ["stride"], occ["stride"]), target=target, baselines=0.0,
                 perturbations_per_eval=occ["batch"])[0, 0].numpy()),
        Pair("shap", f"shap Partition + Image blur masker (batch_size {sh['batch']})", sh,
             ours("shap"),
             lambda: partition(nhwc, max_evals=sh["max_evals"], batch_size=sh["batch"],
                               silent=True).values[0].sum(-1)),
    ]


def interleaved(ours: Callable, theirs: Callable, repeats: int) -> tuple[float, float]:
    """Medians of ``repeats`` timed calls each, alternating which side goes first."""
    ours(), theirs()  # warm-up: copies, folded nets, shap's masker
    times: dict[str, list[float]] = {"ours": [], "theirs": []}
    for i in range(repeats):
        order = [("ours", ours), ("theirs", theirs)][::1 if i % 2 == 0 else -1]
        for side, fn in order:
            with contextlib.redirect_stderr(io.StringIO()):
                start = time.perf_counter()
                fn()
                times[side].append(time.perf_counter() - start)
    return statistics.median(times["ours"]), statistics.median(times["theirs"])


def passes(method: str, settings: dict, forward: float, forward_backward: float,
           side: int) -> tuple[int, float]:
    """(model evaluations, floor seconds): Grad-CAM a forward (its backward is the head's),
    saliency a forward+backward, IG steps of them and two forwards, the perturbation
    methods a forward per evaluation (unbatched: a batch may beat it)."""
    p = settings.get(method, {})
    if method == "gradcam":
        return 1, forward
    if method == "saliency":
        return 1, forward_backward
    if method == "integrated_gradients":
        return p["steps"] + 2, p["steps"] * forward_backward + 2 * forward
    if method == "occlusion":
        evals = ((side - p["window"]) // p["stride"] + 1) ** 2 + 1
        return evals, evals * forward
    return p["max_evals"], p["max_evals"] * forward


def loadavg() -> str:
    try:
        with open("/proc/loadavg") as f:
            return f.read().strip()
    except OSError:
        return "unknown"


@register_suite("sidebyside")
def sidebyside(repeats: int, quick: bool) -> dict:
    from bench.core import seconds
    from explainers.gradients import target_gradient
    from inputs.image_io import to_tensor
    from inputs.samples import sample_image
    from model_zoo import load_model

    model = load_model("mobilenet_v2")
    image = to_tensor(sample_image("chelsea"))
    image = model.preprocess(image)[0]  # at 224 px, as both sides read it
    x = image[None]
    before = loadavg()
    with torch.inference_mode():
        forward = seconds(lambda: model.module(x), repeats)
    floor_fb = seconds(lambda: target_gradient(model.module, x, TARGET), repeats)
    settings = full_settings(quick)
    rows = []
    for pair in pairs(model, image, TARGET, settings):
        ours, theirs = interleaved(pair.ours, pair.theirs, max(repeats, 1))
        shown = ", ".join(f"{k} {v}" for k, v in pair.settings.items())
        evals, floor = passes(pair.method, settings, forward, floor_fb, image.shape[-1])
        r = row(f"sidebyside:{pair.method}" + (f" ({shown})" if shown else ""), model.name,
                ours, evals, floor, pair.library, theirs)
        rows.append(r | {"target_speedup": 1.2, "target_met": r["speedup_vs_library"] >= 1.2})
    return {"floors": {"mobilenet_v2_224_sidebyside": {"forward": forward,
                                                       "forward_backward": floor_fb}},
            "methods": rows,
            "sidebyside": {"loadavg_before": before, "loadavg_after": loadavg(),
                           "torch_threads": torch.get_num_threads(), "repeats": repeats,
                           "interleaved": True, "statistic": "median",
                           "model": "mobilenet_v2", "input": "chelsea 224 px",
                           "target": TARGET, "settings": settings}}
