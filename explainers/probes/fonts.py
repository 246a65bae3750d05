"""Fonts for the text probes, from packages the project installs, and a check that a font
can draw a text before any image is touched (a missing glyph would draw an empty box).

CJK: WenQuanYi Zen Hei (Debian ``fonts-wqy-zenhei``, GPL-2 with font embedding exception;
``scripts/setup.sh`` installs it). Latin, Greek, Cyrillic: DejaVu Sans, shipped inside
matplotlib's wheel (Bitstream Vera licence), so it is there on every machine.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from explainers.probes.registry import ProbeError

CJK_FONTS = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
             "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def latin_font() -> str:
    import matplotlib

    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")


def is_cjk(text: str) -> bool:
    return any(0x2E80 <= ord(ch) <= 0x9FFF or 0xF900 <= ord(ch) <= 0xFAFF or
               0xFF00 <= ord(ch) <= 0xFFEF for ch in text)


def font_for(text: str, font: str = "auto") -> str:
    """A font file that can draw ``text``: ``font`` if given, else CJK or Latin by the text."""
    if font != "auto":
        path = font
    elif is_cjk(text):
        found = [p for p in CJK_FONTS if Path(p).is_file()]
        if not found:
            raise ProbeError("no CJK font is installed: install Debian's fonts-wqy-zenhei "
                             "(scripts/setup.sh does)")
        path = found[0]
    else:
        path = latin_font()
    if not Path(path).is_file():
        raise ProbeError(f"no such font file: {path}")
    missing = missing_glyphs(path, text)
    if missing:
        raise ProbeError(f"the font {Path(path).name} cannot draw "
                         f"{''.join(missing[:10])!r}: pick a font with those characters")
    return path


@lru_cache(maxsize=16)
def font_characters(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=0, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def missing_glyphs(path: str, text: str) -> list[str]:
    """The characters of ``text`` (bar whitespace) that the font has no glyph for."""
    have = font_characters(path)
    return list(dict.fromkeys(ch for ch in text if not ch.isspace() and ord(ch) not in have))
