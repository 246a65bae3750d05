"""The viewing-window widgets of the clinical page: a preset picker and centre/width sliders.

Only the display depends on them; no model input or cached result takes them as an argument.
"""
from __future__ import annotations

from typing import Hashable

import numpy as np
import streamlit as st

from inputs.grey import GreyCase
from inputs.windowing import CT_PRESETS, Window, VoiLut, full_range

KEY = "clinical_window"


def window_options(case: GreyCase) -> list[Window | VoiLut]:
    """The file's presets, CT presets for CT, and the image's full range."""
    ct = any(label == "Modality" and value == "CT" for label, value in case.technical)
    return [*case.presets, *(CT_PRESETS if ct else ()), full_range(case.values)]


def _set_sliders(voi: Window | VoiLut) -> None:
    if isinstance(voi, Window):
        st.session_state[f"{KEY}_center"] = float(voi.center)
        st.session_state[f"{KEY}_width"] = float(voi.width)


def window_controls(case: GreyCase, context: Hashable) -> Window | VoiLut:
    """The viewing window the user chose; starts at the model's window for each new input."""
    options = window_options(case)
    names = [o.name for o in options]
    if st.session_state.get(f"{KEY}__context") != context:
        st.session_state[f"{KEY}__context"] = context
        st.session_state[f"{KEY}_preset"] = names[0]
        _set_sliders(options[0])
    chosen = options[names.index(st.selectbox(
        "Window preset", names, key=f"{KEY}_preset",
        on_change=lambda: _set_sliders(options[names.index(st.session_state[f"{KEY}_preset"])])))]
    if isinstance(chosen, VoiLut):
        st.caption("The file's VOI LUT is applied as stored; pick a window to adjust it.")
        return chosen
    low, high = float(np.min(case.values)), float(np.max(case.values))
    span = max(high - low, 2.0)
    step = float(max(1, round(span / 128)))
    left, right = st.columns(2)
    center = left.slider("Window centre", low - span / 2, high + span / 2, step=step,
                         key=f"{KEY}_center")
    width = right.slider("Window width", 1.0, 2 * span + 1, step=step, key=f"{KEY}_width")
    return Window("manual" if (center, width) != (chosen.center, chosen.width) else chosen.name,
                  center, width, chosen.function)
