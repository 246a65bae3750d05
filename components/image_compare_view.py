"""The image page's "Compare with…" view: the prediction change in a sentence and each
method's signed difference map (B - A), all on one colour scale (blue lost, red gained)."""
from __future__ import annotations

import numpy as np
import streamlit as st
from matplotlib import colormaps

from components.colormaps import SIGNED_CMAP


def diff_tile(difference: np.ndarray, scale: float) -> np.ndarray:
    """A signed map on the shared scale [-scale, scale] as RGB, at the image's aspect."""
    unit = np.clip(difference / scale, -1, 1) / 2 + 0.5
    return (colormaps[SIGNED_CMAP](unit)[..., :3] * 255).round().astype(np.uint8)


def compare_section(found) -> None:
    """Render a ``workflows.image_compare.ImageCompare``."""
    st.markdown(found.sentence)
    if not found.maps:
        st.info("No method of this page fits both models.")
        return
    st.image([diff_tile(d, found.scale) for d in found.maps.values()], width=224,
             caption=[f"{m}: {found.model_b} − {found.model_a} on “{found.label}” "
                      f"(±{found.scale:.2f})" for m in found.maps])
    st.caption("Each map divided by its largest |value| first; red: B puts more evidence "
               "there than A, blue: less. B's maps use each method's default settings.")
