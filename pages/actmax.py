"""Activation maximisation page: optimise an image for a channel, unit, class or a gallery."""
from dataclasses import replace

import streamlit as st

from components.actmax_view import curve_figure, enlarge
from components.pickers import model_picker
from dashboard_cache import cached_actmax, cached_model, cached_work
from explainers.global_views import objectives as obj
from explainers.global_views.actmax import PRESETS, SWITCH_ON
from explainers.global_views.layers import LOGITS, block_names
from explainers.global_views.prior_comparison import LESSON, comparison_settings
from model_zoo.generators import has_generator
from navigation import app_page

app_page("Activation maximisation", icon=":material/tune:", order=30)

KINDS = {"Channel (mean activation)": "channel", "Single unit (centre of a channel)": "unit",
         "Class logit": "class", "Gallery (N channels, one batch)": "gallery"}
SWITCH_TITLES = {"jitter": "Jitter (px)", "scale": "Random scale (±)", "rotate": "Random rotation (°)",
                 "blur_every": "Blur every k steps", "l1": "L1 on the image", "l2": "L2 on the image",
                 "tv": "Total variation"}

st.header("What does this unit look for?")
st.caption("Gradient ascent on the input image until the chosen unit fires strongly. Without "
           "a prior the optimum looks like noise to a person even though the model is sure "
           "of it; the priors make it legible.")
left, right = st.columns(2)
with left:
    model_name = model_picker("image", key="actmax_model")
    model = cached_model(model_name)
    shapes = cached_work("layers:shapes", model_name)
    kind_title = st.radio("Objective", list(KINDS), key="actmax_kind")
    kind = KINDS[kind_title]
    if kind == "class":
        layer = LOGITS
        target = st.selectbox("Class", range(len(model.labels)), index=min(285, len(model.labels) - 1),
                              format_func=lambda k: f"{model.labels[k]} ({k})", key="actmax_class")
        objective = obj.class_logit(target)
    else:
        layers = [n for n in shapes if n != LOGITS]
        blocks = block_names(model)
        default = blocks[len(blocks) // 2] if blocks else layers[0]
        layer = st.selectbox("Layer", layers, index=layers.index(default), key="actmax_layer")
        count = shapes[layer][0]
        first = st.number_input(f"Channel (0–{count - 1})", 0, count - 1, 0, key="actmax_channel")
        if kind == "gallery":
            n = st.slider("Channels in the gallery", 2, 16, 8, key="actmax_gallery")
            objective = obj.channel(layer, *[(first + i) % count for i in range(n)])
        elif kind == "unit":
            objective = obj.unit(layer, int(first))
        else:
            objective = obj.channel(layer, int(first))
with right:
    offered = [p for p in PRESETS if p != "generator" or has_generator(model_name)]
    preset = st.radio("Preset", offered, index=2, horizontal=True, key="actmax_preset",
                      help="raw: pixels only · regularised: pixel space with jitter, blur, L2 and "
                           "total variation · fourier: decorrelated colour spectrum with jitter · "
                           "generator: the latent of a generator trained on the model's data")
    base = PRESETS[preset]
    steps = st.slider("Steps", 8, 512, 128, 8, key="actmax_steps")
    size = st.select_slider("Image size (px)", [96, 128, 160, 224], 128, key="actmax_size")
    seed = st.number_input("Seed", 0, 10_000, 0, key="actmax_seed")
    with st.expander("Priors and regularisers"):
        changes = {}
        if base.parameterisation != "generator":
            changes["parameterisation"] = st.radio(
                "Parameterisation", ["pixel", "fourier"],
                index=["pixel", "fourier"].index(base.parameterisation), horizontal=True,
                key=f"actmax_{preset}_param")
        changes["decorrelate"] = st.toggle("Decorrelated colour (Fourier)", base.decorrelate,
                                           key=f"actmax_{preset}_decorrelate")
        for name, strength in SWITCH_ON.items():
            value = getattr(base, name) or strength
            on = st.toggle(f"{SWITCH_TITLES[name]} ({value})", bool(getattr(base, name)),
                           key=f"actmax_{preset}_{name}")
            changes[name] = value if on else type(value)(0)
settings = replace(base, steps=steps, size=size, seed=int(seed), **changes)

if kind == "class" and has_generator(model_name):
    st.subheader("Three priors, one class")
    st.caption("Same class, seed and steps: raw pixels, regularised pixels, and the latent of "
               "a generator trained on the model's data (x = G(z)).")
    if st.button("Compare the three", key="actmax_compare"):
        st.session_state["actmax_compare_request"] = (model_name, target, steps, int(seed))
    compare = st.session_state.get("actmax_compare_request")
    if compare and compare[0] == model_name:
        c_model, c_class, c_steps, c_seed = compare
        side = cached_model(c_model).input_size[1]
        runs = comparison_settings(c_model, side, c_steps, c_seed)
        columns = st.columns(len(runs))
        for column, (name, run_settings) in zip(columns, runs.items()):
            run = cached_actmax(c_model, obj.class_logit(c_class), run_settings)
            column.image(enlarge(run.images[0], max(1, 224 // run.images.shape[1])), width=224,
                         caption=f"{name} · p({model.labels[c_class]}) = "
                                 f"{run.target_probability[0]:.1%} · {run.seconds:.1f} s")
        st.caption(LESSON)

if st.button("Optimise", type="primary", key="actmax_run"):
    st.session_state["actmax_request"] = (model_name, objective, settings)
request = st.session_state.get("actmax_request")
if request is None:
    st.info("Choose an objective and press Optimise.")
    st.stop()

model_name, objective, settings = request
names = [objective.describe(i) for i in range(len(objective.indices))]
result = cached_actmax(model_name, objective, settings)
labels = cached_model(model_name).labels
factor = max(1, 224 // result.images.shape[1])
st.image([enlarge(im, factor) for im in result.images], width=224 if len(names) > 1 else 448,
         caption=[f"{n} · model says {labels[k]} ({p:.1%})"
                  for n, k, p in zip(names, result.top_class, result.top_probability)])
st.caption(f"{result.seconds:.1f} s · {settings.steps} steps · {len(names)} image(s) in one "
           f"batch · objective {result.curve[0].mean():.3f} → {result.curve[-1].mean():.3f}")
st.subheader("Objective per step")
st.plotly_chart(curve_figure(result.curve, names), width="stretch")
if result.snapshots:
    st.subheader("Progress")
    st.image([images[0] for _, images in result.snapshots], width=96,
             caption=[f"step {step}" for step, _ in result.snapshots])
