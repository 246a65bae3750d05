"""Fragility page (Ghorbani et al. 2019; Dombrowski et al. 2019): an imperceptible change
that keeps the label but moves the map."""
import streamlit as st

from components.fragility_view import change_rows, difference_image, map_view, region_outline
from components.pickers import model_picker
from components.source_picker import image_source
from dashboard_cache import cached_fragility, cached_model
from explainers import explainer_entry
from explainers.fragility import KINDS, AttackSettings, attackable_methods
from inputs.image_io import ImageDecodeError
from navigation import app_page

app_page("Fragility", icon=":material/broken_image:", order=70)

REGIONS = {f"{row} {col}": (r / 3, c / 3, (r + 1) / 3, (c + 1) / 3)
           for r, row in enumerate(("top", "middle", "bottom"))
           for c, col in enumerate(("left", "centre", "right"))}

st.header("Can a tiny change move the map?")
st.caption("An attack on the explanation, not on the prediction: within a budget ε per pixel "
           "it searches for a change that keeps the predicted class but moves the map. It "
           "follows the gradient of the map itself, through a copy of the network whose ReLUs "
           "are smoothed (softplus), because a ReLU network's map has no useful slope.")
left, right = st.columns(2)
with left:
    source = image_source("fragility")
    model_name = model_picker("image", key="fragility_model")
    methods = attackable_methods()
    method = st.selectbox("Method", methods, index=methods.index("saliency"),
                          format_func=lambda m: explainer_entry(m).title, key="fragility_method")
with right:
    kind = st.radio("Attack", list(KINDS), format_func=KINDS.get, key="fragility_kind")
    region = None
    if kind == "target":
        region = REGIONS[st.selectbox("Pull the map into", list(REGIONS), index=0,
                                      key="fragility_region")]
    level = st.slider("Budget ε (in 1/255 steps per pixel)", 1, 16, 8, key="fragility_epsilon")
    steps = st.slider("Steps", 5, 40, 10, 5, key="fragility_steps")
    if method == "integrated_gradients":
        st.caption("Integrated Gradients costs several saliency steps per step (a path of 9 "
                   "images): on a busy 2-core server 5 steps took 1.5 min, 10 steps 2 min.")

if st.button("Attack the map", type="primary", key="fragility_run"):
    st.session_state["fragility_request"] = (model_name, method, source, AttackSettings(
        kind=kind, epsilon=level / 255, steps=int(steps), region=region))
request = st.session_state.get("fragility_request")
if request is None:
    st.info("Pick an image, a method and an attack, then press Attack the map.")
    st.stop()
model_name, method, source, settings = request
try:
    report = cached_fragility(model_name, method, source, settings)
except ImageDecodeError as err:
    st.error(f"Could not read this image: {err}")
    st.stop()
except ValueError as err:
    st.error(str(err))
    st.stop()

labels = cached_model(model_name).labels
kept = report.label == report.label_after
before_overlay = map_view(report.original, report.maps.before)
after_overlay = map_view(report.attacked, report.maps.after)
if settings.region is not None:
    after_overlay = region_outline(after_overlay, settings.region)
pictures = {"original": report.original, "attacked": report.attacked,
            f"difference ×10 (L∞ {report.linf * 255:.0f}/255)":
                difference_image(report.original, report.attacked),
            "map before": before_overlay, "map after": after_overlay}
for column, (caption, picture) in zip(st.columns(len(pictures)), pictures.items()):
    column.image(picture, caption=caption, width="stretch")  # one row, whatever the width
cols = st.columns(2)  # two wide columns: a label such as "Egyptian cat" is not cut
cols[0].metric("Prediction before", labels[report.label], f"{report.probability_before:.1%}",
               delta_color="off", delta_arrow="off")  # a probability, not a change
cols[1].metric("Prediction after", labels[report.label_after], f"{report.probability_after:.1%}",
               delta_color="off", delta_arrow="off")  # a probability, not a change
change = report.maps.change
cols = st.columns(3)
cols[0].metric("Top-k intersection", f"{change.top_k_intersection:.0%}",
               help="Share of the 1000 most important pixels that stay among the top 1000.")
cols[1].metric("Spearman ρ", f"{change.spearman:.2f}", help="Rank correlation of the two maps.")
cols[2].metric("Centre of mass moved", f"{change.centre_shift:.1f} px")
if not kept:
    st.warning("No step kept the label within the budget; the original image is shown.")
st.caption(f"{report.steps} steps · {report.attack_seconds:.1f} s "
           f"({report.seconds_per_step:.2f} s per step: a forward, a backward and a double "
           "backward) · maps measured on the real network")
st.subheader("Defences on the same pair")
st.dataframe(change_rows(report.maps, report.defences), hide_index=True, key="fragility_table")
st.caption("SmoothGrad averages the map over noisy copies of the image. The β-smoothed map "
           "is the method on a copy of the network whose ReLUs are softplus_β: the smallest β "
           "(from 1 up) at which that copy still predicts the same class. Smaller β would be "
           "smoother but blind: at β = 1 MobileNetV2 no longer recognises the image, and its "
           "map is the same for a cat and a coffee cup, so it cannot move (nor explain).")
for name, pair in report.defences.items():
    st.image([map_view(report.original, pair.before), map_view(report.attacked, pair.after)],
             width=200, caption=[f"{name}: before", f"{name}: after"])
