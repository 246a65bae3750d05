"""The bundled real scans (pydicom-data): each decodes with what its header says, MONOCHROME1
drawn inverted, multi-frame kept, and the overlay plane read as a filled lesion mask."""
from __future__ import annotations

import io

import numpy as np
import pydicom
import pytest

from inputs.dicom import DicomError, read_dicom
from inputs.dicom_writer import to_bytes
from inputs.grey import dicom_case
from inputs.overlays import overlay_mask
from inputs.real_scans import REAL_SCANS, real_scan_bytes

CHEST, MR_OVERLAY = ("Real: chest radiograph, PA (CR, MONOCHROME1)",
                     "Real: abdominal MR, lesion outlined (overlay)")
EXPECTED = {CHEST: "CR", MR_OVERLAY: "MR", "Real: CT slice (512², Hounsfield units)": "CT",
            "Real: head MR, 10 frames (64²)": "MR",
            "Real: tibia radiograph, AP (CR, MONOCHROME1)": "CR"}


@pytest.mark.parametrize("title", list(REAL_SCANS))
def test_each_real_scan_is_what_its_title_says(title):
    image = read_dicom(real_scan_bytes(title))
    assert dict(image.technical)["Modality"] == EXPECTED[title]
    if "10 frames" in title:
        assert len(image.frames) == 10


def test_monochrome1_is_drawn_with_high_values_dark():
    case = dicom_case(read_dicom(real_scan_bytes(CHEST)))
    assert case.photometric == "MONOCHROME1"
    view = case.view(case.model_voi).astype(float)
    view = view.mean(axis=-1) if view.ndim == 3 else view
    high = case.values >= np.quantile(case.values, 0.99)
    low = case.values <= np.quantile(case.values, 0.01)
    assert view[high].mean() < view[low].mean()


def test_the_overlay_is_a_filled_lesion_mask_at_the_working_size():
    data = real_scan_bytes(MR_OVERLAY)
    found = overlay_mask(data, (242, 242))
    assert found is not None and found.filled and found.group == 0x6000
    assert found.mask.shape == (242, 242) and 300 < found.mask.sum() < 700  # 1865 px / 4
    assert overlay_mask(real_scan_bytes(CHEST), (64, 64)) is None


def test_an_overlay_outside_the_image_is_refused():
    ds = pydicom.dcmread(io.BytesIO(real_scan_bytes(MR_OVERLAY)))
    ds[0x6000, 0x0050].value = [200, 200]
    with pytest.raises(DicomError, match="overlay plane is larger"):
        overlay_mask(to_bytes(ds), (484, 484))
