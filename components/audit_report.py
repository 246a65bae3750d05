"""The audit as one self-contained HTML page: table, mean maps, SpRAy, swaps (offline).

Images are inline data URIs and plotly.js is inlined once, so the file opens anywhere with
no network. Every user string (class names, file-derived names) is escaped.
"""
from __future__ import annotations

import html

import numpy as np

from components.audit_verdict import class_verdicts
from components.audit_view import enlarge, hover_lines, map_tile, spray_figure, table_rows
from components.grid import data_uri
from components.projection_figure import hover_script, thumbnail_uris

STYLE = ("body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse}"
         "td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px}.flag{color:#b00020}"
         "figure{display:inline-block;margin:4px;text-align:center;font-size:12px}")


def _img(rgb: np.ndarray, caption: str) -> str:
    return (f'<figure><img src="{data_uri(rgb, rgb.shape[0])}" width="{rgb.shape[0]}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def _table(rows: list[dict]) -> str:
    heads = list(dict.fromkeys(k for row in rows for k in row))
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(row.get(k, '')))}</td>" for k in heads)
                   + "</tr>" for row in rows)
    return ("<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in heads) + "</tr>"
            + body + "</table>")


def _spray(report, data) -> str:
    cols = report.columns
    hover = hover_lines(report.label_names, cols["label"], report.model_labels,
                        cols["predicted"], cols["confidence"])
    parts, first = [], True
    for c, sp in report.spray.items():
        flagged = {s.cluster for s in sp.summaries if s.flagged}
        fig = spray_figure(sp.coords, sp.index, sp.clusters, hover, flagged)
        parts.append(f"<h3>{html.escape(report.label_names[c])}: {sp.k} clusters</h3>")
        parts.append(fig.to_html(include_plotlyjs=first, full_html=False))
        first = False
        for s in sp.summaries:
            note = " — flagged: small, pure, focused" if s.flagged else ""
            parts.append(f"<p>Cluster {s.cluster}: {s.size} maps ({s.share:.0%}), purity "
                         f"{s.purity:.2f}, focus {s.focus:.2f}{note}</p>")
            parts.append(_img(map_tile(report.mean_images[c], s.mean_map, 0.55), "mean map")
                         + "".join(_img(enlarge(data.images[i], 96), f"#{i}") for i in s.examples))
    return "".join(parts)


def _swaps(report, data, per_class: int = 4) -> str:
    if report.swap_images is None:
        return "<p>No masks: no background swaps.</p>"
    cols, parts = report.columns, []
    for c in range(len(report.label_names)):
        for i in np.flatnonzero(data.labels == c)[:per_class]:
            parts.append(_img(enlarge(data.images[i], 96),
                              f"#{i} predicted: {report.model_labels[cols['predicted'][i]]}"))
            parts.append(_img(enlarge(report.swap_images[i], 96), "swapped, predicted: "
                              f"{report.model_labels[cols['swap_predicted'][i]]}"))
    return "".join(parts)


def report_html(report, data) -> str:
    """The whole audit as one HTML document."""
    flagged = ", ".join(report.flagged) or "none"
    means = "".join(
        "<div>" + _img(enlarge(report.mean_images[c]), f"{name}: mean image") + "".join(
            _img(map_tile(report.mean_images[c], report.mean_maps[m][c]), f"{name}: {m}")
            for m in report.methods) + "</div>" for c, name in enumerate(report.label_names))
    script = hover_script(thumbnail_uris(data.images)) if report.spray else ""
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Shortcut audit</title>"
            f"<style>{STYLE}</style></head><body>"
            f"<h1>Shortcut audit: {html.escape(report.model)} on {html.escape(report.dataset)}</h1>"
            f"<p>{len(data)} images · methods {html.escape(', '.join(report.methods))} · "
            f"<span class='flag'>flagged: {html.escape(flagged)}</span></p>"
            + "".join(f"<p>{html.escape(v)}</p>" for v in class_verdicts(report)) +
            f"{_table(table_rows(report.rows, report.methods))}"
            f"<h2>Mean image and mean maps</h2>{means}<h2>SpRAy</h2>{_spray(report, data)}"
            f"<h2>Background swaps</h2>{_swaps(report, data)}"
            f"<script>{script}</script></body></html>")
