"""Probe accuracy by depth: one line per model with its 95% interval and the chance line."""
from __future__ import annotations

import plotly.graph_objects as go

from explainers.global_views.probing import ProbeReport


def probe_figure(reports: list[ProbeReport]) -> go.Figure:
    """Accuracy (held-out, mean over seeds) against layer, error bars = 95% intervals."""
    fig = go.Figure()
    for report in reports:
        layers = [p.layer for p in report.layers]
        means = [p.mean for p in report.layers]
        lows, highs = zip(*(p.interval() for p in report.layers))
        fig.add_trace(go.Scatter(
            x=layers, y=means, mode="lines+markers", name=report.model,
            error_y=dict(type="data", symmetric=False,
                         array=[h - m for h, m in zip(highs, means)],
                         arrayminus=[m - lo for m, lo in zip(means, lows)])))
    chance = max(r.chance for r in reports)
    fig.add_hline(y=chance, line_dash="dot", annotation_text=f"chance {chance:.0%}")
    prop = reports[0].prop
    fig.update_layout(title=f"Linear probe for {prop!r} on {reports[0].dataset}",
                      xaxis_title="layer (input → output)", yaxis_title="held-out accuracy",
                      yaxis_range=[min(chance, 0.5) - 0.05, 1.02], height=380,
                      margin=dict(l=10, r=10, t=50, b=10))
    return fig
