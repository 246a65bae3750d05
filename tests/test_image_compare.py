"""The image page's "Compare with…": a second model's prediction change and signed
difference maps on one scale; models without the explained class are refused in a line."""
from __future__ import annotations

import numpy as np
import pytest

from workflows.image_compare import CompareError, compare_on_image


def test_difference_maps_are_b_minus_a_of_peak_normalised_maps_on_one_scale():
    a = {"m1": np.array([[2.0, 0.0], [0.0, 0.0]]), "m2": np.array([[0.0, 1.0], [0.0, 0.0]])}
    b = {"m1": np.array([[0.0, 0.0], [0.0, 5.0]]), "m2": np.array([[0.0, 3.0], [0.0, 0.0]])}
    found = compare_on_image(("A", "B"), (("cat", "dog"), ("Dog", "cat", "fox")),
                             (np.array([0.9, 0.1]), np.array([0.2, 0.7, 0.1])), 0, a, b)
    np.testing.assert_allclose(found.maps["m1"], [[-1, 0], [0, 1]])
    np.testing.assert_allclose(found.maps["m2"], 0)  # same place, different scale: no change
    assert found.scale == 1.0 and found.label_p == (0.9, 0.7)  # "cat" found in B by name
    assert "stays cat" in found.sentence
    with pytest.raises(CompareError, match="has no class “dog”"):
        compare_on_image(("A", "C"), (("cat", "dog"), ("cat", "fox")),
                         (np.array([0.1, 0.9]), np.array([0.5, 0.5])), 1, a, b)


@pytest.mark.slow
def test_the_image_page_compares_with_a_second_model():
    from tests.test_app import run_image_page

    app = run_image_page(image_methods=["gradcam"], image_faithfulness=False)
    app.selectbox(key="image_compare").set_value("efficientnet_lite0").run()
    assert not app.exception, app.exception
    assert any("mobilenet_v2 → efficientnet_lite0" in m.value for m in app.markdown)
    assert any("gradcam: efficientnet_lite0 − mobilenet_v2" in str(i.proto) for i in
               app.get("image"))
    app.selectbox(key="image_compare").set_value("shortcut_cnn").run()
    assert not app.exception
    assert any("shortcut_cnn has no class" in w.value for w in app.warning)
