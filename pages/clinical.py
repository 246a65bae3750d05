"""Clinical page: a DICOM (or PNG) windowed for viewing, explained by several methods on the
model's own input, with localisation scores against a mask and a PDF case report.
Patient and study identifiers are never read out of the file; see inputs/dicom.py."""
from __future__ import annotations

from dataclasses import astuple, replace

import numpy as np
import streamlit as st

from navigation import app_page

app_page("Clinical", icon=":material/radiology:", order=60)

from components.agreement import sanity_curves, sanity_figure
from components.case_facts import map_entry, window_text
from components.case_keys import case_key
from components.case_report import case_report_pdf
from components.clinical_panels import clinical_panel, localisation_caption, technical_html
from components.display import Display
from components.facts import cost_caption, sanity_verdict_badge
from components.grid import data_uri, grid_html
from components.sanity_controls import sanity_controls, sanity_request
from components.two_families_view import TWO_FAMILIES_NOTE, two_families_lines
from components.window_controls import window_controls
from components.progress import model_calls
from dashboard_cache import (cached_data, cached_explanation, cached_identity, cached_map_score,
                             cached_model, cached_panel_images, cached_probabilities,
                             cached_sanity_all, cached_work)
from explainers import compatible_methods
from explainers.metrics.localisation import localisation_scores
from explainers.metrics.sanity import blocks_to_randomise
from explainers.metrics.sanity_verdict import RULE as SANITY_RULE
from explainers.metrics.two_families import two_families_payload
from inputs.dicom import DicomError, is_dicom, read_dicom
from inputs.grey import dicom_case, model_tensor, picture_case
from inputs.image_io import ImageDecodeError
from inputs.seg import ground_truth_of
from inputs.overlays import overlay_mask
from inputs.phantoms import phantom_case
from inputs.real_scans import REAL_SCANS, real_scan_bytes
from inputs.windowing import VoiLut
from workflows.case_report import PHANTOM_SEED, case_facts
from workflows.model_input import ModelInput
from components.pickers import model_picker
from components.onnx_upload import onnx_form
from model_zoo.domain_check import domain_warnings
from model_zoo.training_domain import training_domain

DEFAULT_MODEL = "xray_phantom_cnn"
DEFAULT_METHODS = ("gradcam", "integrated_gradients", "saliency")
PHANTOM_SAMPLES = {"Phantom case A (lesion)": 1, "Phantom case B (small lesion)": 5,
                   "Phantom case C (no lesion)": 0}
MAX_METHODS = 6
VIEW_SIDE = 512
TEACHING_NOTE = ("Not a diagnostic device. The phantom model is a synthetic teaching model "
                 "trained on generated chest-like images; the brain MRI model is a "
                 "third-party package's, checked here on 17 slices only. Nothing you upload "
                 "is stored; patient and study identifiers are never read out of the file.")


def read_case(data: bytes, frame: int):
    """(GreyCase, frames) of the bytes; DICOM by content, any other picture as grey."""
    if is_dicom(data):
        image = read_dicom(data)
        return dicom_case(image, min(frame, len(image.frames) - 1)), len(image.frames)
    return picture_case(data), 1


def choose_bytes() -> tuple[bytes, str, int | None]:
    """The upload, else a bundled case; (bytes, source id, phantom index or None)."""
    upload = st.file_uploader("Upload a DICOM or PNG", type=None, key="clinical_upload")
    sample = st.selectbox("…or a bundled case", [*PHANTOM_SAMPLES, *REAL_SCANS],
                          key="clinical_sample", disabled=upload is not None)
    kept = st.session_state.get("clinical_kept")
    if upload is None and kept and not kept[0][0].startswith(("phantom:", "real:")):
        st.session_state.pop("clinical_kept", None)  # the upload's decoded case goes
    if upload is None and sample in REAL_SCANS:
        return real_scan_bytes(sample), f"real:{REAL_SCANS[sample]}", None
    if upload is None:
        index = PHANTOM_SAMPLES[sample]
        return cached_data("phantom_dicom", index), f"phantom:{index}", index
    return upload.getvalue(), upload.file_id, None


def current_case(data: bytes, source_id: str):
    """The decoded case, kept for this session per upload and frame (decoded once)."""
    frame = int(st.session_state.get(case_key("clinical_frame", source_id), 0))
    kept = st.session_state.get("clinical_kept")
    if kept is None or kept[0] != (source_id, frame):
        kept = ((source_id, frame), *read_case(data, frame))
        st.session_state["clinical_kept"] = kept
    return kept[1], kept[2]


