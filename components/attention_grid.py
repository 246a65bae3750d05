"""Attention as Plotly heatmaps: every layer x head as small multiples, and one large map.

Token strings are HTML-escaped before they reach Plotly, whose labels understand a few
tags (``<b>``, ``<a href>``); hovering shows "from → to: weight".
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.tokens import readable_token, safe_text

GRID_MAX_TOKENS = 40  # beyond this the small multiples stop being readable
HOVER = "%{y} → %{x}: %{z:.3f}"


def axis_labels(tokens: tuple[str, ...]) -> list[str]:
    """Escaped token labels made unique by their position ("3: the"), for category axes."""
    return [f"{i}: {safe_text(readable_token(t))}" for i, t in enumerate(tokens)]


def attention_grid(attentions: np.ndarray, tokens: tuple[str, ...],
                   max_tokens: int = GRID_MAX_TOKENS) -> go.Figure:
    """Small multiples of (layers, heads, T, T) weights, rows = layers, columns = heads.

    One colour scale for all cells (0 to the 99th percentile), so heads compare.
    """
    layers, heads = attentions.shape[:2]
    t = min(attentions.shape[-1], max_tokens)
    data = attentions[..., :t, :t]
    labels = axis_labels(tokens[:t])
    fig = make_subplots(rows=layers, cols=heads, horizontal_spacing=0.004,
                        vertical_spacing=0.008, column_titles=[f"head {h + 1}" for h in range(heads)],
                        row_titles=[f"layer {l + 1}" for l in range(layers)])
    for l in range(layers):
        for h in range(heads):
            fig.add_trace(go.Heatmap(
                z=data[l, h], x=labels, y=labels, coloraxis="coloraxis",
                hovertemplate=f"layer {l + 1} · head {h + 1}<br>{HOVER}<extra></extra>"),
                row=l + 1, col=h + 1)
    fig.update_xaxes(showticklabels=False, ticks="", type="category")
    fig.update_yaxes(showticklabels=False, ticks="", autorange="reversed", type="category")
    fig.update_annotations(font_size=10)
    fig.update_layout(height=40 + 78 * layers, margin=dict(l=0, r=30, t=30, b=0),
                      coloraxis=dict(colorscale="Blues", cmin=0,
                                     cmax=float(np.percentile(data, 99)) or 1.0,
                                     colorbar=dict(title="weight", thickness=10)))
    return fig


def attention_map(matrix: np.ndarray, tokens: tuple[str, ...], title: str) -> go.Figure:
    """One (T, T) map with the tokens on both axes: rows attend (from), columns are attended."""
    t = matrix.shape[-1]
    labels = axis_labels(tokens[:t])
    fig = go.Figure(go.Heatmap(z=matrix, x=labels, y=labels, colorscale="Blues", zmin=0,
                               hovertemplate=HOVER + "<extra></extra>"))
    fig.update_xaxes(title="to (attended)", tickangle=-60, tickfont_size=10, type="category")
    fig.update_yaxes(title="from", autorange="reversed", tickfont_size=10, type="category")
    size = min(900, 160 + 18 * t)
    fig.update_layout(title=safe_text(title), height=size, margin=dict(l=0, r=0, t=40, b=0))
    return fig
