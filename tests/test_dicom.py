"""Reading DICOM: files written here (incl. compressed), pydicom's bundled files, bad input,
and privacy (no identifier survives the reader)."""
from __future__ import annotations

import io
import logging
import pickle

import numpy as np
import pydicom
import pytest
from pydicom.uid import JPEG2000Lossless, RLELossless

from inputs import dicom as dicom_module
from inputs.dicom import DicomError, read_dicom
from inputs.dicom_writer import grey_dataset, phantom_dicom, to_bytes
from inputs.grey import dicom_case, model_tensor, pixel_digest
from inputs.image_io import load_image
from tests.dicom_files import SECRET_STRINGS, bundled, compressed, identified_phantom, ramp


@pytest.mark.parametrize("bits,signed", [(8, False), (12, False), (16, False), (16, True)])
def test_bit_depths_and_sign_round_trip(bits, signed):
    image = read_dicom(ramp(bits, signed))
    low = -(2 ** (bits - 1)) if signed else 0
    assert image.frames.min() == low and image.frames.max() == low + 2 ** bits - 1
    grey = dicom_case(image).model_grey()  # default: full range, monotone ramp
    assert grey.min() == 0 and grey.max() == 1 and np.all(np.diff(grey.ravel()) >= 0)


def test_rescale_and_window_presets_from_the_file():
    data = ramp(12, RescaleSlope=2, RescaleIntercept=-1024, WindowCenter=[40, -600],
                WindowWidth=[400, 1500], WindowCenterWidthExplanation=["SOFT", "LUNG"],
                Modality="CT")
    image = read_dicom(data)
    assert image.values()[0, 0] == -1024 and image.values()[-1, -1] == 2 * 4095 - 1024
    assert [p.name for p in image.presets] == ["SOFT", "LUNG"]
    assert image.default_voi().center == 40


def test_monochrome1_file_shows_low_values_white():
    image = read_dicom(ramp(12, PhotometricInterpretation="MONOCHROME1"))
    grey = dicom_case(image).model_grey()
    assert grey[0, 0] == 1 and grey[-1, -1] == 0


def test_voi_lut_sequence_is_a_preset():
    ds = pydicom.dcmread(io.BytesIO(ramp(8)))
    item = pydicom.Dataset()
    item.LUTDescriptor, item.LUTExplanation = [4, 0, 8], "STEPS"
    item.add_new("LUTData", "OW", np.array([0, 85, 170, 255], dtype="<u2").tobytes())
    ds.VOILUTSequence = [item]
    image = read_dicom(to_bytes(ds))
    assert image.presets[0].name == "STEPS"
    grey = dicom_case(image).model_grey()
    np.testing.assert_allclose(np.unique(grey), [0, 1 / 3, 2 / 3, 1], atol=1e-6)


def test_multi_frame_with_frame_choice():
    stored = np.stack([np.full((20, 24), v) for v in (10, 200, 90)]).astype(np.int64)
    image = read_dicom(to_bytes(grey_dataset(stored, 8)))
    assert image.frames.shape == (3, 20, 24)
    assert dicom_case(image, 1).values[0, 0] == 200
    with pytest.raises(ValueError):
        dicom_case(image, 3)


@pytest.mark.parametrize("syntax", [RLELossless, JPEG2000Lossless], ids=["rle", "j2k"])
def test_compressed_written_here_decode_losslessly(syntax):
    plain = phantom_dicom(2, 1)
    assert np.array_equal(read_dicom(compressed(plain, syntax)).frames, read_dicom(plain).frames)


@pytest.mark.parametrize("name", ["CT_small.dcm", "MR_small_RLE.dcm", "MR_small_jp2klossless.dcm",
                                  "MR_small_jpeg_ls_lossless.dcm", "JPEG2000.dcm",
                                  "MR_small_bigendian.dcm"])
def test_bundled_pydicom_files(name):
    image = read_dicom(bundled(name))
    assert image.frames.ndim == 3 and np.isfinite(dicom_case(image).model_grey()).all()


def test_bundled_mr_compressed_equals_uncompressed():
    ref = read_dicom(bundled("MR_small.dcm")).frames
    for name in ("MR_small_RLE.dcm", "MR_small_jp2klossless.dcm", "MR_small_jpeg_ls_lossless.dcm"):
        assert np.array_equal(read_dicom(bundled(name)).frames, ref)


