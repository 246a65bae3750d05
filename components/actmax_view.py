"""Activation maximisation views: the objective's curve and labelled image tiles."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go


def curve_figure(curve: np.ndarray, names: list[str]) -> go.Figure:
    """The objective per step, one line per optimised image."""
    fig = go.Figure()
    steps = np.arange(1, len(curve) + 1)
    for i, name in enumerate(names):
        fig.add_trace(go.Scatter(x=steps, y=curve[:, i], mode="lines", name=name))
    fig.update_layout(height=300, margin=dict(l=0, r=0, t=10, b=0), xaxis_title="step",
                      yaxis_title="objective", showlegend=len(names) > 1)
    return fig


def enlarge(image: np.ndarray, factor: int) -> np.ndarray:
    """Nearest-neighbour upscaling, so small optimised images stay crisp on screen."""
    return image.repeat(factor, axis=0).repeat(factor, axis=1) if factor > 1 else image
