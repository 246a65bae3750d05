"""DICOM files the tests write with pydicom, and pydicom's bundled test files (local only)."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pydicom

from inputs.dicom_writer import grey_dataset, phantom_dicom, to_bytes

SECRETS = {"PatientName": "Zyxwvut^Qwertyuiop", "PatientID": "PID-987654321-XQ",
           "PatientBirthDate": "19010203", "AccessionNumber": "ACC-55501-ZZ",
           "InstitutionName": "Hospital Quuxington", "ReferringPhysicianName": "Dr^Plughwort",
           "StudyInstanceUID": "1.2.826.0.1.3680043.99.424242"}
SECRET_STRINGS = ("Zyxwvut", "Qwertyuiop", "PID-987654321-XQ", "19010203", "ACC-55501-ZZ",
                  "Quuxington", "Plughwort", "99.424242")


def bundled(name: str) -> bytes:
    """A file of pydicom's own test data, read from the installed package (no download)."""
    return (Path(pydicom.__file__).parent / "data" / "test_files" / name).read_bytes()


def identified_phantom() -> bytes:
    """A phantom DICOM carrying distinctive patient and study identifiers."""
    ds = pydicom.dcmread(io.BytesIO(phantom_dicom(2, 1)))
    for keyword, value in SECRETS.items():
        setattr(ds, keyword, value)
    return to_bytes(ds)


def compressed(data: bytes, syntax) -> bytes:
    ds = pydicom.dcmread(io.BytesIO(data))
    ds.compress(syntax)
    return to_bytes(ds)


def ramp(bits: int = 12, signed: bool = False, **attributes) -> bytes:
    """A 32x64 ramp over the whole stored range, one file."""
    low, high = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2 ** bits - 1)
    stored = np.linspace(low, high, 32 * 64).round().astype(np.int64).reshape(32, 64)
    return to_bytes(grey_dataset(stored, bits, signed, **attributes))
