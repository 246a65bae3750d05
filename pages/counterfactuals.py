"""Counterfactuals page: what would have to change for the model to say another class
(through the digit generator, or by a small smooth change of the pixels), and which
training images support or oppose the prediction (TracIn, for models trained here)."""
import streamlit as st

from components.counterfactual_view import difference_rgb, probability_caption, shown
from components.pickers import model_picker
from components.source_picker import image_source
from dashboard_cache import cached_loaded, cached_model, cached_work
from explainers.influence.training_data import has_training_data
from model_zoo.generators import has_generator
from navigation import app_page
from workflows.counterfactuals import held_out_shortcut

app_page("Counterfactuals", icon=":material/compare_arrows:", order=45)

HELD_OUT = tuple(f"biased:{i}" for i in range(12))
st.session_state.setdefault("cf_sample", "digit:18")  # a bundled 3, for the digit model
st.session_state.setdefault("cf_item", "biased:2")    # a held-out triangle on meadow

st.header("What would have to change?")
st.caption("A counterfactual is the smallest change that makes the model say another class, "
           "checked by the model itself. Training-data evidence asks which training images "
           "pushed the model toward its answer.")
left, right = st.columns(2)
with left:
    model_name = model_picker("image", key="cf_model", default="digit_cnn")
    model = cached_model(model_name)
with right:
    if has_training_data(model_name):
        spec = st.selectbox("Held-out image (not in the training set)", HELD_OUT, key="cf_item",
                            format_func=lambda s: f"{s} · {held_out_shortcut(s)[1]}")
        rgb = held_out_shortcut(spec)[0]
    else:
        try:
            rgb = cached_loaded(image_source("cf")).rgb
        except ValueError as err:
            st.error(f"This file could not be read as an image: {err}")
            st.stop()
probs = cached_work("counterfactuals:class_probabilities", model_name, rgb)
labels = model.labels
top = int(probs.argmax())
others = [k for k in range(len(labels)) if k != top]
default = labels.index("8") if "8" in labels and top != labels.index("8") else others[0]
target = st.selectbox("Make the model say", others, index=others.index(default),
                      format_func=lambda k: f"{labels[k]} ({k})", key="cf_target")
st.caption(probability_caption("the input", probs, labels, target))


def show(result, first: str) -> None:
    """Original / (reconstruction) / counterfactual / difference, with probabilities."""
    pictures = [(result.original, probability_caption(first, result.original_probs, labels, target))]
    if "reconstruction" in result.extras:
        pictures.append((result.extras["reconstruction"], probability_caption(
            "the generator's version", result.extras["reconstruction_probs"], labels, target)))
    pictures.append((result.counterfactual, probability_caption(
        "counterfactual", result.counterfactual_probs, labels, target)))
    biggest = abs(result.difference).mean(axis=-1).max()
    pictures.append((difference_rgb(result.difference),
                     f"difference · red brighter, blue darker · largest {biggest:.2f}"))
    for column, (image, caption) in zip(st.columns(len(pictures)), pictures):
        column.image(shown(image), caption=caption, width="stretch")
    say = st.success if result.flipped else st.warning
    say(result.verdict(labels) + f" · {result.seconds:.1f} s")


if has_generator(model_name):
    st.subheader("Through the generator (latent space)")
    st.caption("Search the latent space of a generator trained on the model's data for an "
               "image the model calls the chosen class, close to the input (REVISE, Joshi et "
               "al. 2019): the result is something the generator draws, so it stays a digit.")
    if st.button("Search the latent space", type="primary", key="cf_latent_run"):
        st.session_state["cf_latent_request"] = (model_name, rgb.tobytes(), target)
    if st.session_state.get("cf_latent_request") == (model_name, rgb.tobytes(), target):
        show(cached_work("counterfactuals:digit_counterfactual", model_name, rgb, target),
             "original")

st.subheader("Smallest smooth change of the pixels")
st.caption("Optimise a change on a coarse grid (smooth), with an L1 cost (sparse) and total "
           "variation, until the model gives the class at least 90% (Wachter et al. 2017). "
           "On a shortcut model the change lands on the background.")
if st.button("Search a pixel change", key="cf_pixels_run"):
    st.session_state["cf_pixels_request"] = (model_name, rgb.tobytes(), target)
if st.session_state.get("cf_pixels_request") == (model_name, rgb.tobytes(), target):
    show(cached_work("counterfactuals:image_counterfactual", model_name, rgb, target), "original")

st.subheader("Training images behind this prediction")
if not has_training_data(model_name):
    st.info(f"Training-data attribution is not available for this model ({model_name}): "
            "the project does not have its training data. It is offered for the models "
            "trained here on the shortcut shapes (shortcut_cnn, robust_cnn, shortcut_vit).")
    st.stop()
evidence_class = st.selectbox("Evidence for the class", range(len(labels)), index=top,
                              format_func=lambda k: f"{labels[k]} ({probs[k]:.1%})",
                              key="cf_evidence_class")
st.caption("TracIn (Pruthi et al. 2020) on the last layer: proponents are training images "
           "whose gradient step lowered this image's loss for the class, opponents raised it.")
evidence = cached_work("counterfactuals:training_evidence", model_name, rgb, evidence_class)
st.markdown(f"**{evidence.summary}.**")
for kind, images in (("proponents", evidence.proponents), ("opponents", evidence.opponents)):
    rows = evidence.rows[kind]
    st.markdown(f"Top {kind} from {evidence.training_set}")
    if not rows:
        st.caption(f"No {kind[:-1]} with a score of that sign.")
        continue
    st.image([shown(im, 96) for im in images], width=96,
             caption=[f"#{r['index']} {r['score']:+.2f} · {r['label']} on {r['background']}"
                      for r in rows])
