"""Plotly figures comparing maps: rank agreement between methods, and sanity-check decay."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go


def agreement_figure(matrix: np.ndarray, names: list[str]) -> go.Figure:
    """Heatmap of pairwise Spearman rank correlations, values written in the cells."""
    fig = go.Figure(go.Heatmap(z=matrix, x=names, y=names, zmin=-1, zmax=1, colorscale="RdBu",
                               text=np.round(matrix, 2), texttemplate="%{text}",
                               hovertemplate="%{y} vs %{x}: ρ = %{z:.2f}<extra></extra>"))
    size = 140 + 70 * len(names)
    fig.update_layout(height=size, margin=dict(l=0, r=0, t=10, b=0),
                      yaxis=dict(autorange="reversed"))
    return fig


def sanity_curves(reports: dict, titles: dict[str, str] | None = None
                  ) -> dict[str, tuple[list[str], list[float]]]:
    """``{title: (layers, rhos)}`` of sanity reports (``explainers.metrics.sanity``)."""
    titles = titles or {}
    return {titles.get(m, m): ([s.layer for s in r.steps], [s.spearman for s in r.steps])
            for m, r in reports.items()}


def sanity_figure(curves: dict[str, tuple[list[str], list[float]]],
                  blocks: int | None = None) -> go.Figure:
    """Spearman correlation to the original map as layers are randomised, one line per method.
    ``blocks``: the whole run's length, so that a figure drawn while blocks still arrive keeps
    its x axis."""
    fig = go.Figure()
    for name, (layers, rhos) in curves.items():
        fig.add_trace(go.Scatter(x=list(range(1, len(rhos) + 1)), y=rhos, mode="lines+markers",
                                 name=name, text=layers,
                                 hovertemplate="%{text}: ρ = %{y:.2f}<extra>" + name + "</extra>"))
    fig.update_layout(height=300, margin=dict(l=0, r=0, t=10, b=0),
                      xaxis=dict(title="blocks randomised (from the output down)",
                                 range=[0.5, blocks + 0.5] if blocks else None),
                      yaxis=dict(title="Spearman ρ to the original", range=[-1.05, 1.05]))
    return fig
