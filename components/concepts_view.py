"""TCAV views: scores per concept and layer with their spread, the random CAVs' band, and
verdicts. Several layers sit side by side, one panel each, sharing the score axis."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

SIGNIFICANT = "#1f77b4"
NOT_SIGNIFICANT = "#bbbbbb"


def _bars(result) -> go.Bar:
    """One bar per concept (mean over runs, ±1 sd); grey, hatched and "n.s." when the result
    is not significant or the CAV is at chance."""
    concepts = result.concepts
    return go.Bar(
        x=[c.concept for c in concepts], y=[c.mean for c in concepts],
        marker_color=[SIGNIFICANT if c.significant else NOT_SIGNIFICANT for c in concepts],
        marker_pattern_shape=["" if c.significant else "/" for c in concepts],
        error_y=dict(type="data", array=[float(c.scores.std()) for c in concepts]),
        text=["" if c.significant else "n.s." for c in concepts], textposition="outside",
        hovertext=[f"{result.layer}<br>{c.verdict}<br>CAV accuracy {c.accuracy:.0%}"
                   for c in concepts], name=result.layer)


def _null_band(fig: go.Figure, result, col: int) -> None:
    """The random CAVs' mean ±1 sd at this layer: a score inside it is what chance gives."""
    null, spread = float(result.null_scores.mean()), float(result.null_scores.std())
    fig.add_hrect(y0=max(null - spread, 0), y1=min(null + spread, 1), fillcolor="orange",
                  opacity=0.15, line_width=0, row=1, col=col)
    label = dict(annotation_text="random CAVs", annotation_position="top left") if col == 1 else {}
    fig.add_hline(y=null, line_dash="dash", line_color="orange", row=1, col=col, **label)


def tcav_figure(results) -> go.Figure:
    """A panel of bars per layer (one result or a list of them, one per layer)."""
    results = list(results) if isinstance(results, (list, tuple)) else [results]
    fig = make_subplots(rows=1, cols=len(results), shared_yaxes=True, horizontal_spacing=0.03,
                        subplot_titles=[r.layer for r in results] if len(results) > 1 else None)
    for col, result in enumerate(results, start=1):
        fig.add_trace(_bars(result), row=1, col=col)
        _null_band(fig, result, col)
    fig.update_yaxes(range=[0, 1.08])
    fig.update_yaxes(title_text="TCAV score", row=1, col=1)
    fig.update_layout(height=360, margin=dict(l=0, r=0, t=30 if len(results) > 1 else 20, b=0),
                      showlegend=False, meta="xai-tcav")
    return fig


def result_rows(results) -> list[dict]:
    """A table row per layer and concept: score, spread, CAV accuracy, p-value, verdict."""
    results = list(results) if isinstance(results, (list, tuple)) else [results]
    return [{"layer": r.layer, "concept": c.concept, "TCAV score": round(c.mean, 3),
             "sd over runs": round(float(c.scores.std()), 3),
             "CAV accuracy": f"{c.accuracy:.0%}", "p-value": float(f"{c.p_value:.3g}"),
             "verdict": c.verdict} for r in results for c in r.concepts]


def strip(images: np.ndarray, indices: np.ndarray) -> list[np.ndarray]:
    return [images[int(i)] for i in indices]
