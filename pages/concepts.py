"""Concepts page (TCAV, Kim et al. 2018): does the model use a concept for a class?"""
import hashlib

import streamlit as st

from components.concept_picker import MAX_CHOSEN, chosen_concepts, concept_options, set_images
from components.concepts_view import result_rows, strip, tcav_figure
from components.pickers import model_picker, target_picker
from dashboard_cache import cached_data, cached_model, cached_probabilities, cached_tcav
from explainers.global_views.layers import block_names
from inputs.concept_images import CONCEPTS
from inputs.samples import SAMPLE_IMAGES
from inputs.upload import SAMPLE_PREFIX
from inputs.zip_dataset import ZipDatasetError
from navigation import app_page
from workflows.tcav import set_name

app_page("Concepts", icon=":material/category:", order=60)

DEFAULT_CONCEPTS = ["striped", "dotted", "red"]
RANDOM = "random images"

st.header("Does the model use this concept for this class?")
st.caption("TCAV (Kim et al. 2018): a concept is a set of example images. A linear classifier "
           "separates their activations at a layer from random images; its normal is the "
           "concept's direction (CAV). The TCAV score is the share of the class's images whose "
           "class score rises when the activation moves along that direction. Repeated against "
           "other random sets, a t-test tells a real concept from chance.")
upload = st.session_state.get("concepts_zip")
zip_sets, digest = {}, ""
if upload is not None:
    try:
        data = upload.getvalue()
        digest = hashlib.sha256(data).hexdigest()[:16]  # the key names the archive's content
        zip_sets = cached_data("zip_concepts", data)
    except ZipDatasetError as err:
        st.error(f"Could not use this archive: {err}")
options = concept_options(CONCEPTS, zip_sets, digest)
st.session_state["concepts_names"] = chosen_concepts(
    st.session_state.get("concepts_names", DEFAULT_CONCEPTS), options, digest)
left, right = st.columns(2)
with left:
    model_name = model_picker("image", key="concepts_model")
    model = cached_model(model_name)
    layers = block_names(model)
    default_layer = "1.features.14" if "1.features.14" in layers else layers[len(layers) * 3 // 4]
    chosen_layers = st.multiselect("Layers (one panel each)", layers, default=[default_layer],
                                   key=f"concepts_layers_{model_name}", max_selections=4)
    photo = st.selectbox("The class's images: crops of", SAMPLE_IMAGES, key="concepts_photo")
    probs = cached_probabilities(model_name, SAMPLE_PREFIX + photo)
    target = target_picker(probs, model.labels, "concepts_class", (model_name, photo))[0]
with right:
    concepts = st.multiselect("Concepts", list(options), key="concepts_names", max_selections=MAX_CHOSEN,
                              help="Generated patterns, the shortcut lab's backgrounds, concepts "
                                   "you picked on the Layer projection page, your zip's folders.")
    against = st.selectbox("Against", [RANDOM] + list(options), key="concepts_against",
                           help="Random images (plain TCAV), or another concept (relative "
                                "TCAV: which of the two does the class lean toward?)")
    st.file_uploader("Your concepts: a zip with one folder of images per concept",
                     type=["zip"], key="concepts_zip")
    count = st.slider("Images per set", 10, 60, 30, 5, key="concepts_count")
    st.caption("Class, generated concept and random sets; the random pool holds twice as many.")
    runs = st.slider("Runs (each against other random images)", 2, 30, 10, key="concepts_runs")
    seed = st.number_input("Seed", 0, 10_000, 0, key="concepts_seed")

if st.button("Run TCAV", type="primary", key="concepts_run"):
    reference = None if against == RANDOM else options[against]
    st.session_state["concepts_request"] = (
        model_name, tuple(chosen_layers), int(target), photo,
        tuple(options[c] for c in concepts if options[c] != reference), reference, int(count),
        int(runs), int(seed))
request = st.session_state.get("concepts_request")
if request is None:
    st.info("Pick a class, one or more layers and some concepts, then press Run TCAV.")
    st.stop()
model_name, layers, target, photo, concept_keys, reference, count, runs, seed = request
if not layers:
    st.error("Pick at least one layer.")
    st.stop()
model = cached_model(model_name)
sets = {}
for key in concept_keys + ((reference,) if reference else ()):
    images = (cached_data("image_set", key, count, seed) if key.startswith("concept:")
              else set_images(key, zip_sets))
    if images is None:
        st.error(f"“{set_name(key)}” is no longer at hand: upload or pick it again.")
        st.stop()
    sets[key] = images
class_key, pool_key = f"photo:{photo}", "random"
sets[class_key] = cached_data("image_set", class_key, count, seed)
sets[pool_key] = cached_data("image_set", pool_key, 2 * count, seed)
try:
    results = [cached_tcav(model_name, layer, target, class_key, concept_keys, pool_key, runs, seed,
                           sets, reference) for layer in layers]
except ValueError as err:
    st.error(str(err))
    st.stop()

label = model.labels[target]
versus = f", relative to “{set_name(reference)}”" if reference else ""
st.subheader(f"Concepts for “{label}” at {', '.join(layers)}{versus}")
st.caption(f"{runs} runs · {count} images per set · random pool {2 * count} · linear fits "
           f"{sum(r.other_runs_seconds for r in results):.2f} s per run (each set's activations "
           "read once per layer and cached) · random CAVs score "
           + ", ".join(f"{r.null_scores.mean():.2f} ± {r.null_scores.std():.2f}" for r in results))
st.plotly_chart(tcav_figure(results), key="concepts_chart", width="stretch")
st.dataframe(result_rows(results), hide_index=True, key="concepts_table")
st.caption("Grey bars marked n.s. are not significant (two-sided t-test against random CAVs, "
           "p ≥ 0.05) or not a concept at all (the CAV separates it from the other set no "
           "better than chance): do not read anything into their score."
           + (" Relative TCAV: above the random CAVs' band, the class leans toward the concept; "
              "below it, toward the one it is compared with." if reference else ""))
shown = results[0] if len(results) == 1 else results[
    layers.index(st.selectbox("Rank the class's images at", layers, key="concepts_rank_layer"))]
class_images = sets[class_key]
for concept in shown.concepts:
    st.markdown(f"**{concept.concept}** — {concept.verdict}")
    most, least = st.columns(2)
    most.image(strip(class_images, concept.highest), width=96,
               caption=["most " + concept.concept] * len(concept.highest))
    least.image(strip(class_images, concept.lowest), width=96,
                caption=["least " + concept.concept] * len(concept.lowest))
