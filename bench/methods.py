"""Benchmark suites of the local explanation methods on mobilenet_v2 and minilm_sentiment.

Floors: one forward, one forward+backward (input gradient), and the per-image cost of
batched forward(+backward) passes. A method's floor is what its model evaluations must
cost at least; its ratio is seconds / floor.
"""
from __future__ import annotations

import torch

from bench.core import register_suite, row, seconds
from explainers.gradients import target_gradient
from explainers.private_copy import private_copy
from explainers.registry import explainer_entry
from explainers.run import explain
from inputs.samples import sample_image
from explainers.text.integrated_gradients import baseline_ids
from model_zoo import ImageClassifier, TextClassifier, load_model

SENTENCE_32 = ("honestly the new phone is fast and the camera is great but the battery dies "
               "before lunch and support never answered my emails so I am returning it today.")


# The batch our image IG uses (16: the fastest per image on 2 cores among 1..50); the
# floors and captum's internal batch are measured at the same size.
IMAGE_BATCH: int = explainer_entry("integrated_gradients").defaults["batch"]


def image_floors(model: ImageClassifier, x: torch.Tensor, repeats: int) -> dict[str, float]:
    batch = x.expand(IMAGE_BATCH, -1, -1, -1).contiguous()

    def forward(inputs):
        with torch.inference_mode():
            return model.module(inputs)

    return {
        "forward": seconds(lambda: forward(x), repeats),
        "forward_backward": seconds(lambda: target_gradient(model.module, x, 0), repeats),
        "batched_forward_per_image": seconds(lambda: forward(batch), repeats) / IMAGE_BATCH,
        "batched_forward_backward_per_image":
            seconds(lambda: target_gradient(model.module, batch, 0), repeats) / IMAGE_BATCH,
    }


def image_rows(model: ImageClassifier, repeats: int, steps: int) -> tuple[dict, list[dict]]:
    from captum.attr import IntegratedGradients, Saliency
    from pytorch_grad_cam import GradCAM
    from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

    from inputs.image_io import to_tensor

    image = model.preprocess(to_tensor(sample_image("chelsea")))[0]  # already at 224 px
    x, target = image[None], 285
    floors = image_floors(model, x, repeats)
    fb = floors["forward_backward"]
    per_eval = min(fb, floors["batched_forward_backward_per_image"])
    per_forward = min(floors["forward"], floors["batched_forward_per_image"])

    scratch = private_copy(model.module)
    with GradCAM(model=scratch, target_layers=[model.target_layers(scratch)[-1]]) as cam:
        x_grad = x.clone().requires_grad_(True)  # our weights are frozen; it needs a graph
        grad_cam_lib = seconds(
            lambda: cam(input_tensor=x_grad, targets=[ClassifierOutputTarget(target)]), repeats)
    saliency_lib = Saliency(model.module)
    x_leaf = x.clone().requires_grad_(True)  # as a user would pass it; captum warns otherwise
    ig_lib = IntegratedGradients(model.module)
    rows = [
        row("gradcam", model.name, seconds(lambda: explain(model, "gradcam", image, target), repeats),
            1, fb, "pytorch-grad-cam GradCAM", grad_cam_lib),
        row("saliency", model.name,
            seconds(lambda: explain(model, "saliency", image, target), repeats), 1, fb,
            "captum Saliency", seconds(lambda: saliency_lib.attribute(x_leaf, target=target, abs=True),
                                       repeats)),
        row(f"integrated_gradients ({steps} steps)", model.name,
            seconds(lambda: explain(model, "integrated_gradients", image, target, steps=steps,
                                    batch=IMAGE_BATCH), repeats),
            steps + 2, steps * per_eval + 2 * per_forward,
            "captum IntegratedGradients",
            seconds(lambda: ig_lib.attribute(x, target=target, n_steps=steps,
                                             internal_batch_size=IMAGE_BATCH,
                                             return_convergence_delta=True), repeats)),
    ]
    return floors, rows


def text_rows(model: TextClassifier, repeats: int, steps: int) -> tuple[dict, list[dict]]:
    from captum.attr import LayerIntegratedGradients

    enc = model.encode(SENTENCE_32)
    embeds = model.embedding_layer()(enc.input_ids).detach()
    batch = embeds.expand(steps, -1, -1).contiguous()

    def logits(inputs_embeds):
        mask = enc.attention_mask.expand(inputs_embeds.shape[0], -1)
        return model.module(inputs_embeds=inputs_embeds, attention_mask=mask).logits

    def forward():
        with torch.inference_mode():
            return model.module(input_ids=enc.input_ids, attention_mask=enc.attention_mask)

    floors = {"tokens": enc.input_ids.shape[1], "forward": seconds(forward, repeats),
              "batched_forward_backward_per_sample":
                  seconds(lambda: target_gradient(logits, batch, 0), repeats) / steps}
    lig = LayerIntegratedGradients(
        lambda ids, mask: model.module(input_ids=ids, attention_mask=mask).logits,
        model.embedding_layer())
    base = baseline_ids(model, enc)
    rows = [
        row(f"integrated_gradients_text ({steps} steps)", model.name,
            seconds(lambda: explain(model, "integrated_gradients_text", SENTENCE_32, 2,
                                    steps=steps, batch=steps), repeats),
            steps + 2, steps * floors["batched_forward_backward_per_sample"],
            "captum LayerIntegratedGradients",
            seconds(lambda: lig.attribute(enc.input_ids, baselines=base,
                                          additional_forward_args=(enc.attention_mask,),
                                          target=2, n_steps=steps, internal_batch_size=steps,
                                          return_convergence_delta=True), repeats)),
        row("attention", model.name,
            seconds(lambda: explain(model, "attention", SENTENCE_32, 2), repeats), 1,
            floors["forward"]),
    ]
    return floors, rows




@register_suite("image_methods")
def image_methods(repeats: int, quick: bool) -> dict:
    floors, rows = image_rows(load_model("mobilenet_v2"), repeats, 8 if quick else 50)
    return {"floors": {"mobilenet_v2_224": floors}, "methods": rows}


@register_suite("text_methods")
def text_methods(repeats: int, quick: bool) -> dict:
    floors, rows = text_rows(load_model("minilm_sentiment"), repeats, 8 if quick else 50)
    return {"floors": {"minilm_sentiment_32_tokens": floors}, "methods": rows}
