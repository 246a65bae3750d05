"""The one module that holds Streamlit caching: models (``st.cache_resource``, shared and
read-only; users' checkpoints in a bounded table) and the workflows' calls (``st.cache_data``
keyed once: the input's digest or source name, model, method, target, parameters; ``_``
arguments are not hashed). Progress is drawn inside, so a hit replays it emptied."""
from __future__ import annotations

import hashlib
from importlib import import_module
from typing import Any

import numpy as np
import streamlit as st

from components.display import Display, overlay_view, raw_view
from components.grid import data_uri
from components.progress import live_chart, live_preview, model_work, progress_bar
from explainers import Explanation, explain, explainer_entry
from explainers.metrics.rank import spearman_matrix
from inputs.image_io import LoadedImage, to_tensor
from inputs.sources import load_source
from inputs.upload import Upload
from inputs.working_size import at_working_size
from model_zoo import Classifier, load_model, probabilities
from model_zoo.user_models import CHECKPOINT_PREFIX, MAX_USER_MODELS, UserModels
from workflows.model_input import ModelInput

Params = tuple[tuple[str, Any], ...]
Source = Upload | str | ModelInput  # an upload, a named source or text, a model input
BY_DIGEST = {Upload: lambda item: item.digest, ModelInput: lambda item: item.digest}
STEPS = 20  # progress steps of the data-set work
USER_MODELS = UserModels(MAX_USER_MODELS)


@st.cache_resource(show_spinner="Loading the model (once per server)…", max_entries=8)
def _zoo_model(name: str) -> Classifier:
    return load_model(name)


def cached_model(name: str) -> Classifier:
    return USER_MODELS.get(name) if name.startswith(CHECKPOINT_PREFIX) else _zoo_model(name)


def user_checkpoint(arch: str, weights: bytes, labels: bytes | None) -> str:
    """Load a checkpoint once per content; its cache name. Raises CheckpointError."""
    from model_zoo.checkpoint import load_checkpoint

    digest = hashlib.sha256(weights + b"\0labels\0" + (labels or b"")).hexdigest()[:16]
    name = f"{CHECKPOINT_PREFIX}{arch}:{digest}"
    if name not in USER_MODELS:
        with st.spinner("Loading your checkpoint…"):
            USER_MODELS.load(name, lambda: load_checkpoint(arch, weights, labels, name=name))
    return name


@st.cache_data(show_spinner=False, max_entries=64, max_size="200MB", hash_funcs=BY_DIGEST)
def cached_loaded(source: Upload | str) -> LoadedImage:
    """Decoded at the working size, with notes; raises ImageDecodeError or ValueError."""
    return at_working_size(load_source(source.data if isinstance(source, Upload) else source))


def _input(model_name: str, source: Source) -> object:
    if isinstance(source, ModelInput):
        return source.tensor
    image = cached_model(model_name).modality == "image"
    return to_tensor(cached_loaded(source).rgb) if image else source


def _what(model_name: str, method: str, target: int) -> str:
    return f"{explainer_entry(method).title} for “{cached_model(model_name).labels[target]}”"


# --- One input: predictions, maps and their checks -----------------------------------------

@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=BY_DIGEST)
def cached_probabilities(model_name: str, source: Source) -> np.ndarray:
    with model_work():
        return probabilities(cached_model(model_name), _input(model_name, source))


@st.cache_data(show_spinner=False, max_entries=512, max_size="400MB", hash_funcs=BY_DIGEST)
def cached_explanation(model_name: str, method: str, source: Source, target: int,
                       params: Params = ()) -> Explanation:
    with model_work(f"Computing {_what(model_name, method, target)}…"):
        return explain(cached_model(model_name), method, _input(model_name, source),
                       target=target, **dict(params))


@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=BY_DIGEST)
def cached_map_score(model_name: str, method: str, source: Source, target: int, params: Params,
                     ranked: str, _scores: np.ndarray, metric: str = "road", **options: Any):
    """``metric`` of the map (ranked by "value", or "magnitude": ``_scores`` is |map|);
    ``options``: the text deletion's ``signed`` and ``k`` (workflows/scores.py)."""
    from workflows.scores import METRICS, map_score

    with model_work(f"{METRICS[metric]}: {_what(model_name, method, target)}…"):
        return map_score(metric, cached_model(model_name), _input(model_name, source), _scores,
                         target, **options)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=BY_DIGEST)
def cached_random_score(model_name: str, source: Source, target: int, metric: str = "road",
                        **options: Any):
    from workflows.scores import METRICS, random_score

    with model_work(f"{METRICS[metric]} for random maps…"):
        return random_score(metric, cached_model(model_name), _input(model_name, source), target,
                            **options)


@st.cache_data(show_spinner=False, max_entries=16, max_size="300MB", hash_funcs=BY_DIGEST)
def cached_sanity_all(model_name: str, methods: tuple[str, ...], source: Source, target: int,
                      params: tuple = (), max_steps: int | None = None) -> dict:
    """The sanity check (``params``: (method, items) pairs), each block drawn live."""
    from workflows.sanity import sanity_all

    with model_work(f"Sanity check: {', '.join(methods)} on {model_name}…"), \
            live_chart() as show:
        return sanity_all(cached_model(model_name), methods, _input(model_name, source), target,
                          {m: dict(items) for m, items in params}, max_steps, show)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_agreement(keys: tuple, _maps: tuple[np.ndarray, ...]) -> np.ndarray:
    return spearman_matrix(list(_maps))


