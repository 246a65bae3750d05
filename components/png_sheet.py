"""The downloadable grid: panels, what they show (model, input, classes, date) and colour bars,
in a font that has every glyph we write (↓ ↑ ρ ✓ ×).

PIL's default bitmap font draws ↓ and ↑ as empty boxes; matplotlib bundles DejaVu Sans,
which has them, so no font is fetched or installed.
"""
from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import matplotlib
from PIL import Image, ImageDraw, ImageFont

import numpy as np

from components.colorbar import colorbar_image

FONT_FILE = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
LINE = 19  # px per caption line at FONT_SIZE
FONT_SIZE = 14
GAP = 12


def fit(rgb: np.ndarray, side: int) -> Image.Image:
    """The array as an image whose longest side is at most ``side``."""
    image = Image.fromarray(np.ascontiguousarray(rgb))
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    return image


@lru_cache(maxsize=4)
def font(size: int = FONT_SIZE) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_FILE), size)


def wrapped(text: str, width: int, face: ImageFont.FreeTypeFont) -> list[str]:
    """``text`` broken at spaces into lines at most ``width`` px wide."""
    lines, line = [], ""
    for word in text.split(" "):
        candidate = f"{line} {word}".strip()
        if line and face.getlength(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return lines + [line]


def text_block(lines: list[str], width: int, face: ImageFont.FreeTypeFont) -> Image.Image:
    rows = [row for line in lines for row in wrapped(line, width - 4, face)]
    block = Image.new("RGB", (width, LINE * len(rows) + 4), "white")
    draw = ImageDraw.Draw(block)
    for i, row in enumerate(rows):
        draw.text((2, 2 + i * LINE), row, fill="black", font=face)
    return block


def panel_image(panel, side: int) -> Image.Image:
    images = [fit(img, side) for img in panel.images]
    width, top = sum(img.width for img in images), max(img.height for img in images)
    title = panel.title + (f"  [{panel.badge[1]}]" if panel.badge else "")
    caption = text_block([title, *panel.lines], width, font())
    cell = Image.new("RGB", (width, top + 4 + caption.height), "white")
    x = 0
    for img in images:
        cell.paste(img, (x, 0))
        x += img.width
    cell.paste(caption, (0, top + 4))
    return cell


def stacked(parts: list[Image.Image], width: int) -> Image.Image:
    sheet = Image.new("RGB", (width, sum(p.height for p in parts) + GAP * (len(parts) + 1)),
                      "white")
    y = GAP
    for part in parts:
        sheet.paste(part, (GAP, y))
        y += part.height + GAP
    return sheet


def tiled(cells: list[Image.Image], columns: int) -> Image.Image:
    rows = [cells[i:i + columns] for i in range(0, len(cells), columns)]
    cell_w = max(c.width for c in cells)
    heights = [max(c.height for c in row) for row in rows]
    grid = Image.new("RGB", (columns * cell_w + (columns - 1) * GAP,
                             sum(heights) + (len(rows) - 1) * GAP), "white")
    y = 0
    for row, height in zip(rows, heights):
        for i, cell in enumerate(row):
            grid.paste(cell, (i * (cell_w + GAP), y))
        y += height + GAP
    return grid


def sheet_png(panels: list, columns: int, side: int, header: tuple[str, ...] = (),
              bars: tuple[tuple[str, bool, str], ...] = ()) -> bytes:
    """Header lines, the panels (``components.grid.Panel``) ``columns`` per row, then one
    colour bar per colormap."""
    grid = tiled([panel_image(p, side) for p in panels], max(1, min(columns, len(panels))))
    width = max(grid.width, 2 * 300 + GAP)
    parts = [text_block(list(header), width, font(FONT_SIZE + 1))] if header else []
    parts.append(grid)
    if bars:
        bar_w = (width - GAP * (len(bars) - 1)) // len(bars)
        images = [colorbar_image(cmap, signed, title, bar_w, font()) for cmap, signed, title in bars]
        parts.append(tiled(images, len(images)))
    buffer = io.BytesIO()
    stacked(parts, width + 2 * GAP).save(buffer, format="PNG")
    return buffer.getvalue()
