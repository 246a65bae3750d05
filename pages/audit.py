"""Shortcut audit page: does a model decide by the object or by the background, across a
whole data set? Table of flags, mean maps, SpRAy clusters, background swaps, HTML report."""
from __future__ import annotations

import numpy as np
import streamlit as st

from components.audit_verdict import class_verdicts
from components.audit_view import (enlarge, hover_lines, map_tile, spray_figure, table_rows)
from components.checkpoint_form import checkpoint_form
from components.pickers import model_picker
from components.projection_figure import hover_script
from dashboard_cache import (cached_audit, cached_audit_html, cached_data, cached_model,
                             cached_thumbnails, user_checkpoint)
from explainers import compatible_methods
from inputs.audit_data import generated_names
from inputs.zip_dataset import ZipDatasetError
from model_zoo.checkpoint import CheckpointError
from model_zoo.user_models import CHECKPOINT_PREFIX
from model_zoo import model_entries
from navigation import app_page

app_page("Shortcut audit", icon=":material/policy:", order=50)

ZIP = "Upload a zip of class folders"
GALLERY = 4  # swaps shown per class

st.header("Does the model decide by the object, or by the background?")
left, right = st.columns(2)
with left:
    model_name = model_picker("image", key="audit_model", default="shortcut_cnn")
    own = checkpoint_form("audit_checkpoint")
    sources = generated_names() + [ZIP]
    source = st.selectbox("Data set", sources, key="audit_source",
                          help="Generated splits are held out (the models never saw them) "
                               "and come with exact object masks.")
    if source == ZIP:
        st.file_uploader("Zip of class folders (cat/1.jpg, dog/2.jpg, …)", type=["zip"],
                         key="audit_zip")
        st.file_uploader("Masks, optional: a zip with the same class/name paths "
                         "(white = object)", type=["zip"], key="audit_masks")
with right:
    try:
        if own is not None:
            model_name = user_checkpoint(own.arch, own.weights, own.labels)
    except CheckpointError as err:
        st.error(f"Could not use this checkpoint: {err}")
        st.stop()
    model = cached_model(model_name)
    offered = [e.name for e in compatible_methods(model)]
    titles = {e.name: e.title for e in compatible_methods(model)}
    methods = st.multiselect("Methods", offered, default=[m for m in ("gradcam",) if m in offered]
                             or offered[:1], format_func=titles.get, key="audit_methods",
                             help="The first one is used for SpRAy. Grad-CAM runs batched.")
    count = st.number_input("Images", 20, 1000, 200, 20, key="audit_count")
    seed = st.number_input("Seed", 0, 10_000, 0, key="audit_seed")

if st.button("Run the audit", type="primary", key="audit_run", disabled=not methods):
    st.session_state["audit_request"] = (model_name, source, tuple(methods), int(count), int(seed))
request = st.session_state.get("audit_request")
if request is None:
    st.info("Pick a classifier, a data set and methods, then press Run the audit.")
    st.stop()
model_name, source, methods, count, seed = request

try:
    if source == ZIP:
        upload, masks = st.session_state.get("audit_zip"), st.session_state.get("audit_masks")
        if upload is None:
            st.info("Upload a zip with one folder per class.")
            st.stop()
        data, notes = cached_data("audit_zip", upload.getvalue(),
                                   masks.getvalue() if masks else None)
        data = data.head(count)
        for note in notes:
            st.warning(note)
    else:
        data = cached_data("audit_set", source, count, seed)
    key = f"{data.name}:{len(data)}:{seed}"
    report = cached_audit(model_name, key, methods, seed, data)
except (ZipDatasetError, ValueError) as err:
    st.error(f"Could not run the audit: {err}")
    st.stop()

st.caption(f"{len(data)} images · {', '.join(methods)} · "
           f"{report.seconds.get('total', 0):.1f} s (SpRAy {report.seconds.get('spray', 0):.1f} s)")
if report.flagged:
    st.error(f"Flagged: {', '.join(report.flagged)}", icon=":material/flag:")
    for sentence in class_verdicts(report):
        st.markdown(f"- {sentence}")
elif data.masks is not None:
    st.success("No class flagged.", icon=":material/check_circle:")
if data.masks is None:
    st.info("No masks: mask scores and background swaps need object masks; SpRAy still runs.")
st.dataframe(table_rows(report.rows, methods), hide_index=True, key="audit_table",
             width="stretch")

others = [e.name for e in model_entries("image") if e.name != model_name]
compare = st.selectbox("Compare with…", ["(nothing)", *others],
                       key="audit_compare", help="Audit a second model on the same images "
                                                 "and show what changed.")
