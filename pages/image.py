"""Image page: an image, a model, several methods and classes; a grid of maps with their
faithfulness, the methods' agreement and a sanity check. Display controls only redraw, but
"Absolute values" also re-ranks signed maps for the faithfulness check (cached per ranking)."""
from __future__ import annotations

from dataclasses import astuple
from datetime import datetime, timezone

import numpy as np
import streamlit as st

from components.agreement import agreement_figure, sanity_curves, sanity_figure
from components.checkpoint_form import checkpoint_form
from components.colormaps import SIGNED_CHOICES, UNSIGNED_CHOICES
from components.display import Display, raw_view, shown_scores
from components.curves import road_figure
from components.export import score_record, scores_csv, scores_json, scores_npz
from components.facts import (FAITHFULNESS_NOTE, ROAD_SIGNED_NOTE, cost_caption,
                              faithfulness_caption, params_caption, sanity_verdict_badge)
from components.grid import Panel, Pending, grid_columns, grid_html, grid_png
from components.page_help import FAITHFULNESS_HELP, GLOSSARY, LAYER_HELP, weak_top_note
from components.pickers import model_picker, param_inputs, shown_params, target_picker
from components.sanity_controls import sanity_controls, sanity_request
from components.two_families_view import TWO_FAMILIES_NOTE, two_families_lines
from components.predictions import top_k_figure
from components.progress import model_calls
from components.source_picker import image_source
from dashboard_cache import (cached_agreement, cached_explanation, cached_loaded, cached_map_score,
                             cached_model, cached_panel_images, cached_probabilities,
                             cached_random_score, cached_sanity_all, cached_work,
                             user_checkpoint)
from explainers import compatible_methods
from workflows.methods import unavailable_notes
from explainers.cost import cheapest_first
from explainers.metrics.class_similarity import SAME_RHO, similar_class_pairs
from explainers.metrics.sanity import blocks_to_randomise
from explainers.metrics.sanity_verdict import RULE as SANITY_RULE
from model_zoo import model_entries
from inputs.image_io import ImageDecodeError, to_tensor
from inputs.upload import SAMPLE_PREFIX, source_digest
from navigation import app_page
from workflows.model_input import ModelInput

app_page("Image", icon=":material/image:", order=10, default=True)

DEFAULT_METHODS = ("gradcam", "integrated_gradients", "saliency")
MAX_METHODS, MAX_TARGETS = 6, 4
FAITH_METRICS = ("ROAD vs random maps", "Pixel deletion/insertion (as in papers)")


def method_settings(model, entries: list) -> dict[str, tuple]:
    """Per-method parameters from the registry, one expander each; name -> sorted items."""
    params = {}
    columns = st.columns(min(3, max(1, len(entries))))
    for i, entry in enumerate(entries):
        with columns[i % len(columns)].expander(f"{entry.title} settings"):
            if entry.summary:
                st.caption(entry.summary)
            if "layer" in entry.defaults:
                st.caption(LAYER_HELP)
            values = param_inputs(entry, model, f"image_param_{entry.name}")
        params[entry.name] = tuple(sorted(values.items()))
    return params


def display_controls() -> Display:
    cols = st.columns([3, 2, 2, 3, 2])
    opacity = cols[0].slider("Overlay opacity", 0.0, 1.0, 0.5, 0.05, key="image_opacity")
    signed = cols[1].selectbox("Signed maps", SIGNED_CHOICES, key="image_cmap_signed")
    unsigned = cols[2].selectbox("Unsigned maps", UNSIGNED_CHOICES, key="image_cmap_unsigned")
    keep = cols[3].slider("Keep the top % of pixels", 5, 100, 100, 5, key="image_keep_top")
    absolute = cols[4].toggle("Absolute values", key="image_absolute")
    raw = cols[4].toggle("Raw map beside", value=False, key="image_raw")  # big overlays first
    return Display(opacity, signed, unsigned, absolute, float(keep), raw)


