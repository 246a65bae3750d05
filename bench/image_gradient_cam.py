"""Benchmark of the CAM family, the gradient family and LRP on mobilenet_v2 at 224 px
(chelsea, target 285), each beside the library call a user would otherwise make, at the
same settings, in the same run. Floors come from ``methods.image_floors``.

Floors: one forward+backward for single-pass gradient methods (LRP included); one forward
for Eigen-CAM; one forward plus K batched per-image forwards for Score-CAM (K channels);
samples x batched per-image forward+backward for SmoothGrad; two forward+backwards for
Guided Grad-CAM (a Grad-CAM pass and a guided pass, as captum does too).
"""
from __future__ import annotations

from typing import Callable

import torch

from bench.core import register_suite, row, seconds
from bench.gradcam_vs_captum import gradcam_rows
from bench.methods import IMAGE_BATCH, image_floors
from explainers.image.cam import layer_activations
from explainers.private_copy import private_copy
from explainers.run import explain
from inputs.samples import sample_image
from model_zoo import ImageClassifier, load_model

TARGET = 285
LRP_NOTE = "captum LRP does not apply: it has no rule for ReLU6 or for residual sums"


def library_calls(model: ImageClassifier, x: torch.Tensor, layer: int, samples: int,
                  sigma: float) -> dict[str, tuple[str, Callable[[], object]]]:
    """The libraries' equivalents, each on its own private copy (they hook or mutate it)."""
    from captum.attr import GuidedBackprop, GuidedGradCam, InputXGradient, NoiseTunnel, Saliency
    from pytorch_grad_cam import (EigenCAM, GradCAMPlusPlus, GuidedBackpropReLUModel, LayerCAM,
                                  ScoreCAM)
    from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

    def grad_cam_call(cls, at: int, **settings):
        scratch = private_copy(model.module)
        cam = cls(model=scratch, target_layers=[model.target_layers(scratch)[at]])
        for key, value in settings.items():
            setattr(cam, key, value)
        leaf = x.clone().requires_grad_(True)  # frozen weights: the graph needs a leaf
        return lambda: cam(input_tensor=leaf, targets=[ClassifierOutputTarget(TARGET)])

    def captum_call(make, **kwargs):
        method = make(private_copy(model.module))
        leaf = x.clone().requires_grad_(True)
        return lambda: method.attribute(leaf, target=TARGET, **kwargs)

    guided_lib = GuidedBackpropReLUModel(private_copy(model.module), device="cpu")
    last = model.target_layers
    return {
        "gradcam_pp": ("pytorch-grad-cam GradCAMPlusPlus", grad_cam_call(GradCAMPlusPlus, -1)),
        "layercam": ("pytorch-grad-cam LayerCAM", grad_cam_call(LayerCAM, -1)),
        "eigencam": ("pytorch-grad-cam EigenCAM", grad_cam_call(EigenCAM, -1)),
        "scorecam": ("pytorch-grad-cam ScoreCAM (batch_size 16)",
                     grad_cam_call(ScoreCAM, layer, batch_size=IMAGE_BATCH)),
        "smoothgrad": ("captum NoiseTunnel(Saliency) smoothgrad",
                       captum_call(lambda m: NoiseTunnel(Saliency(m)), nt_type="smoothgrad",
                                   nt_samples=samples, nt_samples_batch_size=IMAGE_BATCH,
                                   stdevs=sigma)),
        "grad_x_input": ("captum InputXGradient", captum_call(InputXGradient)),
        "guided_backprop": ("captum GuidedBackprop", captum_call(GuidedBackprop)),
        "guided_backprop_gc": ("pytorch-grad-cam GuidedBackpropReLUModel",
                               lambda: guided_lib(x.clone(), TARGET)),
        "guided_gradcam": ("captum GuidedGradCam",
                           captum_call(lambda m: GuidedGradCam(m, last(m)[-1]))),
    }


def method_rows(model: ImageClassifier, repeats: int, quick: bool) -> tuple[dict, list[dict]]:
    from inputs.image_io import to_tensor

    image = model.preprocess(to_tensor(sample_image("chelsea")))[0]  # already at 224 px
    x = image[None]
    floors = image_floors(model, x, repeats)
    fb, forward = floors["forward_backward"], floors["forward"]
    per_fb = min(fb, floors["batched_forward_backward_per_image"])
    per_forward = min(forward, floors["batched_forward_per_image"])
    samples, layer = (4, 1) if quick else (25, -1)  # quick: 4 samples, a 16-channel layer
    channels = layer_activations(model, x, TARGET, layer, gradient=False)[0].shape[1]
    noise = 0.15
    sigma = noise * float(x.max() - x.min())
    libraries = library_calls(model, x, layer, samples, sigma)

    def ours(method: str, reps: int = repeats, **params) -> float:
        return seconds(lambda: explain(model, method, image, TARGET, **params), reps)

    def measured(key: str, reps: int = repeats) -> tuple[str, float]:
        name, call = libraries[key]
        return name, seconds(call, reps)

    guided = ours("guided_backprop")
    score_reps = 1 if not quick else repeats  # 1280 masked passes each: one timed call
    rows = [
        row("gradcam_pp", model.name, ours("gradcam_pp"), 1, fb, *measured("gradcam_pp")),
        row("layercam", model.name, ours("layercam"), 1, fb, *measured("layercam")),
        row("eigencam", model.name, ours("eigencam"), 1, forward, *measured("eigencam")),
        row(f"scorecam (layer {layer}, {channels} channels, batch {IMAGE_BATCH})", model.name,
            ours("scorecam", score_reps, layer=layer, batch=IMAGE_BATCH), channels + 1,
            forward + channels * per_forward, *measured("scorecam", score_reps)),
        row(f"smoothgrad ({samples} samples, batch {IMAGE_BATCH})", model.name,
            ours("smoothgrad", noise=noise, samples=samples, batch=IMAGE_BATCH), samples,
            samples * per_fb, *measured("smoothgrad")),
        row("grad_x_input", model.name, ours("grad_x_input"), 1, fb, *measured("grad_x_input")),
        row("guided_backprop", model.name, guided, 1, fb,
            *measured("guided_backprop")),
        row("guided_backprop (vs pytorch-grad-cam)", model.name, guided, 1, fb,
            *measured("guided_backprop_gc")),
        row("guided_gradcam", model.name, ours("guided_gradcam"), 2, 2 * fb,
            *measured("guided_gradcam")),
        row("lrp_epsilon", model.name, ours("lrp_epsilon"), 1, fb)
        | {"library_note": LRP_NOTE},
        row("lrp_zplus", model.name, ours("lrp_zplus"), 1, fb)
        | {"library_note": LRP_NOTE},
        *gradcam_rows(model, image, max(repeats, 5), forward),
    ]
    return floors, rows


@register_suite("image_gradient_cam")
def image_gradient_cam(repeats: int, quick: bool) -> dict:
    floors, rows = method_rows(load_model("mobilenet_v2"), repeats, quick)
    return {"floors": {"mobilenet_v2_224_gradient_cam": floors}, "methods": rows}
