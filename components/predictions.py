"""The top-k prediction chart."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go


def top_k(probabilities: np.ndarray, labels: tuple[str, ...], k: int = 5) -> list[tuple[int, str, float]]:
    order = np.argsort(-probabilities)[:k]
    return [(int(i), labels[i], float(probabilities[i])) for i in order]


def top_k_figure(probabilities: np.ndarray, labels: tuple[str, ...], k: int = 5) -> go.Figure:
    rows = top_k(probabilities, labels, k)[::-1]
    fig = go.Figure(go.Bar(x=[p for _, _, p in rows], y=[f"{name} ({i})" for i, name, _ in rows],
                           orientation="h", text=[f"{p:.1%}" for _, _, p in rows],
                           textposition="auto", marker_color="#4c78a8"))
    fig.update_layout(height=60 + 36 * len(rows), margin=dict(l=0, r=0, t=10, b=10),
                      xaxis=dict(range=[0, 1], tickformat=".0%"))
    return fig