st.header("Why this image?")
source_col, model_col, chart_col = st.columns([4, 4, 3])
with source_col:
    source = image_source("image")
with model_col:
    model_name = model_picker("image", key="image_model")
    own = checkpoint_form("image_checkpoint")
    if own is not None:
        try:
            model_name = user_checkpoint(own.arch, own.weights, own.labels)
        except ValueError as err:
            st.error(f"Could not load your checkpoint: {err}")
    model = cached_model(model_name)
    entries = {e.name: e for e in compatible_methods(model)}
    kept = st.session_state.get("image_methods", [m for m in DEFAULT_METHODS if m in entries])
    st.session_state["image_methods"] = [m for m in kept if m in entries]  # after a model change
    picked = st.multiselect("Methods", list(entries), key="image_methods",
                            format_func=lambda name: entries[name].title,
                            max_selections=MAX_METHODS)
    for note in unavailable_notes(model):  # e.g. no learned explainer trained for it
        st.caption(note)

try:
    loaded = cached_loaded(source)
except (ImageDecodeError, ValueError) as err:
    st.error(f"Could not read this image: {err}. Try a JPEG or PNG photo.")
    st.stop()
rgb = loaded.rgb
if loaded.notes:
    with source_col:
        st.info("Note: " + "; ".join(loaded.notes) + ".", icon=":material/info:")
source_id = source_digest(source)
probs = cached_probabilities(model_name, source)
with chart_col:
    st.caption("Top-5 predictions")
    st.plotly_chart(top_k_figure(probs, model.labels), width="stretch")
    weak = weak_top_note(probs, model.labels)
    if weak:
        st.warning(weak, icon=":material/help:")
with model_col:
    targets = target_picker(probs, model.labels, key="image_targets", multiple=True,
                            context=(model_name, source_id), max_selections=MAX_TARGETS)
if not picked or not targets:
    st.info("Pick at least one method and one class to explain.")
    st.stop()
params = method_settings(model, [entries[m] for m in picked])
display = display_controls()
st.session_state.setdefault("image_faithfulness", True)
faith_col, metric_col = st.columns([3, 2], vertical_alignment="center")
faithful = faith_col.toggle("Faithfulness of every map against random maps (a few seconds "
                            "per map, once)", key="image_faithfulness", help=FAITHFULNESS_HELP)
use_road = metric_col.radio("Metric", FAITH_METRICS, key="image_faith_metric",
                            horizontal=True, label_visibility="collapsed") == FAITH_METRICS[0]
with st.expander("What do these words mean?"):
    st.markdown(GLOSSARY)

cells = [(m, t) for m in picked for t in targets]
columns = grid_columns(len(cells), len(targets), display.show_raw)
status = st.container()  # progress bars above the grid (its slot: ``kept_slot`` below)
results, failed = {}, set()


def title(method: str, target: int) -> str:
    return f"{entries[method].title} · “{model.labels[target]}”"


def faith_lines(method: str, target: int, auc: dict) -> list[str]:
    """ROAD areas and the verdict in words, or the pixel deletion/insertion areas."""
    if (method, target) not in auc:
        return []
    found = auc[method, target]
    by = " (ranked by |value|)" if ranked_map(method, target)[0] == "magnitude" else ""
    if not use_road:
        return [faithfulness_caption(found.deletion_auc, found.insertion_auc) + by]
    return two_families_lines(found, by)


def panel(method: str, target: int, auc: dict, sanity: dict) -> Panel:
    """One grid cell: the overlay (and raw map), parameters, cost, faithfulness, sanity badge."""
    result = results[method, target]
    lines = [params_caption(shown_params(entries[method], model, dict(params[method]))),
             cost_caption(result), result.extras.get("note", ""),  # e.g. "Learned ..."
             *faith_lines(method, target, auc)]
    report = sanity.get(method) if target == targets[0] else None
    badge = sanity_verdict_badge(report.verdict) if report else None
    drawn = cached_panel_images((model_name, source_id, method, target, params[method]),
                                astuple(display), display, rgb, result.scores, result.signed)
    legend = ((display.signed_cmap, True) if result.signed and not display.absolute
              else (display.unsigned_cmap, False))  # the bar under this panel's own map
    return Panel(title(method, target), tuple(line for line in lines if line),
                 tuple(image for image, _ in drawn), badge, tuple(uri for _, uri in drawn),
                 legend)


