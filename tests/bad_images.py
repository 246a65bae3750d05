"""A battery of hostile and awkward image files, generated in code (nothing is stored).

Each case says what the loader must do: refuse with a message containing ``error``, or
decode to ``shape`` with a note containing ``note`` (``None``: no note at all).
"""
from __future__ import annotations

import io
import random
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image


@dataclass(frozen=True)
class Case:
    data: bytes
    error: str | None = None
    note: str | None = None
    shape: tuple[int, ...] | None = None


def encode(img: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def photo(width: int = 64, height: int = 48) -> Image.Image:
    """A smooth colour gradient (compresses well, survives lossy codecs)."""
    y, x = np.mgrid[0:height, 0:width]
    rgb = np.stack([x * 255 // max(width - 1, 1), y * 255 // max(height - 1, 1),
                    np.full_like(x, 128)], axis=-1)
    return Image.fromarray(rgb.astype(np.uint8))


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_declaring(width: int, height: int, rows: bytes = b"") -> bytes:
    """A grey PNG whose header declares ``width`` x ``height``; ``rows`` is the raw data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
            + png_chunk(b"IDAT", zlib.compress(rows, 9)) + png_chunk(b"IEND", b""))


def exif_rotated_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    return encode(photo(80, 40), "JPEG", exif=exif.tobytes())


def frames(fmt: str, count: int = 3, **options) -> bytes:
    images = [Image.new("RGB", (40, 30), colour)
              for colour in [(255, 0, 0), (0, 255, 0), (0, 0, 255)][:count]]
    return encode(images[0], fmt, save_all=True, append_images=images[1:], **options)


def palette_with_transparency() -> bytes:
    img = Image.new("P", (32, 32), 0)
    img.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    img.paste(1, (0, 0, 16, 32))
    return encode(img, "PNG", transparency=1)


def rgba_half_transparent() -> bytes:
    rgba = np.zeros((32, 32, 4), np.uint8)
    rgba[..., 0] = 200
    rgba[..., 3] = 255
    rgba[:, 16:, 3] = 0
    return encode(Image.fromarray(rgba), "PNG")


def wide(mode: str, values: np.ndarray, fmt: str) -> bytes:
    return encode(Image.fromarray(values, mode=mode) if mode == "I" else Image.fromarray(values),
                  fmt)


def gradient(low: float, high: float, dtype) -> np.ndarray:
    return np.linspace(low, high, 64 * 48).reshape(48, 64).astype(dtype)


def dicom() -> bytes:
    """A DICOM preamble and prefix, then a (meaningless) first data element."""
    return bytes(128) + b"DICM" + b"\x02\x00\x00\x00UL\x04\x00" + struct.pack("<I", 200)


def iso_media(brand: bytes) -> bytes:
    return struct.pack(">I", 24) + b"ftyp" + brand + b"\x00\x00\x00\x00" + b"mif1" + brand + bytes(64)


def random_bytes(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


@lru_cache(maxsize=1)
def battery() -> dict[str, Case]:
    png, jpeg = encode(photo(), "PNG"), encode(photo(), "JPEG", quality=90)
    refused = {
        "zero_byte": Case(b"", error="empty"),
        "over_20_mb": Case(b"\x89PNG\r\n\x1a\n" + bytes(21 * 2**20), error="larger than 20 MB"),
        "truncated_png": Case(png[: len(png) // 2], error="damaged"),
        "truncated_jpeg": Case(jpeg[: len(jpeg) // 2], error="damaged"),
        "corrupt_png_crc": Case(png[:40] + bytes(b ^ 0xFF for b in png[40:60]) + png[60:],
                                error="damaged"),
        "png_signature_then_garbage": Case(png[:8] + random_bytes(300, 1), error="damaged"),
        "jpeg_marker_then_garbage": Case(b"\xff\xd8\xff\xe0" + random_bytes(300, 2),
                                         error="damaged"),
        "gif_header_only": Case(b"GIF89a\x10\x00", error="damaged"),
        "bmp_garbage": Case(b"BM" + random_bytes(200, 3), error="damaged"),
        "tiff_garbage": Case(b"II*\x00" + random_bytes(200, 4), error="damaged"),
        "webp_garbage": Case(b"RIFF\x40\x00\x00\x00WEBPVP8 " + random_bytes(64, 5),
                             error="damaged"),
        "text_renamed_png": Case(b"this is not an image, just notes\n", error="text file"),
        "svg": Case(b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
                    b'width="64" height="64"><rect width="64" height="64"/></svg>',
                    error="SVG"),
        "html": Case(b"<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>",
                     error="HTML"),
        "pdf": Case(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", error="PDF"),
        "eps": Case(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 64 64\nshowpage\n",
                    error="PostScript"),
        "dicom": Case(dicom(), error="DICOM"),
        "heic": Case(iso_media(b"heic"), error="HEIC"),
        "jpeg2000": Case(b"\x00\x00\x00\x0cjP  \r\n\x87\n" + bytes(64), error="not an image format"),
        "psd": Case(b"8BPS\x00\x01" + bytes(64), error="not an image format"),
        "zip": Case(b"PK\x03\x04" + random_bytes(64, 6), error="not an image format"),
        "random_bytes": Case(b"\x00\x01" + random_bytes(4096, 7), error="not an image format"),
        "declared_bomb": Case(png_declaring(60_000, 60_000), error="megapixels"),
        "zeros_bomb": Case(png_declaring(8_000, 6_000, bytes(6_000 * 8_001)), error="megapixels"),
        "one_by_one": Case(encode(Image.new("RGB", (1, 1)), "PNG"), error="at least 16"),
        "ten_thousand_by_one": Case(encode(Image.new("L", (10_000, 1)), "PNG"),
                                    error="at least 16"),
        "thin_strip": Case(encode(Image.new("L", (2_000, 40)), "PNG"), error="elongated"),
    }
    decoded = {
        "plain_png": Case(png, shape=(48, 64, 3)),
        "jpeg_named_anything": Case(jpeg, shape=(48, 64, 3)),
        "avif": Case(encode(photo(), "AVIF"), shape=(48, 64, 3)),
        "sixteen_bit_png": Case(wide("I;16", gradient(0, 65535, np.uint16), "PNG"),
                                note="16-bit", shape=(48, 64, 3)),
        "sixteen_bit_tiff": Case(wide("I;16", gradient(0, 65535, np.uint16), "TIFF"),
                                 note="16-bit", shape=(48, 64, 3)),
        "float_tiff_unit": Case(wide("F", gradient(0, 1, np.float32), "TIFF"),
                                note="0–1", shape=(48, 64, 3)),
        "float_tiff_wide": Case(wide("F", gradient(-2, 3, np.float32), "TIFF"),
                                note="range -2–3", shape=(48, 64, 3)),
        "int32_tiff_wide": Case(wide("I", gradient(-70_000, 70_000, np.int32), "TIFF"),
                                note="range", shape=(48, 64, 3)),
        "cmyk_jpeg": Case(encode(photo().convert("CMYK"), "JPEG"), note="CMYK",
                          shape=(48, 64, 3)),
        "palette_transparency": Case(palette_with_transparency(), note="transparent",
                                     shape=(32, 32, 3)),
        "rgba_half_transparent": Case(rgba_half_transparent(), note="transparent",
                                      shape=(32, 32, 3)),
        "exif_rotated": Case(exif_rotated_jpeg(), note="EXIF", shape=(80, 40, 3)),
        "animated_gif": Case(frames("GIF", duration=100, loop=0), note="3 frames",
                             shape=(30, 40, 3)),
        "animated_webp": Case(frames("WEBP", duration=100, loop=0, lossless=True),
                              note="3 frames", shape=(30, 40, 3)),
        "multipage_tiff": Case(frames("TIFF", count=2), note="2 frames", shape=(30, 40, 3)),
        "large_reduced": Case(encode(photo(3000, 1500), "PNG"), note="reduced",
                              shape=(1024, 2048, 3)),
    }
    return refused | decoded
