"""Image page: an upload or a sample, a model, a method; the overlay beside the top-5."""
import streamlit as st

from components.overlay import overlay
from components.facts import choice_label, cost_caption
from components.predictions import top_k, top_k_figure
from dashboard_cache import (SAMPLE_PREFIX, cached_explanation, cached_image, cached_model,
                             cached_probabilities)
from explainers import compatible_methods
from explainers.image_io import ImageDecodeError
from explainers.samples import SAMPLE_IMAGES
from model_zoo import model_entries

UPLOAD_TYPES = ["jpg", "jpeg", "png", "webp", "bmp", "tif", "tiff"]

st.header("Why this image?")
left, right = st.columns([1, 1])
with left:
    upload = st.file_uploader("Upload an image", type=UPLOAD_TYPES, key="image_upload")
    sample = st.selectbox("…or pick a sample", SAMPLE_IMAGES, key="image_sample",
                          disabled=upload is not None)
with right:
    names = [e.name for e in model_entries("image")]
    model_name = st.selectbox("Classifier", names, index=names.index("mobilenet_v2"),
                              key="image_model")
    model = cached_model(model_name)
    methods = {e.title: e.name for e in compatible_methods(model)}
    method_title = st.selectbox("Method", list(methods), key="image_method")
    opacity = st.slider("Overlay opacity", 0.0, 1.0, 0.5, 0.05, key="image_opacity")

source = upload.getvalue() if upload is not None else SAMPLE_PREFIX + sample
try:
    rgb = cached_image(source)
except ImageDecodeError as err:
    st.error(f"Could not read this file: {err}. Try a JPEG or PNG photo.")
    st.stop()

probs = cached_probabilities(model_name, source)
choices = top_k(probs, model.labels, 5)
target = st.selectbox("Explain the class", choices, key="image_target",
                      format_func=choice_label)[0]
with st.spinner(f"Computing {method_title}…"):
    result = cached_explanation(model_name, methods[method_title], source, target)

image_col, chart_col = st.columns([3, 2])
with image_col:
    st.image(overlay(rgb, result.scores, result.signed, opacity),
             caption=f"{method_title} for “{model.labels[target]}”", width="stretch")
    st.caption(cost_caption(result))
with chart_col:
    st.subheader("Top-5 predictions")
    st.plotly_chart(top_k_figure(probs, model.labels), width="stretch")