def colour_bars() -> list[tuple[str, bool, str]]:
    """One bar per colormap in use, titled with the methods drawn in it."""
    signed = {entries[m].signed and not display.absolute for m in picked}
    return [(display.signed_cmap, True, "Signed maps: red for the class, blue against")
            if kind else (display.unsigned_cmap, False, "Unsigned maps: importance")
            for kind in sorted(signed, reverse=True)]


def draw_grid(auc: dict, sanity: dict) -> list[Panel]:
    """Finished panels, and placeholders for the maps still being computed."""
    shown = [panel(m, t, auc, sanity) if (m, t) in results else Pending(title(m, t))
             for m, t in cells if (m, t) not in failed]
    pending = sum(isinstance(p, Pending) for p in shown)
    grid_slot.html(grid_html(shown, columns, {"model-calls": model_calls(), "pending": pending}))
    st.session_state["image_drawn"] = {kept_key(m, t): p for (m, t), p in
                                       zip([c for c in cells if c not in failed], shown)
                                       if isinstance(p, Panel)}
    return [p for p in shown if isinstance(p, Panel)]


def kept_key(method: str, target: int) -> tuple:
    return model_name, source_id, method, target, params[method], astuple(display)


def kept_slot():
    """The grid's slot, created holding the panels the last run drew and placeholders where
    new maps will go (an empty slot would blank the grid while a slow map is computed)."""
    drawn = st.session_state.get("image_drawn", {})
    shown = [drawn.get(kept_key(m, t)) or Pending(title(m, t), "computing… (progress above)")
             for m, t in cells]
    pending = sum(isinstance(p, Pending) for p in shown)
    if 0 < pending < len(shown):
        return st.html(grid_html(shown, columns, {"model-calls": model_calls(),
                                                  "pending": pending}))
    return st.empty()


grid_slot = kept_slot()


def shared_group(target: int) -> dict:
    """The picked gradient methods that read one forward+backward, computed together
    (workflows/explain_many): the first panels cost one pass, whichever of them is first."""
    group = tuple((m, params[m]) for m in picked if entries[m].shared is not None)
    if len(group) < 2:
        return {}
    found = cached_work("explain_many:explain_group", model_name,
                        ModelInput.of(to_tensor(rgb)), target, group)
    return {(m, target): result for m, result in found.items()}


with status:  # cheapest first, each panel drawn as soon as its map exists
    for method, target in cheapest_first(cells, entries, params):
        calls = model_calls()
        try:
            if (method, target) not in results and entries[method].shared is not None:
                try:
                    results |= shared_group(target)
                except (ValueError, RuntimeError):
                    pass  # each method alone, below, says what went wrong
            if (method, target) not in results:
                results[method, target] = cached_explanation(model_name, method, source,
                                                             target, params[method])
        except (ValueError, RuntimeError) as err:
            failed.add((method, target))
            st.warning(f"{entries[method].title} could not explain this image: {err}")
        if model_calls() != calls and len(results) + len(failed) < len(cells):
            draw_grid({}, {})
cells = [c for c in cells if c in results]


def ranked_map(method: str, target: int) -> tuple[str, np.ndarray]:
    """The map as shown, and how it is ranked: signed maps by |value| when the display says so."""
    result = results[method, target]
    scores, signed = shown_scores(result.scores, result.signed, display)
    return ("magnitude" if result.signed and not signed else "value"), scores


