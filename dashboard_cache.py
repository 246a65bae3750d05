"""The one module that holds Streamlit caching of models and results.

Models: ``st.cache_resource``, one shared read-only copy per process. Results:
``st.cache_data`` keyed by the input's bytes (or sample name), model, method,
target and parameters, so redrawing with other display settings costs no model call.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from explainers import Explanation, explain
from explainers.image_io import to_tensor
from explainers.sources import image_from_source
from model_zoo import Classifier, load_model, probabilities

SAMPLE_PREFIX = "sample:"


@st.cache_resource(show_spinner="Loading the model (once per server)…", max_entries=8)
def cached_model(name: str) -> Classifier:
    return load_model(name)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_image(source: bytes | str) -> np.ndarray:
    """Decoded RGB of an upload's bytes, or of ``sample:NAME``; raises ImageDecodeError."""
    return image_from_source(source)


def model_input(model_name: str, source: bytes | str) -> object:
    model = cached_model(model_name)
    return to_tensor(cached_image(source)) if model.modality == "image" else source


@st.cache_data(show_spinner=False, max_entries=256)
def cached_probabilities(model_name: str, source: bytes | str) -> np.ndarray:
    return probabilities(cached_model(model_name), model_input(model_name, source))


@st.cache_data(show_spinner=False, max_entries=256)
def cached_explanation(model_name: str, method: str, source: bytes | str, target: int,
                       params: tuple[tuple[str, object], ...] = ()) -> Explanation:
    return explain(cached_model(model_name), method, model_input(model_name, source),
                   target=target, **dict(params))


@st.cache_data(show_spinner=False, max_entries=256)
def cached_text_deletion(model_name: str, method: str, text: str, target: int, k: int,
                         params: tuple[tuple[str, object], ...] = ()) -> "Deletion":
    """Deletion score (probability drop with the top-k tokens removed) of a text method."""
    from explainers.text.deletion import explanation_deletion

    result = cached_explanation(model_name, method, text, target, params)
    return explanation_deletion(cached_model(model_name), text, result.scores, result.signed,
                                target, k)
