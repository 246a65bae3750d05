"""The clinical suite: DICOM decode and windowing of a 2048 x 2048 16-bit image; Grad-CAM on
the teaching model against its forward+backward floor (and pytorch-grad-cam's GradCAM);
the localisation benchmark's cost per case (Grad-CAM, explain plus five scores)."""
from __future__ import annotations

import numpy as np

from bench.core import register_suite, row, seconds
from explainers.gradients import target_gradient
from explainers.metrics.localisation import localisation_scores
from explainers.private_copy import private_copy
from explainers.run import explain
from inputs.dicom import read_dicom
from inputs.dicom_writer import grey_dataset, to_bytes
from inputs.grey import dicom_case, model_tensor
from inputs.image_io import to_tensor
from inputs.phantoms import phantom_case, to_rgb8
from inputs.windowing import Window
from model_zoo import load_model

SIDE = 2048
MODEL = "xray_phantom_cnn"
LESION = 1


def big_dicom(side: int = SIDE) -> bytes:
    rng = np.random.default_rng(0)
    stored = rng.integers(0, 2 ** 16, (side, side)).astype(np.int64)
    return to_bytes(grey_dataset(stored, 16, RescaleSlope=1, RescaleIntercept=-1024,
                                 WindowCenter=40, WindowWidth=400))


def decode_and_window(data: bytes) -> np.ndarray:
    """Decode, modality LUT, working-size reduction, the model input and one view."""
    case = dicom_case(read_dicom(data))
    model_tensor(case)
    return case.view(Window("bone", 400, 1800))


def gradcam_rows(repeats: int) -> tuple[dict, list[dict]]:
    from pytorch_grad_cam import GradCAM
    from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

    model = load_model(MODEL)
    image = to_tensor(to_rgb8(phantom_case(2, 1).image))
    x = image[None]
    fb = seconds(lambda: target_gradient(model.module, x, LESION), repeats)
    scratch = private_copy(model.module)
    cam = GradCAM(model=scratch, target_layers=[model.target_layers(scratch)[-1]])
    leaf = x.clone().requires_grad_(True)
    library = seconds(lambda: cam(input_tensor=leaf, targets=[ClassifierOutputTarget(LESION)]),
                      repeats)
    ours = seconds(lambda: explain(model, "gradcam", image, LESION), repeats)
    return {"forward_backward": fb}, [row("gradcam", MODEL, ours, 1, fb,
                                          "pytorch-grad-cam GradCAM", library)]


def localisation_per_case(repeats: int) -> float:
    from cli_clinical import phantom_cases

    model = load_model(MODEL)
    cases = phantom_cases(4)

    def run() -> None:
        for case in cases:
            localisation_scores(explain(model, "gradcam", case.image, LESION).scores, case.mask)

    return seconds(run, repeats) / len(cases)


@register_suite("clinical")
def clinical(repeats: int, quick: bool) -> dict:
    side = 512 if quick else SIDE
    data = big_dicom(side)
    decode = seconds(lambda: decode_and_window(data), repeats)
    floors, rows = gradcam_rows(repeats)
    return {"floors": {f"{MODEL}_128": floors}, "methods": rows,
            "clinical": {f"dicom_decode_window_{side}px_16bit_seconds": round(decode, 4),
                         "localisation_gradcam_seconds_per_case":
                             round(localisation_per_case(repeats), 4)}}
