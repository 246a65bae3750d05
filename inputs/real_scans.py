"""Real DICOM scans offered as cases, read from the installed PyPI ``pydicom-data`` package
(pydicom's test-data store, MIT licence; no download at run time). What each file is was read
from its header (Modality, BodyPartExamined, ViewPosition, PhotometricInterpretation)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

REAL_SCANS = {  # title -> file name in pydicom-data's data_store/data
    "Real: chest radiograph, PA (CR, MONOCHROME1)": "RG1_UNCR.dcm",
    "Real: abdominal MR, lesion outlined (overlay)": "MR-SIEMENS-DICOM-WithOverlays.dcm",
    "Real: CT slice (512², Hounsfield units)": "693_UNCR.dcm",
    "Real: head MR, 10 frames (64²)": "emri_small.dcm",
    "Real: tibia radiograph, AP (CR, MONOCHROME1)": "RG3_UNCR.dcm",
}


class MissingScanData(FileNotFoundError):
    """pydicom-data is not installed; the message says what to install."""


def data_folder() -> Path:
    spec = importlib.util.find_spec("data_store")  # pydicom-data's package, located only
    if spec is None or not spec.submodule_search_locations:
        raise MissingScanData("the real scans need pydicom-data==1.0.0 installed")
    return Path(spec.submodule_search_locations[0]) / "data"


def real_scan_bytes(title: str) -> bytes:
    """The file of a REAL_SCANS title, as bytes."""
    return (data_folder() / REAL_SCANS[title]).read_bytes()