if compare != "(nothing)":
    from components.audit_diff_view import diff_section
    from explainers.audit.diff import DiffError, diff_audits, diff_payload, shared_labels

    from workflows.audit_diff import road_part

    road = st.number_input("ROAD deltas on N images (0: off)", 0, 200, 0, key="audit_road",
                           help="Each model's ROAD gap on its own maps, paired (15 forwards "
                                "an image and method).")
    try:
        shared_labels(model, cached_model(compare))  # refuse before auditing the other
        other = cached_audit(compare, key, methods, seed, data)
        diff = diff_audits(report, other)
        payload = diff_payload(diff)
        if road:
            with st.spinner("ROAD on both models…"):
                payload |= road_part(model, cached_model(compare), report, other, data, road)
        diff_section(diff, payload)
    except (DiffError, ValueError) as err:
        st.warning(f"Cannot compare: {err}")

st.subheader("Mean image and mean maps per class")
for c, name in enumerate(report.label_names):
    cols = st.columns(1 + len(methods))
    cols[0].image(enlarge(report.mean_images[c]), caption=f"{name}: mean image")
    for col, m in zip(cols[1:], methods):
        col.image(map_tile(report.mean_images[c], report.mean_maps[m][c]), caption=f"{name}: {m}")

st.subheader("SpRAy: clusters of explanations")
with_spray = [c for c in range(len(report.label_names)) if c in report.spray]
if with_spray:
    chosen = st.radio("Class", with_spray, format_func=lambda c: report.label_names[c],
                      horizontal=True, key="audit_spray_class")
    sp = report.spray[chosen]
    st.caption(f"Eigengap proposes {sp.k} clusters · eigenvalues "
               + ", ".join(f"{v:.3f}" for v in sp.eigenvalues[:sp.k + 2]))
    cols = report.columns
    hover = hover_lines(report.label_names, cols["label"], report.model_labels,
                        cols["predicted"], cols["confidence"])
    flagged = {s.cluster for s in sp.summaries if s.flagged}
    event = st.plotly_chart(spray_figure(sp.coords, sp.index, sp.clusters, hover, flagged),
                            on_select="rerun", selection_mode="points", key="audit_chart",
                            width="stretch")
    st.html(f"<script>{hover_script(cached_thumbnails(key, data.images))}</script>",
            unsafe_allow_javascript=True)
    points = event.selection.points if event and event.selection else []
    if points:
        index = int(points[0]["customdata"][0])
        st.markdown(f"**Item #{index}**: {report.label_names[data.labels[index]]} → predicted "
                    f"{report.model_labels[cols['predicted'][index]]}")
        st.image(enlarge(data.images[index], 192), width=192)
        if data.sources and data.sources[index]:
            if st.button("Explain it on the image page", key="audit_open"):
                st.session_state["image_pick"] = data.sources[index]
                if not model_name.startswith(CHECKPOINT_PREFIX):  # a zoo model: the same one
                    st.session_state["image_model"] = model_name
                st.switch_page("pages/image.py")
    else:
        st.caption("Hover a point to see its image; click one to open it.")
    for s in sp.summaries:
        badge = " ⚑ small, pure and focused: look at it" if s.flagged else ""
        st.markdown(f"**Cluster {s.cluster}**: {s.size} maps ({s.share:.0%}), purity "
                    f"{s.purity:.2f}, focus {s.focus:.2f}{badge}")
        tiles = [map_tile(report.mean_images[chosen], s.mean_map)] + [
            enlarge(data.images[i], 96) for i in s.examples]
        st.image(tiles, width=96, caption=["mean map"] + [f"#{i}" for i in s.examples])

if report.swap_images is not None:
    st.subheader("Background swaps")
    cols = report.columns
    for c, name in enumerate(report.label_names):
        rows = np.flatnonzero(data.labels == c)[:GALLERY]
        images, captions = [], []
        for i in rows:
            images += [enlarge(data.images[i], 96), enlarge(report.swap_images[i], 96)]
            captions += [f"#{i} predicted: {report.model_labels[cols['predicted'][i]]}",
                         f"swapped, predicted: "
                         f"{report.model_labels[cols['swap_predicted'][i]]}"]
        st.image(images, width=96, caption=captions)

st.download_button("Download the audit (HTML)",
                   cached_audit_html(model_name, key, methods, seed, report, data),
                   file_name=f"audit-{report.model.split(':')[0]}-{report.dataset}.html",
                   mime="text/html", key="audit_download")
