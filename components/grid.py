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
from PIL import Image

SCREEN_SIDE = 560  # longest side of an on-screen panel image, px (also its enlarged view)
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
    legend: tuple[str, bool] | None = None  # (colormap, signed): its colour bar sits below


@dataclass(frozen=True)
class Pending:
    """A cell whose map is still being computed: its title and a short note."""

    title: str
    note: str = "computing…"


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


ZOOM_CSS = (  # a click on a panel's images opens them large; another click closes them
    "<style>.explanation-grid details.zoom>summary{list-style:none;cursor:zoom-in}"
    ".explanation-grid details.zoom>summary::-webkit-details-marker{display:none}"
    ".explanation-grid details.zoom[open]>summary{position:fixed;inset:0;z-index:999999;"
    "display:flex;align-items:center;justify-content:center;gap:8px;"
    "background:rgba(0,0,0,0.85);cursor:zoom-out}"
    ".explanation-grid details.zoom[open]>summary img{width:calc(90vw / var(--images))!important;"
    "height:auto;max-height:88vh;object-fit:contain}</style>")


def _images_html(panel: Panel) -> str:
    """The panel's images in a <details> toggle (no script): open, they fill the window."""
    alt = html.escape(panel.title)
    uris = panel_uris(panel)
    small = "".join(f'<img src="{uri}" alt="{alt}" style="width:{100 // len(uris)}%;'
                    f'display:inline-block">' for uri in uris)
    return (f'<details class="zoom" style="--images:{len(uris)}">'
            f'<summary title="Click to enlarge">{small}</summary></details>')


def panel_html(panel: Panel) -> str:
    from components.colorbar import panel_colorbar_html

    lines = "".join(f'<div class="panel-line">{html.escape(line)}</div>' for line in panel.lines)
    legend = panel_colorbar_html(*panel.legend) if panel.legend else ""
    return (f'<figure class="panel" style="margin:0">{_images_html(panel)}{legend}'
            f'<figcaption style="font-size:0.85em;line-height:1.35"><b>'
            f'{html.escape(panel.title)}</b> {_badge_html(panel.badge)}{lines}</figcaption>'
            f'</figure>')


def pending_html(cell: Pending) -> str:
    """A placeholder the size of a panel row, not a <figure> (tests count finished panels)."""
    return (f'<div class="panel-pending" style="min-height:120px;border:1px dashed #bbb;'
            f'border-radius:6px;padding:8px;font-size:0.85em;color:#555">'
            f'<b>{html.escape(cell.title)}</b><div>{html.escape(cell.note)}</div></div>')


def grid_html(panels: list[Panel | Pending], columns: int, attrs: dict[str, str] | None = None,
              header: str = "") -> str:
    """Panels row by row, ``columns`` per row; ``attrs`` become data-* attributes of the grid.

    ``header`` (trusted HTML we built, e.g. colour bars) goes above the panels.
    """
    data = "".join(f' data-{key}="{html.escape(str(value))}"'
                   for key, value in (attrs or {}).items())
    cells = "".join(pending_html(p) if isinstance(p, Pending) else panel_html(p) for p in panels)
    return (f'{ZOOM_CSS}<div class="explanation-grid"{data}>{header}<div class="grid-cells" '
            f'style="display:grid;gap:14px;grid-template-columns:repeat({columns},'
            f'minmax(0,1fr))">{cells}</div></div>')


def grid_columns(cells: int, targets: int, show_raw: bool) -> int:
    """Panels per row: fewer when few are shown, so each map is large enough to read.

    Overlays alone: two per row up to four panels (about 490 px each at 1400 px wide), three
    beyond. With the raw map beside each overlay: two per row. One class per column when two
    classes are explained (rows are then methods).
    """
    if targets == 2:
        return 2
    widest = 2 if show_raw or cells <= 4 else 3
    return max(1, min(widest, cells))


def grid_png(panels: list[Panel], columns: int, side: int = PNG_SIDE,
             header: tuple[str, ...] = (), bars: tuple[tuple[str, bool, str], ...] = ()) -> bytes:
    """The grid as one PNG that stands alone (see ``components.png_sheet``)."""
    from components.png_sheet import sheet_png

    return sheet_png(panels, columns, side, header, bars)
