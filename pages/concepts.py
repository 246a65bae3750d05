"""Concepts page (TCAV, Kim et al. 2018): does the model use a concept for a class?"""
import hashlib

import streamlit as st

from components.concepts_view import result_rows, strip, tcav_figure
from components.pickers import target_picker
from dashboard_cache import (SAMPLE_PREFIX, cached_image_set, cached_model, cached_probabilities,
                             cached_tcav, cached_zip_concepts)
from explainers.global_views.layers import block_names
from inputs.concept_images import CONCEPTS
from inputs.samples import SAMPLE_IMAGES
from inputs.zip_dataset import ZipDatasetError
from model_zoo import model_entries
from navigation import app_page

app_page("Concepts", icon=":material/category:", order=60)

DEFAULT_CONCEPTS = ["striped", "dotted", "red"]

st.header("Does the model use this concept for this class?")
st.caption("TCAV (Kim et al. 2018): a concept is a set of example images. A linear classifier "
           "separates their activations at a layer from random images; its normal is the "
           "concept's direction (CAV). The TCAV score is the share of the class's images whose "
           "class score rises when the activation moves along that direction. Repeated against "
           "other random sets, a t-test tells a real concept from chance.")
left, right = st.columns(2)
with left:
    names = [e.name for e in model_entries("image")]
    model_name = st.selectbox("Classifier", names, index=names.index("mobilenet_v2"),
                              key="concepts_model")
    model = cached_model(model_name)
    layers = block_names(model)
    default_layer = "1.features.14" if "1.features.14" in layers else layers[len(layers) * 3 // 4]
    layer = st.selectbox("Layer", layers, index=layers.index(default_layer),
                         key=f"concepts_layer_{model_name}")
    photo = st.selectbox("The class's images: crops of", SAMPLE_IMAGES, key="concepts_photo")
    probs = cached_probabilities(model_name, SAMPLE_PREFIX + photo)
    target = target_picker(probs, model.labels, "concepts_class", (model_name, photo))[0]
with right:
    concepts = st.multiselect("Concepts", list(CONCEPTS), default=DEFAULT_CONCEPTS,
                              key="concepts_names", max_selections=8)
    upload = st.file_uploader("Your concepts: a zip with one folder of images per concept",
                              type=["zip"], key="concepts_zip")
    count = st.slider("Images per set", 10, 60, 30, 5, key="concepts_count")
    st.caption("Class, concept and random sets; the random pool holds twice as many.")
    runs = st.slider("Runs (each against other random images)", 2, 30, 10, key="concepts_runs")
    seed = st.number_input("Seed", 0, 10_000, 0, key="concepts_seed")

if st.button("Run TCAV", type="primary", key="concepts_run"):
    st.session_state["concepts_request"] = (model_name, layer, int(target), photo,
                                            tuple(concepts), int(count), int(runs), int(seed))
request = st.session_state.get("concepts_request")
if request is None:
    st.info("Pick a class, a layer and some concepts, then press Run TCAV.")
    st.stop()
model_name, layer, target, photo, concepts, count, runs, seed = request
model = cached_model(model_name)
sets = {f"concept:{n}": cached_image_set(f"concept:{n}", count, seed) for n in concepts}
if upload is not None:
    try:
        data = upload.getvalue()
        digest = hashlib.sha256(data).hexdigest()[:16]  # the key names the archive's content
        sets |= {f"zip:{digest}:{n}": images for n, images in cached_zip_concepts(data).items()}
    except ZipDatasetError as err:
        st.error(f"Could not use this archive: {err}")
class_key, pool_key = f"photo:{photo}", "random"
sets[class_key] = cached_image_set(class_key, count, seed)
sets[pool_key] = cached_image_set(pool_key, 2 * count, seed)
concept_keys = tuple(k for k in sets if k not in (class_key, pool_key))
try:
    result = cached_tcav(model_name, layer, target, class_key, concept_keys, pool_key, runs,
                         seed, sets)
except ValueError as err:
    st.error(str(err))
    st.stop()

label = model.labels[target]
st.subheader(f"Concepts for “{label}” at {layer}")
st.caption(f"{runs} runs · {count} images per set · random pool {2 * count} · "
           f"linear fits {result.other_runs_seconds:.2f} s per run (each set's activations "
           "read once and cached) · "
           f"random CAVs score {result.null_scores.mean():.2f} ± {result.null_scores.std():.2f}")
st.plotly_chart(tcav_figure(result), key="concepts_chart", width="stretch")
st.dataframe(result_rows(result), hide_index=True, key="concepts_table")
st.caption("Grey bars marked n.s. are not significant (two-sided t-test against random CAVs, "
           "p ≥ 0.05) or not a concept at all (the CAV separates it from random images no "
           "better than chance): do not read anything into their score.")
class_images = sets[class_key]
for concept in result.concepts:
    st.markdown(f"**{concept.concept}** — {concept.verdict}")
    most, least = st.columns(2)
    most.image(strip(class_images, concept.highest), width=96,
               caption=["most " + concept.concept] * len(concept.highest))
    least.image(strip(class_images, concept.lowest), width=96,
                caption=["least " + concept.concept] * len(concept.lowest))