st.header("Clinical view")
st.caption(TEACHING_NOTE)
source_col, model_col = st.columns([5, 4])
with source_col:
    data, source_id, phantom_index = choose_bytes()
    try:
        case, frames = current_case(data, source_id)
    except (ImageDecodeError, ValueError) as err:
        st.error(f"Could not read this file: {err}.")
        st.stop()
    if frames > 1:
        st.number_input(f"Frame (of {frames})", 0, frames - 1,
                        key=case_key("clinical_frame", source_id))
    if case.burned_in:
        st.warning("This file is marked as having burned-in annotation: text such as a "
                   "patient's name may be part of the pixels themselves.", icon=":material/warning:")
    for note in case.notes:
        st.info(f"Note: {note}.", icon=":material/info:")
item = ModelInput.of(model_tensor(case))
with model_col:
    model_name = model_picker("image", key="clinical_model", default=DEFAULT_MODEL)
    model_name = onnx_form("clinical_onnx") or model_name
    model = cached_model(model_name)
    if model.forward_only:
        st.info(f"This model {model.forward_only}: it gives no gradients, so only the "
                "perturbation methods are offered.", icon=":material/info:")
    entries = {e.name: e for e in compatible_methods(model)}
    st.session_state.setdefault("clinical_methods", [m for m in DEFAULT_METHODS if m in entries])
    st.session_state["clinical_methods"] = [m for m in st.session_state["clinical_methods"]
                                            if m in entries] or ([next(iter(entries))]
                                                                 if model.forward_only else [])
    picked = st.multiselect("Methods", list(entries), key="clinical_methods",
                            format_func=lambda name: entries[name].title,
                            max_selections=MAX_METHODS)
    mask_upload = st.file_uploader("Ground-truth mask (PNG or DICOM SEG, optional)",
                                   key=case_key("clinical_mask", source_id))
    st.toggle("Faithfulness against random maps", key="clinical_faithfulness",
              help="Each map under ROAD and region perturbation, each against 4 random maps "
                   "made from the map itself, with a verdict in words only when both agree: "
                   "a few seconds per map, computed once.")

mask, uploaded_truth = None, ""
if mask_upload is not None:
    try:
        truth = ground_truth_of(mask_upload.getvalue(), data, case.values.shape)
        mask, uploaded_truth = truth.mask, truth.source
        st.caption(f"Localisation scores use the {uploaded_truth} as the lesion mask.")
    except ImageDecodeError as err:
        st.error(f"Could not read the mask: {err}.")
elif phantom_index is not None and phantom_case(PHANTOM_SEED, phantom_index).label:
    mask = phantom_case(PHANTOM_SEED, phantom_index).mask
    st.caption("Localisation scores use the phantom's exact lesion mask.")
elif is_dicom(data):
    try:
        overlay = overlay_mask(data, case.values.shape)
    except DicomError as err:
        overlay = None
        st.warning(f"The file's overlay cannot be used as ground truth: {err}.")
    if overlay is not None:
        mask = overlay.mask
        st.caption(f"Localisation scores use the {overlay.describe()} as the lesion mask.")
ground_truth = (uploaded_truth if mask_upload is not None and mask is not None else
                "the phantom's exact lesion mask" if phantom_index is not None and mask is not None
                else overlay.describe() if mask is not None else "")

with source_col:
    voi = window_controls(case, (source_id, item.digest))
    with st.expander("Technical attributes"):
        st.html(technical_html(case.technical))

probs = cached_probabilities(model_name, item)
out_of_domain = domain_warnings(training_domain(model_name), case.technical,
                                f"the model {model_name}")
distance = cached_work("domain:feature_distance", model_name, item)  # (value, far, sentence) or None
if distance is not None and distance[1]:
    out_of_domain += (distance[2],)
for sentence in out_of_domain:  # before any map, where it cannot be missed
    st.warning(f"**Out of distribution.** {sentence}", icon=":material/report:")
if distance is not None and not distance[1]:
    st.caption(distance[2])
order = [int(i) for i in np.argsort(-probs)]
with model_col:
    target = st.selectbox("Explain the class", order,
                          key=case_key("clinical_target", (model_name, item.digest)),
                          format_func=lambda i: f"{model.labels[i]} ({probs[i]:.1%})")
