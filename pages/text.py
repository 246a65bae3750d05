"""Text page: a sentence, a model, a method; coloured tokens beside the predictions."""
import streamlit as st

from components.facts import choice_label, cost_caption
from components.predictions import top_k, top_k_figure
from components.tokens import token_html
from dashboard_cache import cached_explanation, cached_model, cached_probabilities
from explainers import compatible_methods
from explainers.samples import SAMPLE_SENTENCES
from model_zoo import model_entries

MAX_CHARS = 5000

st.header("Why this sentence?")
text = st.text_area("Sentence", SAMPLE_SENTENCES[0], max_chars=MAX_CHARS, key="text_input")
left, right = st.columns(2)
with left:
    names = [e.name for e in model_entries("text")]
    model_name = st.selectbox("Classifier", names, key="text_model")
    model = cached_model(model_name)
with right:
    methods = {e.title: e.name for e in compatible_methods(model)}
    method_title = st.selectbox("Method", list(methods), key="text_method")

if not text.strip():
    st.info("Type a sentence to see which words drive the prediction.")
    st.stop()
encoded = model.encode(text)
if encoded.truncated:
    st.warning(f"The text is longer than the model reads ({model.max_length} tokens); "
               "only the beginning is explained.")

probs = cached_probabilities(model_name, text)
choices = top_k(probs, model.labels, 5)
target = st.selectbox("Explain the class", choices, key="text_target",
                      format_func=choice_label)[0]
with st.spinner(f"Computing {method_title}…"):
    result = cached_explanation(model_name, methods[method_title], text, target)

tokens_col, chart_col = st.columns([3, 2])
with tokens_col:
    st.subheader(f"{method_title} for “{model.labels[target]}”")
    st.html(token_html(result.tokens, result.scores, result.signed, encoded.special))
    st.caption(cost_caption(result))
with chart_col:
    st.subheader("Predictions")
    st.plotly_chart(top_k_figure(probs, model.labels, k=len(model.labels)), width="stretch")
