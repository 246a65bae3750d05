"""Grad-CAM against captum's LayerGradCam on mobilenet_v2 at 224 px (chelsea, 285).

Two rows. Same thread: our ``explain`` (a private copy borrowed from a pool, the graph
starting at the layer, the map upsampled to 224 px) against ``LayerGradCam.attribute`` on
a private copy made once (its best case: no copy per call, a 7x7 map). New thread per
call, as Streamlit runs every rerun in a new thread: our pool lends the same copy again,
while thread-safe captum needs a copy of its own per call (hooks on the shared model
would see other sessions' passes).
Floor: one forward (the backward only runs through the head after the layer).
"""
from __future__ import annotations

import threading
from typing import Callable

import torch

from bench.core import row, seconds
from explainers.private_copy import private_copy
from explainers.run import explain
from model_zoo import ImageClassifier

TARGET = 285


def in_new_thread(fn: Callable[[], object]) -> Callable[[], None]:
    """``fn`` run in a fresh thread (one torch thread, as the dashboard sets) and joined."""
    def run() -> None:
        def body() -> None:
            torch.set_num_threads(1)
            fn()
        worker = threading.Thread(target=body)
        worker.start()
        worker.join()
    return run


def captum_gradcam(model: ImageClassifier, x: torch.Tensor, fresh_copy: bool) -> Callable:
    from captum.attr import LayerGradCam

    def make():
        scratch = private_copy(model.module)
        return LayerGradCam(scratch, model.target_layers(scratch)[-1])

    made = make()
    if fresh_copy:
        return lambda: make().attribute(x, target=TARGET)
    return lambda: made.attribute(x, target=TARGET)


def gradcam_rows(model: ImageClassifier, image: torch.Tensor, repeats: int,
                 forward: float) -> list[dict]:
    x = image[None]
    ours = lambda: explain(model, "gradcam", image, TARGET)  # noqa: E731
    same = row("gradcam_same_thread (vs captum LayerGradCam)", model.name,
               seconds(ours, repeats), 1,
               forward, "captum LayerGradCam (one private copy, reused)",
               seconds(captum_gradcam(model, x, False), repeats))
    threaded = row("gradcam_new_thread_per_call (as Streamlit reruns)", model.name,
                   seconds(in_new_thread(ours), repeats), 1, forward,
                   "captum LayerGradCam, a private copy per call (thread-safe)",
                   seconds(in_new_thread(captum_gradcam(model, x, True)), repeats))
    return [same, threaded]