if not picked:
    st.info("Pick at least one method.")
    st.stop()

view = case.view(voi)
voi_key = (voi.name, voi.first, voi.bits) if isinstance(voi, VoiLut) else astuple(voi)
display = Display(opacity=0.45, show_raw=False)
results = {}
status = st.container()
with status:
    for method in picked:
        try:
            results[method] = cached_explanation(model_name, method, item, target)
        except (ValueError, RuntimeError) as err:
            st.warning(f"{entries[method].title} could not explain this image: {err}")
faithful = st.session_state.get("clinical_faithfulness", False)


def clinical_grid(sanity: dict) -> tuple[list, list]:
    """(panels, report entries) of the maps, with ROAD and sanity verdicts where run."""
    panels, report_maps = [], []
    for method, result in results.items():
        scores = localisation_scores(result.scores, mask).as_dict() if mask is not None else {}
        scores.pop("top_k_percent", None)
        lines = [cost_caption(result), localisation_caption(scores) if scores else ""]
        verdict = None
        if faithful:
            with status:  # ROAD and region perturbation, each against the map's matched null
                report = cached_map_score(model_name, method, item, target, (), "value",
                                          result.scores)
            lines += two_families_lines(report)
            verdict = report.verdict.text
            scores |= {k: v for k, v in two_families_payload(report).items()
                       if isinstance(v, float)}
        checked = sanity.get(method)
        drawn = cached_panel_images((model_name, item.digest, method, target),
                                    (astuple(display), voi_key), display, view,
                                    result.scores, result.signed)
        badge = sanity_verdict_badge(checked.verdict) if checked else None
        panels.append(clinical_panel(entries[method].title, lines, drawn, badge))
        report_maps.append(map_entry(entries[method].title, view, result, scores, display,
                                     sanity=checked.verdict.text if checked else None,
                                     faithfulness=verdict))
    return panels, report_maps


def draw(sanity: dict) -> list:
    panels, report_maps = clinical_grid(sanity)
    grid_slot.html(grid_html(panels, min(3, len(panels)) or 1, {"model-calls": model_calls()}))
    return report_maps


with source_col:
    st.html(f'<img class="clinical-view" src="{data_uri(view, VIEW_SIDE)}" alt="windowed image" '
            f'style="width:100%;max-width:{VIEW_SIDE}px">')
    st.caption(f"Viewing window: {window_text(voi)}")
st.subheader(f"Why “{model.labels[target]}”?")
grid_slot = st.empty()
report_maps = draw({})
st.caption(f"The model's input uses the file's own window ({window_text(case.model_voi)}); "
           "the viewing window only changes how the image and maps are drawn.")
if faithful:
    st.caption(TWO_FAMILIES_NOTE)

st.subheader("Sanity check")
st.caption(f"Cascading randomisation (Adebayo et al. 2018): the blocks of {model_name} are "
           f"re-initialised from the output down and each map is made again for "
           f"“{model.labels[target]}”. A map that barely changes does not depend on what the "
           "model learned, and should not be read as the model's reasons. " + SANITY_RULE)
asked = sanity_request("clinical", (model_name, item.digest, target, tuple(results)))
run_col = sanity_controls("clinical", asked, blocks_to_randomise(model, asked.max_steps),
                          sum(r.seconds for r in results.values()), "maps",
                          "Run the sanity check for these maps", disabled=not results)
if asked.wanted and results:
    with run_col:  # the progress and the live chart beside the button that started it
        sanity = cached_sanity_all(model_name, tuple(results), item, target, (),
                                   asked.max_steps)
    report_maps = draw(sanity)  # the verdicts join the panels and the report
    st.plotly_chart(sanity_figure(sanity_curves(sanity, {m: entries[m].title for m in sanity})),
                    width="stretch", key="clinical_sanity_chart")


def report_bytes() -> bytes:
    windows = (("model input", window_text(case.model_voi)), ("view", window_text(voi)))
    facts = case_facts(model, item.digest, windows, probs, target, report_maps, case.technical,
                       *cached_identity(model_name))
    return case_report_pdf(replace(facts, warnings=out_of_domain, ground_truth=ground_truth))


st.download_button("Download the case report (PDF)", report_bytes, file_name="case-report.pdf",
                   mime="application/pdf", on_click="ignore", key="clinical_report")