faithful_keys = {(model_name, source_id, m, t, params[m], use_road, ranked_map(m, t)[0])
                 for m, t in cells}
faithful_seen = st.session_state.setdefault("image_faithful_seen", set())
if faithful and not faithful_keys <= faithful_seen:
    draw_grid({}, {})  # the maps first; the checks below fill in their captions
auc, baselines, sanity = {}, {}, {}
with status:
    if faithful:
        metric = "road" if use_road else "pixels"
        baselines = {} if use_road else {t: cached_random_score(model_name, source, t, metric)
                                         for t in targets}  # ROAD: each map has its own
        for m, t in cells:  # each panel's scores as soon as they exist
            calls = model_calls()
            auc[m, t] = cached_map_score(model_name, m, source, t, params[m], *ranked_map(m, t),
                                         metric)
            if model_calls() != calls:
                draw_grid(auc, {})
        faithful_seen |= faithful_keys  # known cached: next time the grid is drawn once
panels = draw_grid(auc, sanity)

input_name = (source[len(SAMPLE_PREFIX):] if isinstance(source, str)  # a file name may
              and source.startswith(SAMPLE_PREFIX) else f"sha256 {source_id[:12]}")  # name a patient
stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
def road_facts(m: str, t: int) -> tuple:
    """Both faithfulness families of a panel for the export, or None."""
    return auc.get((m, t)) if use_road else None


records = [score_record(m, entries[m].title,
                        shown_params(entries[m], model, dict(params[m])), t,
                        model.labels[t], results[m, t],
                        None if use_road else auc.get((m, t)),
                        sanity.get(m) if t == targets[0] else None,
                        families=road_facts(m, t)) for m, t in cells]
about = {"model": model_name, "input": input_name, "date": stamp,
         "classes": [f"{model.labels[t]} ({t})" for t in targets]}
header = (f"Model: {model_name} · input: {input_name} · {stamp}",
          "Classes: " + ", ".join(about["classes"]))
down = st.columns(4)
down[0].download_button("Download the grid (PNG)",
                        lambda: grid_png(panels, columns, header=header,
                                         bars=tuple(colour_bars())),
                        file_name="explanations.png", mime="image/png", on_click="ignore",
                        key="image_download_png")
down[1].download_button("Scores (CSV)", lambda: scores_csv(records), file_name="scores.csv",
                        mime="text/csv", on_click="ignore", key="image_download_csv")
down[2].download_button("Scores (JSON)", lambda: scores_json(records, about),
                        file_name="scores.json", mime="application/json", on_click="ignore",
                        key="image_download_json")
down[3].download_button(
    "Download the raw maps (.npz)",
    lambda: scores_npz({f"{m}__{t}": results[m, t].scores for m, t in cells}),
    file_name="explanations.npz", mime="application/octet-stream", on_click="ignore",
    key="image_download_npz")
if ("vit_attention", targets[0]) in results:  # an image transformer: every layer x head
    from components.attention_tiles import attention_tiles

    st.subheader("Attention per layer and head")
    tiles, captions = attention_tiles(rgb, results["vit_attention", targets[0]].extras["attentions"])
    st.image(tiles, caption=captions, width=110)

if auc and use_road:
    signed_shown = any(results[c].signed and ranked_map(*c)[0] == "value" for c in cells)
    st.caption(TWO_FAMILIES_NOTE + (ROAD_SIGNED_NOTE if signed_shown else ""))
    if st.toggle("Show the ROAD curves", key="image_road_curves"):
        curve_cols = st.columns(min(3, len(cells)))
        for i, (m, t) in enumerate(cells):
            curve_cols[i % len(curve_cols)].plotly_chart(
                road_figure(auc[m, t].road, auc[m, t].road_null, title(m, t)), width="stretch",
                key=f"image_road_{m}_{t}")
elif baselines:
    st.caption(FAITHFULNESS_NOTE + " A random map scores: " + "; ".join(
        f"“{model.labels[t]}” {faithfulness_caption(b.deletion_auc, b.insertion_auc)}"
        for t, b in baselines.items()))

