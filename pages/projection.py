"""Layer-embedding projection page: how a layer organises a data set, point by point."""
import streamlit as st

from components.colouring import CONFIDENCE, colour_groups, colour_options, mapped_labels
from components.concept_picker import save_concept_form
from components.pickers import model_picker
from components.projection_figure import hover_script, hover_texts, projection_figure
from dashboard_cache import (cached_activations, cached_data, cached_model, cached_projection,
                             cached_thumbnails)
from explainers.global_views.layers import projection_layer_names
from explainers.global_views.projection import METHODS
from inputs.datasets import BUILDERS
from inputs.zip_dataset import ZipDatasetError
from navigation import app_page

app_page("Layer projection", icon=":material/scatter_plot:", order=40)

SOURCES = {"Generated shapes (labelled, with a background shortcut)": "shapes",
           "Crops of the bundled sample photos": "samples",
           "Tweets (sentiment corpus)": "tweets",
           "Shortcut lab: biased split (background agrees 95%)": "shortcut_biased",
           "Shortcut lab: swapped split": "shortcut_swapped",
           "Shortcut lab: neutral split": "shortcut_neutral",
           "Upload a zip of class folders": "zip"}
METHOD_TITLES = {"pca": "PCA", "tsne": "t-SNE", "umap": "UMAP"}

st.header("How does this layer organise the data?")
left, right = st.columns(2)
with left:
    source_title = st.selectbox("Data set", list(SOURCES), key="projection_source")
    source = SOURCES[source_title]
    modality = "image" if source == "zip" else BUILDERS[source][2]
    if source == "zip":
        upload = st.file_uploader("Zip of class folders (cat/1.jpg, dog/2.jpg, …)", type=["zip"],
                                  key="projection_zip")
    else:
        count = st.number_input("Items", 10, 5000, 300, 10, key="projection_count")
    model_name = model_picker(modality, key=f"projection_model_{modality}")
with right:
    layers = projection_layer_names(cached_model(model_name))
    layer = st.selectbox("Layer (activations pooled)", layers, index=len(layers) - 2,
                         key=f"projection_layer_{model_name}")
    method = st.selectbox("Projection", METHODS, format_func=METHOD_TITLES.get,
                          key="projection_method")
    dims = st.radio("Dimensions", [2, 3], horizontal=True, key="projection_dims")
    seed = st.number_input("Seed", 0, 10_000, 0, key="projection_seed")

if st.button("Project", type="primary", key="projection_run"):
    st.session_state["projection_request"] = (
        source, int(count) if source != "zip" else 0, model_name, layer, method, int(dims),
        int(seed))
request = st.session_state.get("projection_request")
if request is None:
    st.info("Pick a data set, a classifier and a layer, then press Project.")
    st.stop()
source, count, model_name, layer, method, dims, seed = request
model = cached_model(model_name)
try:
    if source == "zip":
        upload = st.session_state.get("projection_zip")
        if upload is None:
            st.info("Upload a zip with one folder per class.")
            st.stop()
        dataset, skipped = cached_data("zip_dataset", upload.getvalue())
        if skipped:
            st.warning(f"{skipped} file(s) could not be read as images and were left out.")
    else:
        dataset = cached_data("dataset", source, count)
except ZipDatasetError as err:
    st.error(f"Could not use this archive: {err}")
    st.stop()
if dataset.modality != model.modality:
    st.error(f"{model_name} reads {model.modality}s but this data set holds {dataset.modality}s: "
             "pick a matching classifier.")
    st.stop()

key = f"{dataset.name}:{len(dataset)}"
acts = cached_activations(model_name, key, layer, dataset)
projection = cached_projection(model_name, key, layer, method, dims, seed, acts.features)
st.caption(f"{len(dataset)} items · layer {layer} ({acts.features.shape[1]} features, pooled) · "
           f"extraction {acts.seconds:.1f} s ({acts.items_per_second:.0f} items/s) · "
           f"{METHOD_TITLES[method]} {projection.seconds:.1f} s")

true = [dataset.label_names[k] for k in dataset.labels]
pred = [model.labels[k] for k in acts.predicted]
mapped = mapped_labels(dataset.label_names, model.labels, dataset.labels)
colour = st.radio("Colour by", colour_options(dataset.attributes, bool((mapped >= 0).all())),
                  horizontal=True, key="projection_colour")
hover = hover_texts(true, pred, acts.confidence,
                    dataset.items if dataset.modality == "text" else None)
if colour == CONFIDENCE:
    fig = projection_figure(projection.coords, hover, values=acts.confidence, colour_title=colour)
else:
    groups = colour_groups(colour, true, pred, mapped == acts.predicted, dataset.attributes)
    fig = projection_figure(projection.coords, hover, categories=groups, colour_title=colour)
event = st.plotly_chart(fig, on_select="rerun", selection_mode=("points", "box", "lasso"),
                        key="projection_chart", width="stretch")
if dataset.modality == "image":
    st.html(f"<script>{hover_script(cached_thumbnails(key, dataset.items))}</script>",
            unsafe_allow_javascript=True)

points = event.selection.points if event and event.selection else []
selected = sorted({int(p["customdata"][0]) for p in points})
if len(selected) != 1:
    st.caption("Hover a point to see it; click one to open its explanation"
               + ("; box or lasso several to save them as a concept for TCAV."
                  if dataset.modality == "image" else "."))
if len(selected) == 1:
    index = selected[0]
    st.subheader(f"Item #{index}: {true[index]} → predicted {pred[index]} "
                 f"({acts.confidence[index]:.0%})")
    if dataset.modality == "image":
        st.image(dataset.items[index], width=192)
        if st.button("Explain it on the image page", key="projection_open"):
            st.session_state["image_pick"] = dataset.sources[index]
            st.switch_page("pages/image.py")
    else:
        st.text(dataset.items[index])
        if st.button("Explain it on the text page", key="projection_open"):
            st.session_state["text_input"] = dataset.items[index]
            st.switch_page("pages/text.py")
if dataset.modality == "image":
    st.subheader("Save points as a concept")
    save_concept_form(dataset.items, true, selected, "projection_concept")
