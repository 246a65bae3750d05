"""Rendering of a shortcut audit: the class table, mean-map tiles, the SpRAy scatter,
cluster prototypes and the background-swap gallery. No model code; plain arrays in.

The SpRAy scatter carries the projection figure's tag, so the same hover script shows
each point's thumbnail; ``customdata`` holds data-set indices, so a click opens that item.
"""
from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from components.overlay import overlay
from components.projection_figure import FIGURE_TAG, PALETTE

TILE = 128


def enlarge(rgb: np.ndarray, side: int = TILE) -> np.ndarray:
    return np.asarray(Image.fromarray(rgb).resize((side, side), Image.Resampling.NEAREST))


def map_tile(image: np.ndarray, scores: np.ndarray, opacity: float = 0.55) -> np.ndarray:
    """A map over its image (the map resized to the image), enlarged for screens."""
    if scores.shape != image.shape[:2]:
        scores = np.asarray(Image.fromarray(scores.astype(np.float32)).resize(
            image.shape[1::-1], Image.Resampling.BILINEAR))
    return enlarge(overlay(image, scores, signed=False, opacity=opacity))


def table_rows(rows: list[dict], methods: tuple[str, ...]) -> list[dict]:
    """The audit's per-class dicts flattened for a table (one column per figure); flags
    by kind only (the verdict sentences say the rest), numbers to two places, so it fits."""
    flat = []
    for row in rows:
        out = {"class": row["class"],
               "flags": ", ".join(f.split(":")[0] for f in row["flags"]) or "none",
               "items": row["items"], "accuracy": row["accuracy"]}
        for m in methods:  # relevance mass is 1 - background share: one of them is enough
            prefix = f"{m}: " if len(methods) > 1 else ""
            for key, value in (row.get(m) or {}).items():
                if key != "relevance_mass":
                    out[prefix + key.replace("_", " ")] = (round(value, 2) if
                                                           isinstance(value, float) else value)
        for key in ("flip_rate", "accuracy_drop"):
            if key in row:
                out[key.replace("_", " ")] = (round(row[key], 2) if
                                              isinstance(row[key], float) else row[key])
        out["notes"] = "; ".join(row.get("notes", [])) or ""
        flat.append(out)
    return flat


def spray_figure(coords: np.ndarray, index: np.ndarray, clusters: np.ndarray,
                 hover: list[str], flagged: set[int]) -> go.Figure:
    """One class's maps in 2-D, a colour per cluster; flagged clusters drawn as diamonds."""
    fig = go.Figure()
    for c in np.unique(clusters):
        rows = np.flatnonzero(clusters == c)
        name = f"cluster {c}" + (" ⚑ flagged" if c in flagged else "")
        fig.add_trace(go.Scatter(
            x=coords[rows, 0], y=coords[rows, 1], mode="markers", name=name,
            customdata=index[rows].reshape(-1, 1).tolist(),
            hovertext=[hover[i] for i in index[rows]], hoverinfo="text",
            marker=dict(size=9 if c in flagged else 7, opacity=0.85,
                        symbol="diamond" if c in flagged else "circle",
                        color=PALETTE[int(c) % len(PALETTE)])))
    fig.update_layout(meta=FIGURE_TAG, height=520, margin=dict(l=0, r=0, t=30, b=0),
                      legend=dict(title="SpRAy cluster", itemsizing="constant"),
                      hovermode="closest", dragmode="pan",
                      xaxis=dict(title="spectral 1"), yaxis=dict(title="spectral 2"))
    return fig


def hover_lines(label_names: tuple[str, ...], labels: np.ndarray, model_labels: tuple[str, ...],
                predicted: np.ndarray, confidence: np.ndarray) -> list[str]:
    """Escaped hover text per item: index, true class, prediction and confidence."""
    return [f"#{i} · {html.escape(label_names[t])}<br>predicted "
            f"{html.escape(model_labels[p])} ({c:.0%})"
            for i, (t, p, c) in enumerate(zip(labels, predicted, confidence))]
