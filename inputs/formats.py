"""Recognising an upload's format from its first bytes, never from its file name.

Only the raster formats on ``ALLOWED`` ever reach Pillow, and then only its plugin for
that format (Pillow alone would also open EPS through Ghostscript, PSD, ICNS, …).
Formats we recognise but do not read get a message that says what the file is.
"""
from __future__ import annotations

import importlib.util

ALLOWED = ("PNG", "JPEG", "GIF", "WEBP", "BMP", "TIFF", "AVIF")
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
AVIF_BRANDS = {b"avif", b"avis"}


class UnsupportedFormatError(ValueError):
    """The bytes are a format we refuse; the message is fit to show a user."""


def heif_decoder_installed() -> bool:
    return importlib.util.find_spec("pillow_heif") is not None


def _iso_media_format(data: bytes) -> str | None:
    """AVIF or HEIF from an ISO media ``ftyp`` box (major and compatible brands)."""
    if data[4:8] != b"ftyp":
        return None
    size = int.from_bytes(data[:4], "big")
    brands = {data[8:12]} | {data[i:i + 4] for i in range(16, min(size, 64), 4)}
    if brands & AVIF_BRANDS:
        return "AVIF"
    return "HEIF" if brands & HEIF_BRANDS else None


def _raster_format(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[:2] == b"BM" and len(data) >= 26:
        return "BMP"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    return _iso_media_format(data)


def _refusal(data: bytes) -> str:
    """What the file is, for formats outside the allow-list."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if data[128:132] == b"DICM":
        return ("this is a DICOM medical image; DICOM is not supported yet, "
                "export the slice as PNG")
    if head.startswith((b"%!ps", b"\xc5\xd0\xd3\xc6")):
        return "this is a PostScript/EPS file, which is not read here"
    if head.startswith(b"%pdf"):
        return "this is a PDF document, not an image; export the page as PNG"
    if b"<svg" in head:
        return "this is an SVG drawing, which is not read here; export it as PNG"
    if head.startswith(b"<"):
        return "this is an HTML or XML document, not an image"
    if _looks_like_text(data[:512]):
        return "this is a text file, not an image"
    return "this is not an image format that is read here"


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(ch.isprintable() or ch in "\r\n\t" for ch in text)


def sniff_format(data: bytes) -> str:
    """The Pillow format name of ``data``, or ``UnsupportedFormatError`` saying what it is."""
    found = _raster_format(data)
    if found == "HEIF":
        if not heif_decoder_installed():
            raise UnsupportedFormatError("this is a HEIC/HEIF photo and no HEIF decoder is "
                                         "installed; export it as JPEG or PNG")
        return "HEIF"
    if found in ALLOWED:
        return found
    raise UnsupportedFormatError(
        f"{_refusal(data)} (readable formats: {', '.join(ALLOWED)})")
