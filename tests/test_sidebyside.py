"""The side-by-side benchmark's calls (bench/sidebyside.py), run on a tiny conv net with batch
norms (so the folded network is in play) and not timed: each of our maps equals its
library's at the suite's settings, within the stated tolerance."""
from __future__ import annotations

import numpy as np
import pytest

from bench.sidebyside import pairs
from tests.image_method_models import conv_model, red_and_green

SETTINGS = {"gradcam": {"layer": -1}, "saliency": {},
            "integrated_gradients": {"steps": 8, "baseline": "black", "adaptive": False,
                                     "batch": 8},
            "occlusion": {"window": 4, "stride": 2, "fill": "black", "batch": 16},
            "shap": {"max_evals": 64, "blur": 4, "batch": 16}}
# Folding the norms changes the float rounding only; occlusion's drops are differences of
# close logits, so the bound is 1e-4 of the map's largest value (measured: 3e-5 at most).
RELATIVE = 1e-4


@pytest.mark.parametrize("method", list(SETTINGS))
def test_ours_equals_the_library_at_the_benchmarks_settings(method):
    model = conv_model(0)  # class 1's Grad-CAM is not all zero on this net
    image = red_and_green(16) * 0.8 + 0.1
    pair = next(p for p in pairs(model, image, 1, SETTINGS) if p.method == method)
    ours, theirs = np.asarray(pair.ours()), np.asarray(pair.theirs())
    assert ours.shape == theirs.shape == (16, 16)
    assert np.abs(theirs).max() > 0
    np.testing.assert_allclose(ours, theirs, atol=RELATIVE * np.abs(theirs).max())


@pytest.mark.slow
def test_the_suite_reports_load_settings_and_a_row_per_pair():
    from bench.core import run_benchmarks

    report = run_benchmarks(quick=True, only=["sidebyside"])
    facts = report["sidebyside"]
    assert len(facts["loadavg_before"].split()) >= 3 and facts["interleaved"]
    assert facts["settings"]["occlusion"]["batch"] == 16 and facts["statistic"] == "median"
    rows = {r["method"].split(" ")[0]: r for r in report["methods"]}
    assert set(rows) == {f"sidebyside:{m}" for m in SETTINGS}
    assert rows["sidebyside:occlusion"]["library"].startswith("captum Occlusion")
    assert all(r["speedup_vs_library"] > 0 and "target_met" in r for r in rows.values())
