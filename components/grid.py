"""A grid of explanation panels: as HTML with inline (data-URI) images, or as one PNG.

Images are encoded from arrays we produced, so no Streamlit media URL (reachable
without a session) is created and the raw upload is never served back. All text is
escaped: labels and parameters never become markup.
"""
from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

SCREEN_SIDE = 420  # longest side of an on-screen panel image, px
PNG_SIDE = 360  # longest side of a panel image in the downloaded grid, px
BADGE_COLOURS = {"ok": ("#1b5e20", "#e8f5e9"), "warn": ("#8a1c1c", "#fdecea")}


@dataclass(frozen=True)
class Panel:
    """One method x target cell: its title, caption lines, optional badge and images."""

    title: str
    lines: tuple[str, ...]
    images: tuple[np.ndarray, ...]  # overlay, then the raw map if shown
    badge: tuple[str, str] | None = None  # (kind in BADGE_COLOURS, text)
    uris: tuple[str, ...] = ()  # the images already encoded (``data_uri``), if cached


def panel_uris(panel: Panel) -> tuple[str, ...]:
    if len(panel.uris) == len(panel.images):
        return panel.uris
    return tuple(data_uri(img) for img in panel.images)


def fit(rgb: np.ndarray, side: int) -> Image.Image:
    """The array as a PIL image whose longest side is at most ``side``."""
    img = Image.fromarray(np.ascontiguousarray(rgb))
    scale = side / max(img.size)
    if scale < 1:
        img = img.resize((max(1, round(img.width * scale)), max(1, round(img.height * scale))),
                         Image.Resampling.LANCZOS)
    return img


def data_uri(rgb: np.ndarray, side: int = SCREEN_SIDE) -> str:
    buffer = io.BytesIO()
    fit(rgb, side).save(buffer, format="JPEG", quality=90)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _badge_html(badge: tuple[str, str] | None) -> str:
    if badge is None:
        return ""
    fg, bg = BADGE_COLOURS[badge[0]]
    return (f'<span class="badge badge-{badge[0]}" style="color:{fg};background:{bg};'
            f'border-radius:4px;padding:1px 6px;font-size:0.8em">{html.escape(badge[1])}</span>')


def panel_html(panel: Panel) -> str:
    images = "".join(f'<img src="{uri}" alt="{html.escape(panel.title)}" '
                     f'style="width:{100 // len(panel.images)}%;display:inline-block">'
                     for uri in panel_uris(panel))
    lines = "".join(f'<div class="panel-line">{html.escape(line)}</div>' for line in panel.lines)
    return (f'<figure class="panel" style="margin:0">{images}<figcaption style="font-size:0.85em;'
            f'line-height:1.35"><b>{html.escape(panel.title)}</b> {_badge_html(panel.badge)}'
            f'{lines}</figcaption></figure>')


def grid_html(panels: list[Panel], columns: int, attrs: dict[str, str] | None = None) -> str:
    """Panels row by row, ``columns`` per row; ``attrs`` become data-* attributes of the grid."""
    data = "".join(f' data-{key}="{html.escape(str(value))}"'
                   for key, value in (attrs or {}).items())
    cells = "".join(panel_html(p) for p in panels)
    return (f'<div class="explanation-grid"{data} style="display:grid;gap:14px;'
            f'grid-template-columns:repeat({columns},minmax(0,1fr))">{cells}</div>')


def grid_png(panels: list[Panel], columns: int, side: int = PNG_SIDE) -> bytes:
    """The grid composed into one PNG, each panel captioned with its title and lines."""
    font = ImageFont.load_default(size=14)
    cells = []
    for panel in panels:
        images = [fit(img, side) for img in panel.images]
        text = [panel.title + (f"  [{panel.badge[1]}]" if panel.badge else ""), *panel.lines]
        width = sum(img.width for img in images)
        height = max(img.height for img in images) + 8 + 18 * len(text)
        cell = Image.new("RGB", (width, height), "white")
        x = 0
        for img in images:
            cell.paste(img, (x, 0))
            x += img.width
        draw = ImageDraw.Draw(cell)
        y = max(img.height for img in images) + 4
        for line in text:
            draw.text((2, y), line, fill="black", font=font)
            y += 18
        cells.append(cell)
    return _tile(cells, columns)


def _tile(cells: list[Image.Image], columns: int, gap: int = 12) -> bytes:
    rows = [cells[i:i + columns] for i in range(0, len(cells), columns)]
    cell_w = max(c.width for c in cells)
    heights = [max(c.height for c in row) for row in rows]
    sheet = Image.new("RGB", (columns * cell_w + (columns + 1) * gap,
                              sum(heights) + (len(rows) + 1) * gap), "white")
    y = gap
    for row, height in zip(rows, heights):
        for i, cell in enumerate(row):
            sheet.paste(cell, (gap + i * (cell_w + gap), y))
        y += height + gap
    buffer = io.BytesIO()
    sheet.save(buffer, format="PNG")
    return buffer.getvalue()
