"""Colour bars: what a colormap's ends mean, as HTML (on the page) or as an image (exports).

Signed maps use a diverging colormap: one end is evidence against the class, the other for
it, the middle nothing. Unsigned maps use a sequential one: low to high importance.
"""
from __future__ import annotations

import html

import numpy as np
from matplotlib import colormaps
from PIL import Image, ImageDraw, ImageFont

STOPS = 11  # gradient stops sampled from the colormap
ENDS = {True: ("against the class", "no effect", "for the class"),
        False: ("low importance", "", "high importance")}


def ends(signed: bool) -> tuple[str, str, str]:
    """(left, middle, right) captions of a signed or unsigned colour bar."""
    return ENDS[signed]


def _hex_stops(cmap: str) -> list[str]:
    colours = colormaps[cmap](np.linspace(0, 1, STOPS))[:, :3]
    return ["#%02x%02x%02x" % tuple(int(round(c * 255)) for c in rgb) for rgb in colours]


def colorbar_html(cmap: str, signed: bool, title: str) -> str:
    """One bar with its captions; ``data-cmap`` and ``data-signed`` let tests find it."""
    gradient = ",".join(_hex_stops(cmap))
    left, middle, right = (html.escape(text) for text in ends(signed))
    return (f'<div class="colorbar" data-cmap="{html.escape(cmap)}" data-signed="{int(signed)}" '
            f'style="flex:1;min-width:260px;font-size:0.8em">'
            f'<div style="font-weight:600">{html.escape(title)}</div>'
            f'<div style="height:14px;border-radius:3px;background:linear-gradient(to right,'
            f'{gradient})"></div><div style="display:flex;justify-content:space-between">'
            f'<span>{left}</span><span>{middle}</span><span>{right}</span></div></div>')


def colorbars_html(bars: list[tuple[str, bool, str]]) -> str:
    """Several bars side by side: (cmap, signed, title) each."""
    inner = "".join(colorbar_html(*bar) for bar in bars)
    return f'<div class="colorbars" style="display:flex;gap:24px;margin:4px 0 10px">{inner}</div>'


def panel_colorbar_html(cmap: str, signed: bool) -> str:
    """A slim bar under one panel's images: the legend of exactly that map's colours."""
    gradient = ",".join(_hex_stops(cmap))
    left, _, right = (html.escape(text) for text in ends(signed))
    return (f'<div class="panel-colorbar" data-cmap="{html.escape(cmap)}" '
            f'data-signed="{int(signed)}" style="font-size:0.75em;margin:2px 0 4px">'
            f'<div style="height:8px;border-radius:2px;background:linear-gradient(to right,'
            f'{gradient})"></div><div style="display:flex;justify-content:space-between">'
            f'<span>{left}</span><span>{right}</span></div></div>')


def colorbar_image(cmap: str, signed: bool, title: str, width: int,
                   font: ImageFont.FreeTypeFont) -> Image.Image:
    """The same bar drawn for an exported PNG."""
    bar = (colormaps[cmap](np.linspace(0, 1, width))[:, :3] * 255).astype(np.uint8)
    strip = Image.fromarray(np.repeat(bar[None], 14, axis=0))
    image = Image.new("RGB", (width, 58), "white")
    draw = ImageDraw.Draw(image)
    draw.text((0, 0), title, fill="black", font=font)
    image.paste(strip, (0, 20))
    left, middle, right = ends(signed)
    draw.text((0, 38), left, fill="black", font=font)
    draw.text((width // 2, 38), middle, fill="black", font=font, anchor="ma")
    draw.text((width, 38), right, fill="black", font=font, anchor="ra")
    return image
