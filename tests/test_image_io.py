"""The safe loader on a generated battery of hostile and awkward files."""
from __future__ import annotations

import numpy as np
import pytest

from inputs.image_io import ImageDecodeError, decode_image, load_image
from inputs.sources import load_source
from tests.bad_images import battery

CASES = battery()
REFUSED = [name for name, case in CASES.items() if case.error]
DECODED = [name for name, case in CASES.items() if not case.error]


def test_the_battery_is_big_enough():
    assert len(REFUSED) >= 25 and len(CASES) >= 40


@pytest.mark.parametrize("name", REFUSED)
def test_bad_files_are_refused_with_a_clear_message(name):
    with pytest.raises(ImageDecodeError) as caught:
        load_image(CASES[name].data)
    message = str(caught.value)
    assert CASES[name].error in message
    assert "\n" not in message and len(message) < 200


@pytest.mark.parametrize("name", DECODED)
def test_awkward_files_decode_with_a_note(name):
    case = CASES[name]
    loaded = load_image(case.data)
    assert loaded.rgb.shape == case.shape and loaded.rgb.dtype == np.uint8
    assert not loaded.rgb.flags.writeable
    if case.note is None:
        assert loaded.notes == ()
    else:
        assert any(case.note in note for note in loaded.notes), loaded.notes
    assert 20 < loaded.rgb.mean() < 235, "clipped to black or white"
    assert np.array_equal(decode_image(case.data), loaded.rgb)


def test_wide_images_keep_their_gradient():
    for name in ("sixteen_bit_png", "float_tiff_unit", "float_tiff_wide", "int32_tiff_wide"):
        row = load_image(CASES[name].data).rgb[:, :, 0].ravel()
        assert row[0] == 0 and row[-1] == 255, name
        assert np.all(np.diff(row.astype(int)) >= 0), name


def test_transparency_is_composited_on_white():
    rgb = load_image(CASES["rgba_half_transparent"].data).rgb
    assert (rgb[:, 16:] == 255).all()
    assert (rgb[:, :16, 0] == 200).all() and (rgb[:, :16, 1] == 0).all()
    palette = load_image(CASES["palette_transparency"].data).rgb
    assert (palette[:, :16] == 255).all() and tuple(palette[0, 20]) == (255, 0, 0)


def test_exif_rotation_is_applied_before_anything_else():
    rgb = load_image(CASES["exif_rotated"].data).rgb
    # the 80x40 gradient grows left to right in red; rotated 90 CW it grows top to bottom
    assert rgb[-1, :, 0].mean() > rgb[0, :, 0].mean() + 100


def test_first_frame_is_the_one_shown():
    for name in ("animated_gif", "animated_webp", "multipage_tiff"):
        rgb = load_image(CASES[name].data).rgb
        assert tuple(rgb[10, 10]) == (255, 0, 0), name


def test_sources_carry_the_notes():
    loaded = load_source(CASES["animated_gif"].data)
    assert "3 frames" in loaded.notes[0]
    assert load_source("sample:chelsea").notes == ()
