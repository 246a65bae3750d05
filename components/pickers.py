"""Streamlit pickers shared by the pages (widgets only; no model code)."""
from __future__ import annotations

from typing import Hashable

import numpy as np
import streamlit as st


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


def param_inputs(defaults: dict[str, object], choices: dict[str, tuple], key: str,
                 layer_names: list[str] | None = None) -> dict[str, object]:
    """One compact input per tunable parameter, built from a method's registry entry.

    Widget state starts at the registry default (tests may preset ``{key}_{param}``).
    ``choices`` give a picker; ``layer`` (an index into the model's CAM layers) is offered
    by name and kept non-negative, so -1 and the last index share a cache entry.
    """
    values: dict[str, object] = {}
    for name, default in defaults.items():
        widget_key = f"{key}_{name}"
        if name == "layer" and layer_names:  # a model with other layers gets its own widget
            default = int(default) % len(layer_names)
            widget_key += f"_of_{len(layer_names)}"
        st.session_state.setdefault(widget_key, default)
        values[name] = _param_input(name, default, choices.get(name), widget_key, layer_names)
    return values


def _param_input(name: str, default: object, options: tuple | None, key: str,
                 layer_names: list[str] | None) -> object:
    if name == "layer" and layer_names:
        return st.selectbox(name, range(len(layer_names)), key=key,
                            format_func=lambda i: layer_names[i])
    if options:
        return st.selectbox(name, list(options), key=key)
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
