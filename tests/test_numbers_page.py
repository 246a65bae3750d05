"""The image page says in words whether a map beats random (ROAD) and what the sanity
check concluded from its whole curve (AppTest)."""
from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # a full page through AppTest

VERDICT = re.compile(r"(Faithful|Cannot tell from random|Worse than random) on this image|"
                     r"families disagree on this image")


def grid_text(app: AppTest, index: int = 0) -> str:
    return re.sub(r"<[^>]+>", " ", app.get("html")[index].proto.body)


def test_road_verdict_and_sanity_verdict_are_written_on_the_page():
    app = AppTest.from_file(str(ROOT / "pages" / "image.py"), default_timeout=600)
    app.session_state["image_methods"] = ["gradcam"]
    app.session_state["image_sanity_depth"] = 1
    app.run()
    assert not app.exception, app.exception
    text = grid_text(app)
    assert VERDICT.search(text) and "ROAD MoRF" in text
    assert any("ROAD (Rong et al. 2022)" in c.value for c in app.caption)
    assert any(re.search(r"About \d+ s: 1 blocks", c.value) for c in app.caption)
    app.button(key="image_sanity_run").click().run()
    assert not app.exception, app.exception
    sanity = grid_text(app, -1)
    assert re.search(r"Depends on the model|Insensitive to the model|vanishes|constant", sanity)
    assert any("mean Spearman ρ over the first 3" in c.value for c in app.caption)


def test_road_ranks_a_signed_map_as_shown():
    """With "Absolute values" on, a signed map's ROAD verdict is about |map|, and says so."""
    app = AppTest.from_file(str(ROOT / "pages" / "image.py"), default_timeout=600)
    app.session_state["image_methods"] = ["saliency", "grad_x_input"]
    app.run()
    assert not app.exception, app.exception
    signed = grid_text(app)
    assert VERDICT.search(signed) and "ranked by |value|" not in signed
    hint = "ranks them by magnitude"  # the note on signed orders, while one is ranked so
    assert any(hint in c.value for c in app.caption)
    app.toggle(key="image_absolute").set_value(True).run()
    assert not app.exception, app.exception
    shown = grid_text(app)
    assert shown.count("ranked by |value|") == 1  # gradient x input is signed, saliency not
    assert not any(hint in c.value for c in app.caption)
    assert len(VERDICT.findall(shown)) == 2
