"""Turning explanation results into the report's entries: overlays drawn, windows in words."""
from __future__ import annotations

import numpy as np

from components.case_report import MapEntry
from components.colormaps import SIGNED_CMAP, UNSIGNED_CMAP
from components.display import Display, overlay_view
from explainers.result import Explanation
from inputs.windowing import Window, VoiLut

HIDDEN = ("batch",)


def window_text(voi: Window | VoiLut) -> str:
    if isinstance(voi, VoiLut):
        return f"{voi.name}: VOI LUT, {len(voi.table)} entries from {voi.first}, {voi.bits} bit"
    return f"{voi.name}: centre {voi.center:g}, width {voi.width:g} ({voi.function.lower()})"


def map_entry(title: str, view: np.ndarray, result: Explanation, scores: dict[str, float],
              display: Display = Display(), sanity: str | None = None,
              faithfulness: str | None = None) -> MapEntry:
    """A report entry: the map over the image as viewed, with its colormap and facts."""
    cmap = display.signed_cmap if result.signed else display.unsigned_cmap
    params = {k: v for k, v in result.params.items() if k not in HIDDEN}
    return MapEntry(title, overlay_view(view, result.scores, result.signed, display),
                    cmap or (SIGNED_CMAP if result.signed else UNSIGNED_CMAP), result.signed,
                    params, scores, sanity, faithfulness)
