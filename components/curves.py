"""Small Plotly figures of ROAD curves: the map's MoRF and LeRF against the random maps'."""
from __future__ import annotations

import plotly.graph_objects as go

from explainers.metrics.road import RoadCurves
from explainers.metrics.road_verdict import RandomRoad


def road_figure(curves: RoadCurves, baseline: RandomRoad, title: str = "") -> go.Figure:
    """Probability / starting probability as pixels are removed and imputed (ROAD)."""
    x = list(curves.fractions)
    fig = go.Figure()
    for order, name, colour in (("morf", "most relevant first", "#c0392b"),
                                ("lerf", "least relevant first", "#2471a3")):
        fig.add_trace(go.Scatter(x=x, y=list(getattr(curves, order)), name=name,
                                 mode="lines+markers", line=dict(color=colour)))
    # a random map has no order: its reverse is as likely, so both orders share one mean curve
    fig.add_trace(go.Scatter(x=x, y=list(baseline.mean_curve), name="random maps",
                             mode="lines", line=dict(color="#777777", dash="dot", width=1)))
    fig.update_layout(height=230, margin=dict(l=0, r=0, t=28 if title else 6, b=0),
                      title=dict(text=title, font=dict(size=12)), showlegend=True,
                      legend=dict(font=dict(size=9), orientation="h", y=-0.35),
                      xaxis_title="share of pixels removed (imputed)",
                      yaxis=dict(title="p / p(start)", rangemode="tozero"))
    return fig
