"""The viewing-window widgets of the clinical page: a preset picker and centre/width sliders.

Only the display depends on them; no model input or cached result takes them as an argument.
Their keys are new for each case (components/case_keys.py), so a preset of the previous case
can never reach this case's callback.
"""
from __future__ import annotations

from typing import Hashable

import numpy as np
import streamlit as st

from components.case_keys import case_key
from inputs.grey import GreyCase
from inputs.windowing import CT_PRESETS, Window, VoiLut, full_range

KEY = "clinical_window"


def window_options(case: GreyCase) -> list[Window | VoiLut]:
    """The file's presets, CT presets for CT, and the image's full range."""
    ct = any(label == "Modality" and value == "CT" for label, value in case.technical)
    return [*case.presets, *(CT_PRESETS if ct else ()), full_range(case.values)]


def _set_sliders(key: str, voi: Window | VoiLut | None) -> None:
    if isinstance(voi, Window):
        st.session_state[f"{key}_center"] = float(voi.center)
        st.session_state[f"{key}_width"] = float(voi.width)


def window_controls(case: GreyCase, context: Hashable) -> Window | VoiLut:
    """The viewing window the user chose; starts at the model's window for each new input."""
    options = {o.name: o for o in window_options(case)}
    key = case_key(KEY, context)
    if f"{key}_center" not in st.session_state:
        _set_sliders(key, next(iter(options.values())))
    name = st.selectbox("Window preset", list(options), key=f"{key}_preset",
                        on_change=lambda: _set_sliders(
                            key, options.get(st.session_state.get(f"{key}_preset"))))
    chosen = options[name]
    if isinstance(chosen, VoiLut):
        st.caption("The file's VOI LUT is applied as stored; pick a window to adjust it.")
        return chosen
    low, high = float(np.min(case.values)), float(np.max(case.values))
    span = max(high - low, 2.0)
    step = float(max(1, round(span / 128)))
    left, right = st.columns(2)
    center = left.slider("Window centre", low - span / 2, high + span / 2, step=step,
                         key=f"{key}_center")
    width = right.slider("Window width", 1.0, 2 * span + 1, step=step, key=f"{key}_width")
    return Window("manual" if (center, width) != (chosen.center, chosen.width) else chosen.name,
                  center, width, chosen.function)