if len(cells) > 1:
    st.subheader("Do the methods agree?")
    maps = tuple(shown_scores(results[c].scores, results[c].signed, Display(absolute=True))[0]
                 for c in cells)
    matrix = cached_agreement(tuple((model_name, source_id, m, t, params[m]) for m, t in cells),
                              maps)
    st.plotly_chart(agreement_figure(matrix, [title(m, t) for m, t in cells]), width="stretch")
    st.caption("Spearman rank correlation of |map| between every pair of panels "
               "(1: same pixel ranking, 0: unrelated).")
    for pair in similar_class_pairs(cells, matrix):
        a, b = (model.labels[t] for t in pair.targets)
        st.warning(f"{entries[pair.method].title} gives nearly the same map for “{a}” and "
                   f"“{b}” (ρ {pair.rho:.2f} > {SAME_RHO}): here it does not show what "
                   "separates the classes. A known limit of Grad-CAM-like maps at the last "
                   "layer; try an earlier layer or a gradient method.",
                   icon=":material/content_copy:")

st.subheader("Compare with another model")
compare = st.selectbox("Compare with…", ["(nothing)", *[e.name for e in model_entries("image")
                                                       if e.name != model_name]],
                       key="image_compare", help="A second model on this image: prediction "
                       "change and each method's difference map, on the first class picked.")
if compare != "(nothing)":
    from components.image_compare_view import compare_section
    from workflows.image_compare import CompareError, class_in, compare_on_image

    other = cached_model(compare)
    try:
        t_b = class_in(other.labels, model.labels[targets[0]], compare)
        shared = [m for m, t in cells if t == targets[0] and
                  m in {e.name for e in compatible_methods(other)}]
        compare_section(compare_on_image(
            (model_name, compare), (model.labels, other.labels),
            (probs, cached_probabilities(compare, source)), targets[0],
            {m: results[m, targets[0]].scores for m in shared},
            {m: cached_explanation(compare, m, source, t_b).scores for m in shared}))
    except (CompareError, ValueError, RuntimeError) as err:
        st.warning(f"Cannot compare: {err}")

st.subheader("Sanity check")
st.caption(f"Cascading randomisation (Adebayo et al. 2018): the blocks of {model_name} are "
           f"re-initialised from the output down and each method re-explains "
           f"“{model.labels[targets[0]]}”. A map that barely changes does not depend on what "
           "the model learned. " + SANITY_RULE)
sanity_asked = sanity_request("image", (model_name, source_id, targets[0],
                                         tuple(sorted(params.items()))))
once = sum(results[m, targets[0]].seconds for m in picked if (m, targets[0]) in results)
run_col = sanity_controls("image", sanity_asked,
                          blocks_to_randomise(model, sanity_asked.max_steps), once,
                          "explanations", "Run the sanity check for the shown methods")
if sanity_asked.wanted:
    with run_col:  # the progress bar beside the button that started it
        sanity = cached_sanity_all(model_name, tuple(picked), source, targets[0],
                                   tuple((m, params[m]) for m in picked), sanity_asked.max_steps)
    panels = draw_grid(auc, sanity)  # the badges join the panels
if sanity:
    st.plotly_chart(sanity_figure(sanity_curves(sanity, {m: entries[m].title for m in sanity})),
                    width="stretch")
    rows = [Panel(f"{entries[m].title}: original vs randomised",
                  (r.verdict.text, f"Spearman ρ {r.final_spearman:.2f} after randomising "
                                   f"{len(r.steps)} blocks"),
                  (raw_view(r.original.scores, r.original.signed, display),
                   raw_view(r.steps[-1].scores, r.original.signed, display)),
                  sanity_verdict_badge(r.verdict))
            for m, r in sanity.items() if r.steps]
    st.html(grid_html(rows, min(3, len(rows)) or 1))
