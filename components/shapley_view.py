"""Figures and tables of the Shapley lesson: error against exact as evaluations arrive, the
region values side by side, and what exact Shapley costs as the number of regions grows."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from explainers.image.shapley_lesson import METHODS, Point

GRID_COLOUR = "white"
COLOURS = dict(zip(METHODS, ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728")))


def grid_overlay(image: torch.Tensor, grid: tuple[int, int]) -> np.ndarray:
    """(H, W, 3) uint8: the image with the region borders drawn in white."""
    out = (image.permute(1, 2, 0).numpy() * 255).round().clip(0, 255).astype(np.uint8).copy()
    h, w = out.shape[:2]
    for r in range(1, grid[0]):
        out[round(r * h / grid[0]) - 1, :] = 255
    for c in range(1, grid[1]):
        out[:, round(c * w / grid[1]) - 1] = 255
    return out


def error_figure(points: list[Point]) -> go.Figure:
    """Relative error against exact (log scale) over model evaluations, one line per method."""
    fig = go.Figure()
    for method in METHODS:
        mine = [p for p in points if p.method == method]
        if mine:
            fig.add_scatter(x=[p.evals for p in mine], y=[max(p.error, 1e-6) for p in mine],
                            name=method, mode="lines+markers", line_color=COLOURS[method])
    fig.update_layout(meta="xai-shapley", height=360, margin=dict(t=30, b=40, l=60, r=10),
                      xaxis_title="model evaluations", yaxis_title="‖estimate − exact‖ / ‖exact‖",
                      yaxis_type="log", legend=dict(orientation="h", y=1.12))
    return fig


def final_points(points: list[Point]) -> dict[str, Point]:
    return {p.method: p for p in points}


def final_rows(points: list[Point]) -> pd.DataFrame:
    """Each method's last point: its cost and its error."""
    return pd.DataFrame([{"method": p.method, "evaluations": p.evals,
                          "seconds": round(p.seconds, 3), "error vs exact": round(p.error, 4)}
                         for p in final_points(points).values()])


def values_figure(exact: np.ndarray, points: list[Point], grid: tuple[int, int]) -> go.Figure:
    """Exact region values beside each method's final estimate, one diverging scale."""
    final = final_points(points)
    maps = {"Exact": exact} | {m: p.values for m, p in final.items()}
    top = max(float(np.abs(exact).max()), 1e-9)
    fig = make_subplots(1, len(maps), subplot_titles=list(maps), horizontal_spacing=0.03)
    for i, values in enumerate(maps.values()):
        fig.add_heatmap(z=np.asarray(values).reshape(grid), zmin=-top, zmax=top,
                        colorscale="RdBu_r", showscale=i == 0, row=1, col=i + 1,
                        colorbar=dict(title="value", x=1.02))
        fig.update_yaxes(autorange="reversed", showticklabels=False, row=1, col=i + 1)
        fig.update_xaxes(showticklabels=False, row=1, col=i + 1)
    fig.update_layout(meta="xai-shapley-values", height=240, margin=dict(t=40, b=10, l=10, r=60))
    return fig


def cost_table(costs: list[dict], measured: int) -> pd.DataFrame:
    """Regions, coalitions, seconds (measured at this n, predicted elsewhere)."""
    return pd.DataFrame([{"regions (n)": c["regions"], "coalitions 2ⁿ": f"{c['coalitions']:,}",
                          "seconds": c["seconds"],
                          "": "measured" if c["regions"] == measured else "predicted"}
                         for c in costs])
