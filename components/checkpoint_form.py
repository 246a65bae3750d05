"""The "Your own checkpoint" form: architecture, weights file, labels file (widgets only)."""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from model_zoo.architectures import SUGGESTED


@dataclass(frozen=True)
class CheckpointChoice:
    arch: str
    weights: bytes
    labels: bytes | None


def checkpoint_form(key: str) -> CheckpointChoice | None:
    """The user's checkpoint once a weights file is given, else ``None``."""
    with st.expander("Your own checkpoint"):
        st.caption("A safetensors state dict (preferred) or a .pt state dict for a known "
                   "architecture. Nothing is executed from the file and nothing is stored.")
        arch = st.selectbox("Architecture", SUGGESTED, key=f"{key}_arch")
        weights = st.file_uploader("Weights (.safetensors, .pt, .pth)", key=f"{key}_weights")
        labels = st.file_uploader("Class names (.txt one a line, or .json), optional",
                                  key=f"{key}_labels")
    if weights is None:
        return None
    return CheckpointChoice(arch, weights.getvalue(), labels.getvalue() if labels else None)
