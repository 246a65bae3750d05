"""The pixel pipeline against hand-computed values, in the standard's order."""
from __future__ import annotations

import numpy as np
import pytest

from inputs.windowing import (VoiLut, Window, apply_voi_lut, apply_window, full_range,
                              modality_lut, render, to_uint8)


def test_modality_lut_slope_intercept():
    stored = np.array([0, 1000, 4095], dtype=np.uint16)
    assert modality_lut(stored, 1.0, -1024.0).tolist() == [-1024.0, -24.0, 3071.0]
    assert modality_lut(np.array([-2, 3], dtype=np.int16), 0.5, 10).tolist() == [9.0, 11.5]


def test_linear_window_hand_computed():
    # PS3.3 C.11.2.1.2.1, c=40, w=400: x <= c-0.5-(w-1)/2 = -160 -> 0; x > 239.0 -> 1;
    # else ((x - 39.5) / 399 + 0.5)
    values = np.array([-1000, -160, 39.5, 100, 239, 240], dtype=np.float32)
    got = apply_window(values, Window("soft", 40, 400))
    expected = [0, 0, 0.5, (100 - 39.5) / 399 + 0.5, (239 - 39.5) / 399 + 0.5, 1]
    np.testing.assert_allclose(got, expected, atol=1e-6)


def test_exact_and_sigmoid_windows():
    values = np.array([-160.0, 40.0, 240.0], dtype=np.float32)
    np.testing.assert_allclose(apply_window(values, Window("e", 40, 400, "LINEAR_EXACT")),
                               [0, 0.5, 1], atol=1e-6)
    sig = apply_window(values, Window("s", 40, 400, "SIGMOID"))
    np.testing.assert_allclose(sig, 1 / (1 + np.exp(-4 * (values - 40) / 400)), atol=1e-6)


def test_voi_lut_clamps_and_scales():
    lut = VoiLut("lut", first=-2, bits=8, table=np.array([0, 51, 255, 102]))
    got = apply_voi_lut(np.array([-10, -2, -1, 0, 1, 50], dtype=np.float32), lut)
    np.testing.assert_allclose(got, [0, 0, 0.2, 1.0, 0.4, 0.4], atol=1e-6)


def test_monochrome1_inverted_after_voi_not_before():
    values = np.array([0.0, 100.0, 1000.0], dtype=np.float32)
    window = Window("w", 100, 101)  # 0 -> 0, 1000 -> 1
    mono2 = render(values, window, "MONOCHROME2")
    mono1 = render(values, window, "MONOCHROME1")
    np.testing.assert_allclose(mono1, 1 - mono2)
    # inverting the values before the window would give 0 for both ends: not what we do
    assert mono1[0] == 1 and mono1[2] == 0


def test_full_range_maps_min_to_black_and_max_to_white():
    values = np.array([-1024, 0, 3071], dtype=np.float32)
    grey = apply_window(values, full_range(values))
    assert grey[0] == 0 and grey[-1] == 1 and to_uint8(grey).tolist()[1] == 64


def test_linear_window_refuses_width_below_one():
    with pytest.raises(ValueError):
        apply_window(np.zeros(2, dtype=np.float32), Window("bad", 0, 0.5))
