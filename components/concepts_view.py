"""TCAV views: scores per concept with their spread, the random CAVs' band, and verdicts."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

SIGNIFICANT = "#1f77b4"
NOT_SIGNIFICANT = "#bbbbbb"


def tcav_figure(result) -> go.Figure:
    """One bar per concept (mean TCAV score over runs, ±1 sd); grey and hatched when the
    result is not significant or the CAV is at chance; the random CAVs' mean ±1 sd as a band."""
    names = [c.concept for c in result.concepts]
    colours = [SIGNIFICANT if c.significant else NOT_SIGNIFICANT for c in result.concepts]
    fig = go.Figure(go.Bar(
        x=names, y=[c.mean for c in result.concepts], marker_color=colours,
        marker_pattern_shape=["" if c.significant else "/" for c in result.concepts],
        error_y=dict(type="data", array=[float(c.scores.std()) for c in result.concepts]),
        text=["" if c.significant else "n.s." for c in result.concepts], textposition="outside",
        hovertext=[f"{c.verdict}<br>CAV accuracy {c.accuracy:.0%}" for c in result.concepts],
        name="concept"))
    null, spread = float(result.null_scores.mean()), float(result.null_scores.std())
    fig.add_hrect(y0=max(null - spread, 0), y1=min(null + spread, 1), fillcolor="orange",
                  opacity=0.15, line_width=0)
    fig.add_hline(y=null, line_dash="dash", line_color="orange",
                  annotation_text="random CAVs", annotation_position="top left")
    fig.update_layout(height=340, margin=dict(l=0, r=0, t=20, b=0), yaxis_range=[0, 1.08],
                      yaxis_title="TCAV score", showlegend=False, meta="xai-tcav")
    return fig


def result_rows(result) -> list[dict]:
    """A table row per concept: score, spread, CAV accuracy, p-value, verdict."""
    return [{"concept": c.concept, "TCAV score": round(c.mean, 3),
             "sd over runs": round(float(c.scores.std()), 3),
             "CAV accuracy": f"{c.accuracy:.0%}", "p-value": float(f"{c.p_value:.3g}"),
             "verdict": c.verdict} for c in result.concepts]


def strip(images: np.ndarray, indices: np.ndarray) -> list[np.ndarray]:
    return [images[int(i)] for i in indices]
