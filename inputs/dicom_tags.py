"""What may be read out of a parsed DICOM data set: an allow-list of technical attributes
and the VOI presets. Nothing else is ever copied, so no identifier of the PS3.15 Annex E
basic profile (patient, study, institution, physicians, dates, UIDs) can leave the reader.
"""
from __future__ import annotations

import numpy as np
import pydicom

from inputs.windowing import Window, VoiLut

MAX_TEXT = 40  # technical strings are short codes; anything longer is cut
VOI_FUNCTIONS = ("LINEAR", "LINEAR_EXACT", "SIGMOID")


def _text(value: object) -> str:
    return " ".join(str(value).split())[:MAX_TEXT]


def _spacing(ds: pydicom.Dataset) -> str | None:
    for keyword in ("PixelSpacing", "ImagerPixelSpacing"):
        if keyword in ds and ds[keyword].value:
            row, col = (float(v) for v in ds[keyword].value[:2])
            return f"{row:g} × {col:g} mm"
    return None


def technical_attributes(ds: pydicom.Dataset, frames: int) -> tuple[tuple[str, str], ...]:
    """(label, value) pairs of the allow-listed attributes present in ``ds``."""
    signed = int(ds.get("PixelRepresentation", 0)) == 1
    rows = [("Modality", ds.get("Modality")), ("Body part", ds.get("BodyPartExamined")), ("View", ds.get("ViewPosition")),
            ("Rows × columns", f"{ds.get('Rows')} × {ds.get('Columns')}"),
            ("Frames", frames if frames > 1 else None), ("Pixel spacing", _spacing(ds)),
            ("Bits stored", ds.get("BitsStored")),
            ("Pixel values", "signed" if signed else "unsigned"),
            ("Photometric interpretation", ds.get("PhotometricInterpretation")),
            ("Rescale", _rescale(ds)),
            ("Transfer syntax", getattr(ds.file_meta.get("TransferSyntaxUID"), "name", None))]
    return tuple((label, _text(value)) for label, value in rows if value not in (None, ""))


def _rescale(ds: pydicom.Dataset) -> str | None:
    if "RescaleSlope" not in ds and "RescaleIntercept" not in ds:
        return None
    return f"slope {float(ds.get('RescaleSlope', 1)):g}, intercept {float(ds.get('RescaleIntercept', 0)):g}"


def _values(element: object) -> list[float]:
    if element is None:
        return []
    return [float(v) for v in (element if isinstance(element, (list, pydicom.multival.MultiValue))
                               else [element])]


def _windows(ds: pydicom.Dataset) -> list[Window]:
    centers, widths = _values(ds.get("WindowCenter")), _values(ds.get("WindowWidth"))
    names = _values_text(ds.get("WindowCenterWidthExplanation"))
    function = str(ds.get("VOILUTFunction", "LINEAR")).upper()
    function = function if function in VOI_FUNCTIONS else "LINEAR"
    return [Window(names[i] if i < len(names) and names[i] else f"file window {i + 1}",
                   c, max(w, 1.0), function) for i, (c, w) in enumerate(zip(centers, widths))]


def _values_text(element: object) -> list[str]:
    if element is None:
        return []
    items = element if isinstance(element, (list, pydicom.multival.MultiValue)) else [element]
    return [_text(v) for v in items]


def _lut(item: pydicom.Dataset, index: int, signed: bool) -> VoiLut:
    entries, first, bits = (int(v) for v in item.LUTDescriptor)
    entries = entries or 65536  # PS3.3 C.11.2.1.1: 0 means 2^16 entries
    if signed and first > 32767:
        first -= 65536
    raw = item.LUTData
    if isinstance(raw, bytes):  # OW: 16-bit words, whatever the output depth
        table = np.frombuffer(raw, dtype="<u2" if len(raw) >= 2 * entries else "u1")
    else:
        table = np.asarray(raw if isinstance(raw, (list, pydicom.multival.MultiValue)) else [raw])
    name = _text(item.get("LUTExplanation", "")) or f"file VOI LUT {index + 1}"
    return VoiLut(name, first, bits, table[:entries].astype(np.int64))


def voi_presets(ds: pydicom.Dataset) -> tuple[Window | VoiLut, ...]:
    """The file's VOI LUTs (which take precedence, PS3.4 N.2.1) then its windows."""
    signed = int(ds.get("PixelRepresentation", 0)) == 1
    luts = [_lut(item, i, signed) for i, item in enumerate(ds.get("VOILUTSequence", []))
            if "LUTDescriptor" in item and "LUTData" in item]
    return (*luts, *_windows(ds))
