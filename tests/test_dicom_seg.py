"""DICOM SEG as ground truth (issue 25): a SEG built with highdicom over a bundled image
gives its exact segment as the mask; a SEG of another image gets one clear message; the
CLI's explain and report score the map against it."""
from __future__ import annotations

import io
import json

import numpy as np
import pytest
from pydicom.data import get_testdata_file

import cli as cli_module
from inputs.dicom import DicomError
from inputs.seg import ground_truth_of

CT = get_testdata_file("CT_small.dcm")
MR = get_testdata_file("MR_small.dcm")


def seg_of(path: str) -> tuple[bytes, np.ndarray]:
    """A binary SEG over the image at ``path`` marking rows 40:70, columns 50:90."""
    import highdicom as hd
    import pydicom
    from pydicom.sr.codedict import codes

    source = pydicom.dcmread(path)
    mask = np.zeros((1, source.Rows, source.Columns), bool)
    mask[0, 40:70, 50:90] = True
    segment = hd.seg.SegmentDescription(
        segment_number=1, segment_label="lesion",
        segmented_property_category=codes.SCT.MorphologicallyAbnormalStructure,
        segmented_property_type=codes.SCT.Neoplasm,
        algorithm_type=hd.seg.SegmentAlgorithmTypeValues.MANUAL)
    seg = hd.seg.Segmentation(
        source_images=[source], pixel_array=mask, segment_descriptions=[segment],
        segmentation_type=hd.seg.SegmentationTypeValues.BINARY, series_instance_uid=hd.UID(),
        series_number=2, sop_instance_uid=hd.UID(), instance_number=1, manufacturer="test",
        manufacturer_model_name="test", software_versions="0", device_serial_number="0")
    out = io.BytesIO()
    seg.save_as(out)
    return out.getvalue(), mask[0]


@pytest.fixture(scope="module")
def ct_seg() -> tuple[bytes, np.ndarray]:
    return seg_of(CT)


def test_the_segment_over_this_image_is_the_mask(ct_seg):
    seg, expected = ct_seg
    truth = ground_truth_of(seg, open(CT, "rb").read(), expected.shape)
    assert np.array_equal(truth.mask, expected) and truth.source == "DICOM SEG (Neoplasm)"
    half = ground_truth_of(seg, open(CT, "rb").read(), (64, 64)).mask  # resized to the grid
    assert half.shape == (64, 64) and half.sum() == expected.sum() // 4


def test_a_seg_of_another_image_is_refused(ct_seg):
    with pytest.raises(DicomError, match="refers to another image"):
        ground_truth_of(ct_seg[0], open(MR, "rb").read(), (64, 64))


def test_explain_scores_the_map_against_the_seg(ct_seg, tmp_path, capsys):
    seg = tmp_path / "seg.dcm"
    seg.write_bytes(ct_seg[0])
    code = cli_module.main(["explain", "--model", "xray_phantom_cnn", "--method", "gradcam",
                            "--input", CT, "--mask", str(seg), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    payload = json.loads(out)
    assert payload["ground_truth"] == "DICOM SEG (Neoplasm)"
    assert 0 <= payload["localisation"]["energy_pointing_game"] <= 1
    code = cli_module.main(["explain", "--model", "xray_phantom_cnn", "--method", "gradcam",
                            "--input", MR, "--mask", str(seg), "--json"])
    err = capsys.readouterr().err
    assert code == 2 and "refers to another image" in err and len(err.strip().splitlines()) == 1


def test_the_page_uses_the_seg_and_refuses_one_of_another_image(ct_seg):
    from tests.test_app_inputs import uploader
    from tests.test_clinical_page import clinical_page, grid

    app = clinical_page(clinical_methods=["gradcam"])
    uploader(app, "clinical_upload").set_value(("ct.dcm", open(CT, "rb").read(),
                                                "application/dicom")).run()

    def mask_uploader():
        return next(u for u in app.get("file_uploader") if "clinical_mask" in u.proto.id)

    mask_uploader().set_value(("seg.dcm", ct_seg[0], "application/dicom")).run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert any("DICOM SEG (Neoplasm)" in c.value for c in app.caption)
    assert "Pointing game" in grid(app)
    uploader(app, "clinical_upload").set_value(("mr.dcm", open(MR, "rb").read(),
                                                "application/dicom")).run()
    mask_uploader().set_value(("seg.dcm", ct_seg[0], "application/dicom")).run()
    assert not app.exception
    assert [e.value for e in app.error] == ["Could not read the mask: the segmentation (SEG) "
                                            "refers to another image, not this one."]
