"""The projection scatter (2-D or 3-D, WebGL when large) and its hover thumbnails.

Plotly hover labels cannot show images, so a small script follows ``plotly_hover`` on our
figure (tagged by ``layout.meta``) and floats the hovered point's thumbnail by the pointer.
The script and the thumbnails are ours (re-encoded JPEGs); user text only ever reaches
Plotly as escaped hover text.
"""
from __future__ import annotations

import base64
import html
import io
import json
import textwrap

import numpy as np
import plotly.graph_objects as go
from PIL import Image

FIGURE_TAG = "xai-projection"
WEBGL_ABOVE = 1500
PALETTE = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#ff9da6",
           "#9d755d", "#bab0ac", "#eeca3b")


def thumbnail_uris(images: np.ndarray, size: int = 64) -> list[str]:
    """Each (S, S, 3) uint8 image as a small JPEG data URI."""
    uris = []
    for rgb in images:
        buffer = io.BytesIO()
        Image.fromarray(rgb).resize((size, size), Image.Resampling.BILINEAR).save(
            buffer, format="JPEG", quality=80)
        uris.append("data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode())
    return uris


def hover_texts(labels: list[str], predicted: list[str], confidence: np.ndarray,
                sentences: tuple[str, ...] | None = None) -> list[str]:
    """Escaped hover lines: index, true and predicted label, and the sentence for text."""
    texts = []
    for i, (true, pred, conf) in enumerate(zip(labels, predicted, confidence)):
        line = f"#{i} · {html.escape(true)}<br>predicted {html.escape(pred)} ({conf:.0%})"
        if sentences is not None:
            wrapped = textwrap.wrap(sentences[i][:280], 60) or [""]
            line += "<br>" + "<br>".join(html.escape(w) for w in wrapped)
        texts.append(line)
    return texts


def scatter(coords: np.ndarray, rows: np.ndarray, name: str, hover: list[str], **marker) -> go.BaseTraceType:
    kind = go.Scatter3d if coords.shape[1] == 3 else (
        go.Scattergl if len(coords) > WEBGL_ABOVE else go.Scatter)
    axes = dict(x=coords[rows, 0], y=coords[rows, 1])
    if coords.shape[1] == 3:
        axes["z"] = coords[rows, 2]
    size = 3 if coords.shape[1] == 3 else 7
    return kind(**axes, mode="markers", name=name, customdata=rows.reshape(-1, 1).tolist(),
                hovertext=[hover[i] for i in rows], hoverinfo="text",
                marker=dict(size=size, opacity=0.85, **marker))


def projection_figure(coords: np.ndarray, hover: list[str], categories: list[str] | None = None,
                      values: np.ndarray | None = None, colour_title: str = "") -> go.Figure:
    """Points coloured by a category (one legend entry each) or by a value (a colour bar)."""
    fig = go.Figure()
    if categories is not None:
        names = list(dict.fromkeys(sorted(categories)))
        cats = np.array(categories)
        for k, name in enumerate(names):
            rows = np.flatnonzero(cats == name)
            fig.add_trace(scatter(coords, rows, html.escape(name), hover,
                                  color=PALETTE[k % len(PALETTE)]))
    else:
        rows = np.arange(len(coords))
        fig.add_trace(scatter(coords, rows, colour_title, hover, color=values, colorscale="Viridis",
                              cmin=0, cmax=1, colorbar=dict(title=colour_title)))
    fig.update_layout(meta=FIGURE_TAG, height=620, margin=dict(l=0, r=0, t=30, b=0),
                      legend=dict(title=colour_title, itemsizing="constant"),
                      hovermode="closest", dragmode="pan" if coords.shape[1] == 2 else "orbit")
    return fig


HOVER_SCRIPT = """
(function () {
  window.__xaiThumbs = THUMBS;
  if (window.__xaiHoverInstalled) return;
  window.__xaiHoverInstalled = true;
  var box = document.createElement('div');
  box.id = 'xai-hover-thumb';
  box.style.cssText = 'position:fixed;display:none;pointer-events:none;z-index:100000;' +
    'background:#fff;border:1px solid #888;padding:2px;box-shadow:0 2px 6px rgba(0,0,0,.3)';
  var img = document.createElement('img');
  img.style.cssText = 'width:96px;height:96px;display:block';
  box.appendChild(img);
  document.body.appendChild(box);
  var mouse = {x: 0, y: 0};
  document.addEventListener('mousemove', function (e) { mouse.x = e.clientX; mouse.y = e.clientY; });
  function attach(gd) {
    if (gd.__xaiHover || !gd.on || !gd.layout || gd.layout.meta !== 'TAG') return;
    gd.__xaiHover = true;
    gd.on('plotly_hover', function (ev) {
      var p = ev.points[0], c = p.customdata, i = Array.isArray(c) ? c[0] : c;
      var uri = window.__xaiThumbs[i];
      if (!uri) return;
      var e = ev.event || {}, x = e.clientX || mouse.x, y = e.clientY || mouse.y;
      img.src = uri;
      box.style.left = Math.max(0, x - 124) + 'px';
      box.style.top = Math.max(0, y - 110) + 'px';
      box.style.display = 'block';
    });
    gd.on('plotly_unhover', function () { box.style.display = 'none'; });
  }
  setInterval(function () { document.querySelectorAll('.js-plotly-plot').forEach(attach); }, 300);
})();
"""


def hover_script(thumbnails: list[str]) -> str:
    """JavaScript showing the hovered point's thumbnail next to the pointer."""
    return HOVER_SCRIPT.replace("THUMBS", json.dumps(thumbnails)).replace("TAG", FIGURE_TAG)


def standalone_html(fig: go.Figure, thumbnails: list[str] | None) -> str:
    """A self-contained page (plotly.js inlined, works offline) with hover thumbnails."""
    return fig.to_html(include_plotlyjs=True, full_html=True,
                       post_script=hover_script(thumbnails) if thumbnails else None)
