"""Ground truth from a DICOM SEG object (highdicom): the segment over the current image, used
like an overlay plane or an uploaded mask (mIoU, hit rate, energy inside).

The SEG must reference the current image by its SOP Instance UID; the UIDs are compared
here and never shown, logged or kept. A SEG of another image gets one clear message.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

from inputs.dicom import DicomError, is_dicom
from inputs.masks import mask_from_bytes, resize_mask


@dataclass(frozen=True)
class GroundTruth:
    """A bool (H, W) mask on the image's grid, and where it came from in words."""

    mask: np.ndarray
    source: str


def sop_instance_uid(data: bytes) -> str:
    """The image's SOP Instance UID (header only; never shown)."""
    import pydicom

    try:
        ds = pydicom.dcmread(io.BytesIO(data), stop_before_pixels=True,
                             specific_tags=["SOPInstanceUID"])
    except Exception:  # noqa: BLE001  (pydicom raises many types on damaged files)
        raise DicomError("the image's header cannot be read") from None
    return str(getattr(ds, "SOPInstanceUID", ""))


def seg_ground_truth(seg: bytes, image: bytes, shape: tuple[int, int]) -> GroundTruth:
    """Every segment of ``seg`` over ``image`` (combined), resized to ``shape``."""
    import highdicom
    import pydicom

    try:
        parsed = highdicom.seg.Segmentation.from_dataset(pydicom.dcmread(io.BytesIO(seg)))
    except Exception:  # noqa: BLE001  (not a SEG, or a damaged one)
        raise DicomError("this DICOM file is not a readable segmentation (SEG) object") from None
    wanted = sop_instance_uid(image) if is_dicom(image) else ""
    if not wanted or wanted not in {uid for *_, uid in parsed.get_source_image_uids()}:
        raise DicomError("the segmentation (SEG) refers to another image, not this one")
    numbers = list(parsed.segment_numbers)
    try:
        pixels = parsed.get_pixels_by_source_instance(
            source_sop_instance_uids=[wanted], segment_numbers=numbers,
            combine_segments=True, relabel=True)
    except (ValueError, KeyError, RuntimeError) as err:
        raise DicomError(f"the segmentation cannot be read for this image ({err})") from None
    mask = np.asarray(pixels)[0] > 0
    if not mask.any():
        raise DicomError("the segmentation marks no pixel of this image")
    meanings = sorted({parsed.get_segment_description(n).segmented_property_type.meaning
                       for n in numbers})
    return GroundTruth(resize_mask(mask, shape), f"DICOM SEG ({', '.join(meanings)})")


def ground_truth_of(mask_file: bytes, image: bytes, shape: tuple[int, int]) -> GroundTruth:
    """A user's ground truth: a DICOM SEG of the image, else a mask picture (PNG...)."""
    if is_dicom(mask_file):
        return seg_ground_truth(mask_file, image, shape)
    return GroundTruth(mask_from_bytes(mask_file, shape), "uploaded mask")
