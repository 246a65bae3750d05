"""Issue 12's pieces without a browser: colour bars, the exported sheet's font, score
downloads, cheapest-first ordering, the weak-class note and the grid's layout."""
from __future__ import annotations

import csv
import io
import json

import numpy as np
from PIL import Image

from components.colorbar import colorbar_html, colorbar_image, ends
from components.display import Display, overlay_view
from components.export import SCORE_COLUMNS, score_record, scores_csv, scores_json
from components.grid import Panel, Pending, grid_columns, grid_html, grid_png
from components.page_help import weak_top_note
from components.png_sheet import font
from explainers import Explanation, explainer_entry
from explainers.cost import cheapest_first, expected_evals
from explainers.metrics import FaithfulnessScores

IMAGE = np.full((30, 40, 3), 120, dtype=np.uint8)


def glyph(text: str) -> bytes:
    return bytes(font().getmask(text))


def test_the_sheet_font_has_the_arrows_the_captions_use():
    missing = glyph("\U000f0000")  # a private-use code point: the font's empty box
    for arrow in "↓↑ρ✓×":
        assert glyph(arrow) != missing, arrow


def test_the_sheet_names_model_input_and_date_and_has_colour_bars():
    panel = Panel("Grad-CAM · “cat”", ("deletion AUC 0.2 ↓ · insertion AUC 0.7 ↑",), (IMAGE,))
    plain = Image.open(io.BytesIO(grid_png([panel], 1)))
    full = Image.open(io.BytesIO(grid_png([panel], 1, header=("Model: m · input: x",),
                                          bars=(("RdBu_r", True, "Signed"),))))
    assert full.height > plain.height + 60  # a header line and a bar
    strip = np.asarray(full)[-45:-30]  # the bar's colours run from blue to red
    assert strip[..., 2].max() > 100 and strip[..., 0].max() > 100


def test_colour_bars_say_what_their_ends_mean():
    assert ends(True) == ("against the class", "no effect", "for the class")
    assert ends(False)[0] == "low importance" and ends(False)[2] == "high importance"
    markup = colorbar_html("inferno", False, "<b>x</b>")
    assert "linear-gradient" in markup and "&lt;b&gt;" in markup
    bar = np.asarray(colorbar_image("inferno", False, "t", 200, font()))
    assert bar[25, 0].sum() < bar[25, -1].sum()  # dark (low) to bright (high)


def result(method: str, delta: float | None = None) -> Explanation:
    return Explanation(np.zeros((4, 4)), method, 3, False, 0.25, 7, delta=delta)


def test_scores_download_has_a_row_per_panel_with_every_fact():
    records = [score_record("gradcam", "Grad-CAM", {"layer": "1.features.18"}, 3, "cat",
                            result("gradcam"), FaithfulnessScores(0.2, 0.7, [0, 1], [1, 0], [0, 1])),
               score_record("integrated_gradients", "IG", {"steps": 8}, 3, "cat",
                            result("integrated_gradients", 0.01))]
    rows = list(csv.DictReader(io.StringIO(scores_csv(records).decode())))
    assert tuple(rows[0]) == SCORE_COLUMNS and rows[0]["parameters"] == "layer=1.features.18"
    assert rows[0]["deletion_auc"] == "0.2" and rows[1]["deletion_auc"] == ""
    report = json.loads(scores_json(records, {"model": "m", "input": "sha256 abc"}))
    assert report["about"]["input"] == "sha256 abc"
    assert report["panels"][1]["completeness_gap"] == 0.01
    assert report["panels"][0]["model_evaluations"] == 7


def test_cheap_methods_come_first():
    entries = {m: explainer_entry(m) for m in ("scorecam", "integrated_gradients", "gradcam",
                                                "saliency", "smoothgrad")}
    params = {m: () for m in entries}
    cells = [(m, 0) for m in entries]
    order = [m for m, _ in cheapest_first(cells, entries, params)]
    assert order[:2] == ["gradcam", "saliency"] and order[-1] == "scorecam"
    assert expected_evals(entries["integrated_gradients"], {"steps": 8}) == 8


def test_a_weak_top_class_gets_a_note():
    labels = ("a", "b", "c")
    assert weak_top_note(np.array([0.9, 0.05, 0.05]), labels) is None
    note = weak_top_note(np.array([0.3, 0.35, 0.35]), labels)
    assert note and "35%" in note and "3 classes" in note


def test_grid_has_fewer_columns_when_few_panels_and_placeholders_are_not_figures():
    assert grid_columns(1, 1, True) == 1 and grid_columns(3, 1, True) == 2
    assert grid_columns(3, 1, False) == 2 and grid_columns(4, 2, True) == 2
    assert grid_columns(5, 1, False) == 3 and grid_columns(5, 1, True) == 2
    markup = grid_html([Panel("done", (), (IMAGE, IMAGE)), Pending("<slow>")], 2)
    assert markup.count("<figure") == 1 and "&lt;slow&gt;" in markup
    assert "<details class=\"zoom\"" in markup  # a click enlarges


def test_a_weak_signed_map_still_shows_at_default_opacity():
    """Sparse signed maps (most |s| tiny, as Integrated Gradients gives) stay visible."""
    rng = np.random.default_rng(1)
    scores = rng.normal(0, 0.01, (30, 40))
    scores[0, 0] = 1.0  # one strong pixel sets the scale
    view = overlay_view(IMAGE, scores, True, Display())
    changed = np.abs(view.astype(int) - IMAGE.astype(int)).sum(-1) > 6
    assert changed.mean() > 0.3