@pytest.mark.parametrize("data,words", [
    (bundled("rtplan.dcm"), "no pixel data"),
    (bundled("JPEG-lossy.dcm"), "damaged"),
    (bundled("MR_truncated.dcm"), "damaged or truncated"),
    (phantom_dicom(2, 1)[:2000], "damaged or truncated"),
    (b"\0" * 128 + b"DICM" + b"\xff" * 64, "DICOM"),
], ids=["no-pixels", "corrupt-jpeg", "truncated-bundled", "truncated", "garbage"])
def test_bad_inputs_have_clear_messages(data, words):
    with pytest.raises(DicomError, match=words):
        read_dicom(data)


def test_colour_files_become_luma_with_a_note():
    rgb = pydicom.dcmread(io.BytesIO(bundled("SC_rgb_rle.dcm"))).pixel_array.astype(np.float32)
    image = read_dicom(bundled("SC_rgb_rle.dcm"))
    expected = rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    np.testing.assert_allclose(image.frames[0], expected, rtol=1e-6)
    assert image.photometric == "MONOCHROME2" and "colour DICOM (RGB)" in image.notes[-1]
    assert image.presets[0].width == 256  # 8-bit values, shown over their full range
    assert ("Photometric interpretation", "RGB") in image.technical  # the file's own, kept
    for name in ("SC_rgb_jpeg_dcmtk.dcm", "SC_ybr_full_422_uncompressed.dcm"):  # YBR -> RGB
        assert np.abs(read_dicom(bundled(name)).frames[0] - expected).mean() < 1.0
    cine = read_dicom(bundled("SC_rgb_rle_16bit_2frame.dcm"))
    assert cine.frames.shape == (2, 100, 100) and cine.presets[0].width == 2 ** 16
    assert read_dicom(bundled("GDCMJ2K_TextGBR.dcm")).frames.shape == (1, 400, 400)  # YBR_RCT
    palette = read_dicom(bundled("examples_palette.dcm"))
    assert palette.frames.shape == (1, 350, 800) and palette.frames.max() > 255  # 16-bit table
    assert palette.presets[0].width == 2 ** 16


def test_a_colour_interpretation_without_its_samples_is_refused():
    ds = pydicom.dcmread(io.BytesIO(bundled("SC_rgb_rle.dcm")))
    ds.SamplesPerPixel = 1
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=False)
    with pytest.raises(DicomError, match="not one this reader knows"):
        read_dicom(buffer.getvalue())


def test_unsupported_transfer_syntax():
    ds = pydicom.dcmread(io.BytesIO(phantom_dicom(2, 1)))
    ds.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.4.100"  # MPEG2 video
    ds.PixelData = pydicom.encaps.encapsulate([ds.PixelData])
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=False)
    with pytest.raises(DicomError, match="not supported"):
        read_dicom(buffer.getvalue())


def test_frame_and_pixel_limits(monkeypatch):
    stored = np.zeros((5, 20, 20), dtype=np.int64)
    data = to_bytes(grey_dataset(stored, 8))
    monkeypatch.setattr(dicom_module, "MAX_FRAMES", 4)
    with pytest.raises(DicomError, match="5 frames"):
        read_dicom(data)
    monkeypatch.setattr(dicom_module, "MAX_FRAMES", 100)
    monkeypatch.setattr(dicom_module, "MAX_TOTAL_PIXELS", 1000)
    with pytest.raises(DicomError, match="megapixels"):
        read_dicom(data)


def test_burned_in_annotation_flag():
    assert read_dicom(ramp(8, BurnedInAnnotation="YES")).burned_in
    assert not read_dicom(ramp(8)).burned_in


def test_no_identifier_leaves_the_reader(caplog, capsys):
    caplog.set_level(logging.DEBUG)
    data = identified_phantom()
    assert all(s.encode() in data for s in SECRET_STRINGS[2:5])  # the file does carry them
    image = read_dicom(data)
    case = dicom_case(image)
    kept = pickle.dumps((image, case)) + repr((image, case)).encode()
    text = str(image.technical) + caplog.text + "".join(capsys.readouterr())
    for secret in SECRET_STRINGS:
        assert secret.encode() not in kept and secret not in text


def test_model_input_digest_ignores_identifiers():
    """Same pixels, different patients: one cache key."""
    plain, tagged = phantom_dicom(2, 1), identified_phantom()
    digests = {pixel_digest(model_tensor(dicom_case(read_dicom(d)))) for d in (plain, tagged)}
    assert len(digests) == 1


def test_image_loader_routes_dicom():
    loaded = load_image(phantom_dicom(2, 1))
    assert loaded.format == "DICOM" and loaded.rgb.shape == (128, 128, 3)
