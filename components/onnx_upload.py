"""The "Your own ONNX model" form of the Clinical page: the .onnx file, its labels and the
preprocessing its graph cannot tell (input size where dynamic, pixel scaling). Read from
memory only (never written to disk); no code from the file runs (model_zoo/onnx_import.py)."""
from __future__ import annotations

import hashlib

import streamlit as st

from model_zoo.onnx_import import OnnxImportError, onnx_classifier, onnx_name
from model_zoo.user_models import CHECKPOINT_PREFIX

SCALES = {1.0: "pixels in [0, 1]", 255.0: "pixels in [0, 255]"}


def onnx_form(key: str) -> str | None:
    """The cache name of the user's ONNX model once a valid file is given, else None (a bad
    file gets one message and the page goes on with the picked model)."""
    with st.expander("Your own ONNX model"):
        st.caption("A single-file .onnx image classifier. Its layout and channels are read "
                   "from the graph; nothing is executed from the file and nothing is stored. "
                   "A graph the torch converter cannot take runs on onnxruntime, with the "
                   "perturbation methods only.")
        upload = st.file_uploader("ONNX model (.onnx)", key=f"{key}_file")
        labels = st.text_area("Class names, one a line (optional)", key=f"{key}_labels")
        side = st.number_input("Input size in pixels, where the graph leaves it open",
                               min_value=8, max_value=2048, value=224, key=f"{key}_size")
        scale = st.selectbox("The model takes", list(SCALES), format_func=SCALES.get,
                             key=f"{key}_scale")
    if upload is None:
        return None
    names = tuple(line.strip() for line in labels.splitlines() if line.strip()) or None
    try:
        return user_onnx(upload.getvalue(), names, int(side), float(scale))
    except OnnxImportError as err:
        st.error(f"Could not use this ONNX model: {err}.")
        return None


def user_onnx(data: bytes, labels: tuple[str, ...] | None, side: int, scale: float) -> str:
    """Load the ONNX model once per content and settings; its cache name."""
    from dashboard_cache import USER_MODELS

    settings = f"\0{labels}\0{side}\0{scale}".encode()
    name = f"{CHECKPOINT_PREFIX}onnx:{hashlib.sha256(data + settings).hexdigest()[:16]}"
    if name not in USER_MODELS:
        with st.spinner("Loading your ONNX model…"):
            USER_MODELS.load(name, lambda: onnx_classifier(
                data, labels, name=onnx_name(data), source="user ONNX model",
                size=(side, side), scale=scale))
    return name
