"""Probes page: does an edit the class should not care about (a watermark, a sticker, a
frame, JPEG, greyscale, a caption) move a model's predictions more than a placebo does?"""
from __future__ import annotations

import streamlit as st

from components.overlay import overlay
from components.probe_report import class_table, share_table
from dashboard_cache import cached_work
from explainers.probes import ProbeError, probe_entries
from explainers.probes.run_memory import photo_batch, zip_batch
from explainers.probes.spec import ProbeSpec
from inputs.zip_dataset import ZipDatasetError
from model_zoo import model_entries
from navigation import app_page

app_page("Probes", icon=":material/water_drop:", order=55)

PHOTOS = {"Packaged photos, reporting split": "reporting", "Packaged photos, tuning split":
          "tuning"}
ZIP = "Upload a zip of images"

st.header("Does an edit the class should not care about move the prediction?")
left, right = st.columns(2)
with left:
    names = [e.name for e in model_entries("image")]
    model_name = st.selectbox("Classifier", names, key="probe_model",
                              index=names.index("mobilenet_v2") if "mobilenet_v2" in names else 0)
    entries = {e.name: e for e in probe_entries() if not e.needs_mask}
    probe = st.selectbox("Probe", list(entries), key="probe_name",
                         index=list(entries).index("watermark") if "watermark" in entries else 0,
                         format_func=lambda n: entries[n].title)
    presets = ["(defaults)"] + list(entries[probe].presets)
    preset = st.selectbox("Preset", presets, index=len(presets) - 1, key="probe_preset")
with right:
    source = st.selectbox("Images", list(PHOTOS) + [ZIP], key="probe_source")
    if source == ZIP:
        st.file_uploader("Zip of images", type=["zip"], key="probe_zip")
    limit = st.number_input("At most", 4, 200, 12, 4, key="probe_limit")
    methods = st.multiselect("Maps", ["gradcam"], default=["gradcam"], key="probe_methods",
                             help="Their share inside the probed region, before and after.")
    watch = st.text_input("Watch classes (chosen before looking)", "carton", key="probe_watch")

if st.button("Run the probe", type="primary", key="probe_run"):
    st.session_state["probe_request"] = (model_name, probe, preset, source, int(limit),
                                         tuple(methods), watch)
request = st.session_state.get("probe_request")
if request is None:
    st.info("Pick a classifier, a probe and images, then press Run the probe.")
    st.stop()
model_name, probe, preset, source, limit, methods, watch = request

try:
    if source == ZIP:
        upload = st.session_state.get("probe_zip")
        if upload is None:
            st.info("Upload a zip of images.")
            st.stop()
        batch, files_key = zip_batch(upload.getvalue(), limit), f"zip:{upload.file_id}:{limit}"
    else:
        batch, files_key = photo_batch(PHOTOS[source], limit), f"{PHOTOS[source]}:{limit}"
    if not len(batch["file"]):
        st.error("No photo package is installed (scripts/setup.sh installs them).")
        st.stop()
    from dashboard_cache import cached_model

    labels = [x.lower() for x in cached_model(model_name).labels]
    watched = tuple(labels.index(w.strip().lower()) for w in watch.split(",")
                    if w.strip().lower() in labels)
    spec = ProbeSpec(probe, None if preset == "(defaults)" else preset)
    spec.bound()
    found, galleries, bad = cached_work("probes:probe_files", model_name, spec.plain(),
                                        methods, watched, files_key, batch)
except (ProbeError, ZipDatasetError, ValueError) as err:
    st.error(f"Could not run the probe: {err}")
    st.stop()

result = found[spec.key]
(st.warning if result["beats_placebo"] else st.info)(result["verdict"])
for name, error in bad:
    st.caption(f"skipped {name}: {error}")
summary = result["summary"]
if summary is not None:
    if summary["watched"]:
        st.subheader("Watched classes")
        st.dataframe(class_table(summary["watched"]), hide_index=True, key="probe_watched")
    st.subheader("Classes pushed toward")
    st.dataframe(class_table(summary["pushed_toward"]), hide_index=True, key="probe_toward")
    if result["map_shares"]:
        st.subheader("Maps inside the probed region")
        st.dataframe(share_table(result["map_shares"]), hide_index=True, key="probe_shares")
    st.subheader("Most affected images")
    for item, row in zip(galleries[spec.key], result["gallery"]):
        tiles = [item.before, item.after]
        captions = [f"{item.file} predicted: {row['before']} {row['p_before']:.0%}",
                    f"probed, predicted: {row['after']} {row['p_after']:.0%}"]
        for m in item.maps_before:
            tiles += [overlay(item.before, item.maps_before[m], False),
                      overlay(item.after, item.maps_after[m], False)]
            captions += [f"{m} before", f"{m} after"]
        st.image(tiles, width=160, caption=captions)
