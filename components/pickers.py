"""Streamlit pickers shared by the pages: classes, models, method parameters (widgets only;
the registries say what to offer)."""
from __future__ import annotations

from typing import Hashable

import numpy as np
import streamlit as st

from explainers import ExplainerEntry
from model_zoo import Classifier, model_entries


def ranked_targets(probabilities: np.ndarray) -> list[int]:
    """Every class index, most probable first (the top-k lead any picker built on it)."""
    return [int(i) for i in np.argsort(-probabilities, kind="stable")]


def target_picker(probabilities: np.ndarray, labels: tuple[str, ...], key: str,
                  context: Hashable, multiple: bool = False, max_selections: int = 4) -> list[int]:
    """Classes to explain: all labels searchable, the top predictions first.

    Starts at the top class, and goes back to it whenever ``context`` (the input and
    model) changes, so a new image never keeps the last image's targets.
    """
    options = ranked_targets(probabilities)
    if st.session_state.get(f"{key}__context") != context:
        st.session_state[f"{key}__context"] = context
        st.session_state[key] = options[:1] if multiple else options[0]

    def label(i: int) -> str:
        return f"{labels[i]} ({probabilities[i]:.1%})"

    if multiple:
        return list(st.multiselect("Explain the classes", options, key=key, format_func=label,
                                   max_selections=max_selections,
                                   help="Top predictions first; type to search every label."))
    return [st.selectbox("Explain the class", options, key=key, format_func=label)]


def param_inputs(entry: ExplainerEntry, model: Classifier, key: str) -> dict[str, object]:
    """One compact input per tunable parameter, built from a method's registry entry.

    Widget state starts at the default for this model (tests may preset ``{key}_{param}``).
    A parameter with choices gets a picker showing their labels; where the choices depend
    on the model (a CAM's layers) the widget key says how many there are, so a model with
    other choices gets its own widget.
    """
    choices = entry.choices_for(model)
    values: dict[str, object] = {}
    for name, default in entry.defaults_for(model).items():
        widget_key = f"{key}_{name}"
        if name in entry.model_choices:
            widget_key += f"_of_{len(choices[name])}"
        st.session_state.setdefault(widget_key, default)
        values[name] = _param_input(name, default, choices.get(name), widget_key)
    return values


def shown_params(entry: ExplainerEntry, model: Classifier, params: dict) -> dict:
    """Parameters as a person reads them: a chosen value by its label (a layer by name)."""
    choices = entry.choices_for(model)
    return {k: choices[k].get(v, v) if k in choices else v for k, v in params.items()}


def _param_input(name: str, default: object, options: dict | None, key: str) -> object:
    if options:
        return st.selectbox(name, list(options), key=key, format_func=lambda v: options[v])
    if isinstance(default, bool):
        return st.checkbox(name, key=key)
    if isinstance(default, int):
        return int(st.number_input(name, step=1, key=key, min_value=0 if default >= 0 else None))
    if isinstance(default, float):
        return float(st.number_input(name, key=key, step=abs(default) / 10 or 0.01,
                                     format="%.4g", min_value=0.0 if default >= 0 else None))
    if isinstance(default, str):
        return st.text_input(name, key=key)
    return default


def model_picker(modality: str, key: str, default: str = "mobilenet_v2",
                 label: str = "Classifier", extra: tuple[str, ...] = ()) -> str:
    """A registered model of the modality, by name (``default`` first chosen if offered);
    ``extra`` choices (e.g. "a Hugging Face model…") follow the registry's."""
    names = [e.name for e in model_entries(modality)] + list(extra)
    return st.selectbox(label, names, key=key,
                        index=names.index(default) if default in names else 0)
