"""Display components: pure NumPy/PIL/Plotly, checked on small arrays with known answers."""
from __future__ import annotations

import io

import numpy as np
from PIL import Image

from components.agreement import agreement_figure, sanity_figure
from components.display import Display, overlay_view, raw_view, shown_scores, top_mask
from components.export import scores_npz
from components.facts import cost_caption, params_caption
from explainers import Explanation
from components.grid import Panel, grid_html, grid_png

RNG = np.random.default_rng(0)
IMAGE = RNG.integers(0, 256, (12, 16, 3), dtype=np.uint8)
SIGNED = RNG.normal(size=(12, 16)).astype(np.float32)


def test_top_mask_keeps_the_requested_share_by_magnitude():
    signs = np.where(np.arange(100) % 2, 1, -1)
    scores = (np.arange(100) * signs).astype(np.float32).reshape(10, 10)
    keep = top_mask(scores, 10)
    assert keep.sum() == 10
    assert np.abs(scores[keep]).min() >= np.abs(scores[~keep]).max()
    assert top_mask(scores, 100).all()


def test_absolute_view_drops_the_sign_and_unsigned_maps_are_untouched():
    values, signed = shown_scores(SIGNED, True, Display(absolute=True))
    assert not signed and (values >= 0).all() and np.allclose(values, np.abs(SIGNED))
    values, signed = shown_scores(np.abs(SIGNED), False, Display(absolute=True))
    assert not signed and np.array_equal(values, np.abs(SIGNED))


def test_overlay_at_zero_opacity_is_the_image_and_masked_pixels_are_dimmed():
    assert np.array_equal(overlay_view(IMAGE, SIGNED, True, Display(opacity=0.0)), IMAGE)
    view = overlay_view(IMAGE, np.abs(SIGNED), False, Display(opacity=1.0, keep_top=25))
    keep = top_mask(np.abs(SIGNED), 25)
    dimmed = (0.3 * IMAGE.astype(np.float32)).round().astype(np.uint8)
    assert np.array_equal(view[~keep], dimmed[~keep])
    assert not np.array_equal(view[keep], IMAGE[keep])


def test_signed_overlay_leaves_zero_score_pixels_as_they_were():
    scores = SIGNED.copy()
    scores[:, :4] = 0
    view = overlay_view(IMAGE, scores, True, Display(opacity=0.8))
    assert np.array_equal(view[:, :4], IMAGE[:, :4])


def test_raw_view_greys_out_what_the_mask_drops():
    view = raw_view(SIGNED, True, Display(keep_top=50))
    keep = top_mask(SIGNED, 50)
    assert (view[~keep] == 200).all() and view.shape == IMAGE.shape


def test_grid_html_escapes_text_and_inlines_images():
    panel = Panel("<b>x</b>", ("a<script>",), (IMAGE, IMAGE), ("warn", "<i>bad</i>"))
    body = grid_html([panel, panel], 2, {"model-calls": 7})
    assert "<script" not in body and "<b>x</b>" not in body and "<i>" not in body
    assert "&lt;script&gt;" in body and 'data-model-calls="7"' in body
    assert body.count('src="data:image/jpeg;base64,') == 4
    assert "repeat(2," in body


def test_grid_png_tiles_the_panels_with_their_captions():
    panels = [Panel("m", ("line",), (IMAGE,)), Panel("n", ("line", "more"), (IMAGE, IMAGE))]
    sheet = Image.open(io.BytesIO(grid_png(panels, columns=2, side=32)))
    assert sheet.format == "PNG"
    assert sheet.width >= 32 + 2 * 32 and sheet.height >= 24 + 3 * 18


def test_scores_npz_round_trips():
    data = np.load(io.BytesIO(scores_npz({"gradcam__1": SIGNED})))
    assert np.array_equal(data["gradcam__1"], SIGNED)


def test_figures_and_captions():
    fig = agreement_figure(np.eye(2), ["a", "b"])
    assert fig.data[0].z.tolist() == [[1, 0], [0, 1]]
    fig = sanity_figure({"a": (["l1", "l2"], [0.9, 0.1])})
    assert list(fig.data[0].y) == [0.9, 0.1]
    assert params_caption({"steps": 8, "batch": 16, "sigma": 0.25}) == "steps=8, sigma=0.25"



def test_cost_caption_counts_in_words():
    def caption(evals: int, delta: float | None = None) -> str:
        return cost_caption(Explanation(scores=np.zeros((2, 2), np.float32), method="m", target=0,
                                        signed=False, seconds=0.5, model_evals=evals, delta=delta))
    assert caption(1) == "0.50 s · 1 model evaluation"
    assert caption(52, 0.01) == "0.50 s · 52 model evaluations · completeness gap +0.010"
