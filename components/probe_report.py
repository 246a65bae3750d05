"""A probe job as one self-contained HTML page: the verdict, the classes pushed toward with
their intervals, the map shares, and the gallery of the most affected images (offline)."""
from __future__ import annotations

import html

from components.audit_report import STYLE, _img, _table
from components.overlay import overlay


def class_table(rows: list[dict]) -> list[dict]:
    """Display rows: probability change in points with CI, placebo, p, median ranks."""
    return [{"class": f"{r['label']} ({r['index']})",
             "change (points)": f"{100 * r['change']:+.2f}",
             "95% CI": f"{100 * r['ci'][0]:+.2f} to {100 * r['ci'][1]:+.2f}",
             "placebo": f"{100 * r['placebo_change']:+.2f}",
             "p vs placebo": f"{r['p_vs_placebo']:.4f}",
             "median rank": f"{r['median_rank_before']:.0f} → {r['median_rank_after']:.0f}"}
            for r in rows]


def share_table(shares: dict[str, dict]) -> list[dict]:
    return [{"method": m, "share before": f"{s['before']:.1%}",
             "share after": f"{s['after']:.1%}",
             "after 95% CI": f"{s['after_ci'][0]:.1%} to {s['after_ci'][1]:.1%}",
             "region's area (a flat map)": f"{s['region_area']:.1%}"}
            for m, s in shares.items()]


def gallery_html(items, rows: list[dict]) -> str:
    parts = []
    for item, row in zip(items, rows):
        tiles = [_img(item.before, f"before: {row['before']} {row['p_before']:.0%}"),
                 _img(item.after, f"after: {row['after']} {row['p_after']:.0%}")]
        for m in item.maps_before:
            tiles.append(_img(overlay(item.before, item.maps_before[m], False), f"{m} before"))
            tiles.append(_img(overlay(item.after, item.maps_after[m], False), f"{m} after"))
        parts.append(f"<h4>{html.escape(item.file)}</h4><div>{''.join(tiles)}</div>")
    return "".join(parts)


def probe_html(payload: dict, galleries: dict[str, list]) -> str:
    """``payload``: the CLI's JSON; ``galleries``: probe key -> GalleryItem list."""
    body = [f"<h1>Probes: {html.escape(payload['model'])} on "
            f"{html.escape(payload['input'])}</h1>",
            f"<p>{payload['images']} images, {payload['errors']} with errors</p>"]
    for key, found in payload["probes"].items():
        summary = found["summary"]
        body.append(f"<h2>{html.escape(key)}</h2><p><b>{html.escape(found['verdict'])}</b></p>")
        if summary is None:
            continue
        if summary["watched"]:
            body.append("<h3>Watched classes</h3>" + _table(class_table(summary["watched"])))
        body.append("<h3>Pushed toward</h3>" + _table(class_table(summary["pushed_toward"])))
        body.append("<h3>Pushed away from</h3>" + _table(class_table(summary["pushed_away"])))
        if found["map_shares"]:
            body.append("<h3>Maps inside the probed region</h3>"
                        + _table(share_table(found["map_shares"])))
        body.append("<h3>Most affected images</h3>"
                    + gallery_html(galleries.get(key, []), found["gallery"]))
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Probes</title>"
            f"<style>{STYLE}</style></head><body>{''.join(body)}</body></html>")