@st.cache_data(show_spinner=False, max_entries=512, max_size="300MB")
def cached_panel_images(key: tuple, display_key: tuple, _display: Display, _rgb: np.ndarray,
                        _scores: np.ndarray, signed: bool) -> tuple[tuple[np.ndarray, str], ...]:
    images = [overlay_view(_rgb, _scores, signed, _display)]
    if _display.show_raw:
        images.append(raw_view(_scores, signed, _display))
    return tuple((image, data_uri(image)) for image in images)


@st.cache_data(show_spinner=False, max_entries=16, max_size="200MB", hash_funcs=BY_DIGEST)
def cached_fragility(model_name: str, method: str, source: Upload | str, settings):
    from explainers.fragility import fragility

    with model_work(f"Attacking {explainer_entry(method).title}…"):
        return fragility(cached_model(model_name), to_tensor(cached_loaded(source).rgb), method,
                         settings)


# --- Data sets: projections, activation maximisation, the audit, TCAV ----------------------

@st.cache_resource(show_spinner="Preparing the data set…", max_entries=64)
def cached_data(kind: str, *args: Any):
    """A data set of a kind workflows/datasets.py lists (shared, read-only)."""
    from workflows.datasets import load_data

    return load_data(kind, *args)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_activations(model_name: str, dataset_key: str, layer: str, _dataset):
    from explainers.global_views.extraction import extract

    with progress_bar("Extracting activations…", STEPS):
        return extract(cached_model(model_name), _dataset, layer)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_projection(model_name: str, dataset_key: str, layer: str, method: str, dims: int,
                      seed: int, _features: np.ndarray):
    from explainers.global_views.projection import project

    with progress_bar(f"Projecting with {method}…", STEPS):
        return project(_features, method, dims, seed)


@st.cache_data(show_spinner=False, max_entries=8)
def cached_thumbnails(dataset_key: str, _images: np.ndarray) -> list[str]:
    from components.projection_figure import thumbnail_uris

    return thumbnail_uris(_images)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_actmax(model_name: str, objective, settings, previews: int = 8):
    from explainers.global_views.actmax import maximise

    with progress_bar("Optimising…", STEPS), live_preview() as show:
        return maximise(cached_model(model_name), objective, settings,
                        max(settings.steps // max(previews, 1), 1), show)


@st.cache_data(show_spinner=False, max_entries=8, max_size="500MB")
def cached_audit(model_name: str, dataset_key: str, methods: tuple[str, ...], seed: int, _data):
    from workflows.audit import run_audit

    with model_work("Auditing…", STEPS):
        return run_audit(cached_model(model_name), _data, methods, seed=seed)


@st.cache_data(show_spinner=False, max_entries=8)
def cached_audit_html(model_name: str, dataset_key: str, methods: tuple[str, ...], seed: int,
                      _report, _data) -> str:
    from components.audit_report import report_html

    return report_html(_report, _data)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_set_activations(model_name: str, layer: str, set_key: str,
                           _images: np.ndarray) -> np.ndarray:
    from explainers.concepts.activations import layer_activations

    with model_work(f"Reading layer {layer} for {set_key}…"):
        return layer_activations(cached_model(model_name), _images, layer)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_class_gradients(model_name: str, layer: str, target: int, set_key: str,
                           _images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from explainers.concepts.activations import layer_gradients

    with model_work(f"Gradients of the class at {layer}…"):
        return layer_gradients(cached_model(model_name), _images, layer, target)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_tcav(model_name: str, layer: str, target: int, class_key: str,
                concept_keys: tuple[str, ...], pool_key: str, runs: int, seed: int,
                _sets: dict[str, np.ndarray], reference_key: str | None = None):
    from workflows.tcav import check_tcav_sets, tcav_on_sets

    check_tcav_sets(_sets, class_key, concept_keys, pool_key, reference_key)
    acts, grads = cached_class_gradients(model_name, layer, target, class_key, _sets[class_key])
    with progress_bar("Fitting concept activation vectors…"):
        return tcav_on_sets(acts, grads, lambda key: cached_set_activations(
            model_name, layer, key, _sets[key]), concept_keys, pool_key, layer, target, runs,
            seed, reference_key)


@st.cache_resource(show_spinner=False, max_entries=16)
def cached_identity(model_name: str) -> tuple[str, str]:
    from model_zoo.digest import software_version, weights_sha256

    return weights_sha256(cached_model(model_name).module), software_version()


@st.cache_data(show_spinner=False, max_entries=128, max_size="200MB", hash_funcs=BY_DIGEST)
def cached_work(work: str, model_name: str, *args: Any):
    """Any other use case, ``module:function`` of workflows/, called with the cached model
    and ``args`` (inputs keyed by digest): lessons, probes, distances to the training data."""
    module, name = work.split(":")
    with model_work():
        return getattr(import_module(f"workflows.{module}"), name)(cached_model(model_name), *args)
