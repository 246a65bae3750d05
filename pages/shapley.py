"""Shapley lesson: exact Shapley values of a few image regions (2^n coalitions), and the
estimators that avoid the 2^n (KernelSHAP, permutation sampling, partition SHAP, a learned
explainer) converging towards them as their evaluations arrive."""
import streamlit as st

from components.shapley_view import (GRID_COLOUR, cost_table, error_figure, final_rows,
                                     grid_overlay, values_figure)
from dashboard_cache import cached_model
from explainers.image.learned_shap import trained_for
from explainers.image.learned_shap_sets import LESSON_MODELS, images_for
from explainers.image.shapley_lesson import GRIDS, Lesson, exact_costs
from navigation import app_page

app_page("Shapley lesson", icon=":material/functions:", order=75)

st.header("Shapley values: exact, sampled, and learned")
st.caption("A region's Shapley value is its average contribution to the model's score over "
           "every coalition of the other regions (hidden regions are blurred). Exact values "
           "need all 2ⁿ coalitions; the estimators below spend far fewer evaluations, and the "
           "chart shows how close each gets as its evaluations arrive.")
left, right = st.columns(2)
with left:
    model_name = st.selectbox("Model", LESSON_MODELS, key="shapley_model")
    index = st.slider("Held-out image", 0, 11, 0, key="shapley_image")
with right:
    regions = st.select_slider("Regions (n)", list(GRIDS), value=9, key="shapley_regions")
    budget = st.select_slider("Evaluations per estimator", [64, 128, 256, 512, 1024, 2048],
                              value=512, key="shapley_budget")
model = cached_model(model_name)
image = images_for(model_name, "held_out", index + 1)[index]
rows, cols = GRIDS[regions]
st.caption(f"{regions} regions ({rows} × {cols}): exact Shapley needs 2^{regions} = "
           f"{2 ** regions:,} model evaluations.")
st.image(grid_overlay(image, GRIDS[regions]), width=192,
         caption=f"The {rows} × {cols} regions ({GRID_COLOUR} lines)")

if st.button("Run the lesson", type="primary", key="shapley_run"):
    lesson = Lesson(model, image, regions)
    bar = st.progress(0.0, text=f"Exact: {2 ** regions:,} coalitions")
    exact, seconds = lesson.exact(lambda f: bar.progress(f, text=f"Exact: {2 ** regions:,} "
                                                                  f"coalitions ({f:.0%})"))
    bar.empty()
    chart, points = st.empty(), []
    for point in lesson.race(exact, budget):
        points.append(point)
        if len(points) % 4 == 0:  # redraw as the evaluations arrive
            chart.plotly_chart(error_figure(points), key=f"shapley_live_{len(points)}")
    chart.empty()
    st.session_state["shapley_result"] = {
        "request": (model_name, index, regions, budget), "exact": exact, "seconds": seconds,
        "points": points, "target": model.labels[lesson.target]}

result = st.session_state.get("shapley_result")
if result is None or result["request"] != (model_name, index, regions, budget):
    st.info("Press Run the lesson (about 10-40 s at n = 9-12 on a shared 2-core machine).")
    st.stop()
st.subheader(f"Exact: {2 ** regions:,} coalitions in {result['seconds']:.2f} s "
             f"(class “{result['target']}”)")
st.plotly_chart(error_figure(result["points"]), key="shapley_error")
st.dataframe(final_rows(result["points"]), hide_index=True)
facts = trained_for(model)
if facts is not None:
    held_out = facts.get("fidelity", {})
    st.caption(f"Learned (FastSHAP) is a network trained for this model on "
               f"{facts['train_images']} images over an {facts['grid'][0]} × {facts['grid'][1]} "
               f"grid, pooled onto this one: learned, not computed. On "
               f"{held_out.get('images', 0)} held-out images its rank correlation with sampled "
               f"Shapley values was {held_out.get('spearman_vs_shapley', float('nan')):.2f}.")
st.plotly_chart(values_figure(result["exact"], result["points"], GRIDS[regions]),
                key="shapley_values")
st.markdown("**What exact costs as n grows** (this run's seconds per evaluation × 2ⁿ)")
st.dataframe(cost_table(exact_costs(result["seconds"] / 2 ** regions), regions),
             hide_index=True)
