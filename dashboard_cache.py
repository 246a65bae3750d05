"""The one module that holds Streamlit caching of models and results.

Models: ``st.cache_resource``, one shared read-only copy per process. Results:
``st.cache_data`` keyed by the input's bytes (or source name), model, method,
target and parameters, so redrawing with other display settings costs no model call.

Slow work draws its own progress bar *inside* the cached function: Streamlit replays
elements a cached function created, but cannot replay updates to an element created
outside it. On a cache hit the bar is replayed already emptied, so nothing shows.
``model_calls()`` counts cache misses that ran a model (tests read it to prove that a
display change recomputed nothing).
"""
from __future__ import annotations

import hashlib
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

import numpy as np
import streamlit as st
from PIL import Image

from components.display import Display, overlay_view, raw_view
from components.grid import data_uri
from explainers import Explanation, explain, explainer_entry
from inputs.image_io import LoadedImage, to_tensor
from explainers.metrics import FaithfulnessScores, deletion_insertion, random_baseline
from explainers.progress import reporting
from explainers.metrics.rank import spearman_matrix
from explainers.metrics.sanity import SanityReport, cascading_randomisation
from inputs.sources import load_source
from model_zoo import Classifier, load_model, probabilities

SAMPLE_PREFIX = "sample:"
MAX_SIDE = 640  # pages work on images at most this long: maps are computed at 224 px anyway
PROGRESS_STEPS = 10  # bar updates kept per cached call (each one is replayed on a hit)
Params = tuple[tuple[str, Any], ...]

_calls_lock = threading.Lock()
_calls = 0


def _count_model_call() -> None:
    global _calls
    with _calls_lock:
        _calls += 1


def model_calls() -> int:
    """How many cached computations have run a model in this process so far."""
    return _calls


@contextmanager
def _progress(text: str, steps: int = PROGRESS_STEPS) -> Iterator[None]:
    """A progress bar fed by ``explainers.progress.report``, emptied when the work ends.

    At most ``steps`` updates are drawn (each is stored and replayed on a cache hit).
    """
    bar = st.progress(0.0, text=text)
    shown = [0]

    def update(fraction: float, note: str) -> None:
        step = int(fraction * steps)
        if step > shown[0]:
            shown[0] = step
            bar.progress(fraction, text=f"{text} {note}".strip())

    try:
        with reporting(update):
            yield
    finally:
        bar.empty()


@st.cache_resource(show_spinner=False)
def frozen_start_up() -> bool:
    """Once per process, after the first page run: collect, then ``gc.freeze()`` what is
    left (imported libraries, the first model), so Streamlit's full collection after every
    run skips it. On a warm image-page rerun that collection took 0.15 s of the server's
    0.19 s CPU; frozen, the whole rerun takes 0.03 s. (Turning the collection off instead
    let the server's memory climb 240 MB per 80 reruns between automatic collections.)"""
    import gc

    gc.collect()
    gc.freeze()
    return True


@st.cache_resource(show_spinner="Loading the model (once per server)…", max_entries=8)
def cached_model(name: str) -> Classifier:
    if name.startswith(CHECKPOINT_PREFIX):
        return _user_model(name)
    return load_model(name)


def _shrunk(rgb: np.ndarray, max_side: int = MAX_SIDE) -> np.ndarray:
    height, width = rgb.shape[:2]
    scale = max_side / max(height, width)
    if scale >= 1:
        return rgb
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.asarray(Image.fromarray(rgb).resize(size, Image.Resampling.BOX))


@dataclass(frozen=True, eq=False)
class Upload:
    """An upload's bytes with a digest taken once, which the caches key it by.

    ``st.cache_data`` would hash every byte again on each cached call: 30 ms per call for a
    15 MB file, and an image-page rerun makes about ten such calls. (A ``bytes`` subclass
    would not do: Streamlit hashes bytes before it consults ``hash_funcs``.)
    """

    data: bytes = field(repr=False)
    digest: str = ""

    @classmethod
    def of(cls, data: bytes) -> "Upload":
        return cls(data, hashlib.sha256(data).hexdigest())


BY_DIGEST = {Upload: lambda upload: upload.digest}


def source_digest(source: Upload | bytes | str) -> str:
    """A short id of an image source (an upload's digest, or a named source's hash)."""
    if isinstance(source, Upload):
        return source.digest
    return hashlib.sha256(source if isinstance(source, bytes) else source.encode()).hexdigest()


@st.cache_data(show_spinner=False, max_entries=64, max_size="200MB", hash_funcs=BY_DIGEST)
def cached_loaded(source: Upload | str) -> LoadedImage:
    """An upload's bytes or a named source, decoded and at most ``MAX_SIDE`` px long, with
    the loader's notes. Raises ImageDecodeError (bad upload) or ValueError (unknown source)."""
    loaded = load_source(source.data if isinstance(source, Upload) else source)
    rgb = _shrunk(loaded.rgb)
    if rgb.shape != loaded.rgb.shape:
        note = f"worked on at {rgb.shape[1]}×{rgb.shape[0]} px"
        return LoadedImage(rgb, loaded.format, (*loaded.notes, note))
    return loaded


def cached_image(source: Upload | str) -> np.ndarray:
    """RGB of ``cached_loaded``."""
    return cached_loaded(source).rgb


def model_input(model_name: str, source: Upload | str) -> object:
    model = cached_model(model_name)
    return to_tensor(cached_image(source)) if model.modality == "image" else source


@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=BY_DIGEST)
def cached_probabilities(model_name: str, source: Upload | str) -> np.ndarray:
    _count_model_call()
    return probabilities(cached_model(model_name), model_input(model_name, source))


def _what(model_name: str, method: str, target: int) -> str:
    return f"{explainer_entry(method).title} for “{cached_model(model_name).labels[target]}”"


@st.cache_data(show_spinner=False, max_entries=512, max_size="300MB")
def cached_panel_images(key: tuple, display_key: tuple, _display: Display, _rgb: np.ndarray,
                        _scores: np.ndarray, signed: bool) -> tuple[tuple[np.ndarray, str], ...]:
    """A panel's overlay (and raw map) with their data URIs, drawn once per map and display.

    ``key`` identifies the map, ``display_key`` the display (arrays are not hashed). A warm
    rerun of the image page drew and encoded every panel twice, about 0.13 s of a 0.39 s
    interaction for three panels on a 600 px photo; from here it is a cache hit.
    """
    images = [overlay_view(_rgb, _scores, signed, _display)]
    if _display.show_raw:
        images.append(raw_view(_scores, signed, _display))
    return tuple((image, data_uri(image)) for image in images)


@st.cache_data(show_spinner=False, max_entries=256, max_size="400MB", hash_funcs=BY_DIGEST)
def cached_explanation(model_name: str, method: str, source: Upload | str, target: int,
                       params: Params = ()) -> Explanation:
    _count_model_call()
    with _progress(f"Computing {_what(model_name, method, target)}…"):
        return explain(cached_model(model_name), method, model_input(model_name, source),
                       target=target, **dict(params))


@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=BY_DIGEST)
def cached_faithfulness(model_name: str, method: str, source: Upload | str, target: int,
                        params: Params, _scores: np.ndarray) -> FaithfulnessScores:
    """Deletion/insertion of the map that (model, method, source, target, params) produced.

    ``_scores`` is not hashed: the other arguments identify it.
    """
    _count_model_call()
    with _progress(f"Deletion and insertion: {_what(model_name, method, target)}…"):
        return deletion_insertion(cached_model(model_name), model_input(model_name, source),
                                  np.asarray(_scores), target)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=BY_DIGEST)
def cached_random_baseline(model_name: str, source: Upload | str,
                           target: int) -> FaithfulnessScores:
    """Deletion/insertion for pixels removed in a random order: the reference to beat."""
    _count_model_call()
    with _progress("Deletion and insertion in a random order…"):
        return random_baseline(cached_model(model_name), model_input(model_name, source), target)


@st.cache_data(show_spinner=False, max_entries=32, max_size="300MB", hash_funcs=BY_DIGEST)
def cached_sanity(model_name: str, method: str, source: Upload | str, target: int,
                  params: Params = (), max_steps: int | None = None) -> SanityReport:
    """Cascading model-parameter randomisation (Adebayo et al. 2018) for one map;
    ``max_steps`` blocks from the output down (all when None)."""
    _count_model_call()
    with _progress(f"Sanity check: {_what(model_name, method, target)}…"):
        return cascading_randomisation(cached_model(model_name), method,
                                       model_input(model_name, source), target,
                                       params=dict(params), max_steps=max_steps)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_agreement(keys: tuple, _maps: tuple[np.ndarray, ...]) -> np.ndarray:
    """Pairwise Spearman matrix of maps; ``keys`` identify them (the maps are not hashed)."""
    return spearman_matrix(list(_maps))


@st.cache_data(show_spinner=False, max_entries=256)
def cached_text_explanation(model_name: str, method: str, text: str, target: int,
                            params: Params = ()) -> Explanation:
    """A text explanation, with a progress bar drawn inside (so a cache hit replays it)."""
    _count_model_call()
    with _progress(f"Computing {explainer_entry(method).title}…"):
        return explain(cached_model(model_name), method, text, target=target, **dict(params))


@st.cache_data(show_spinner=False, max_entries=256)
def cached_text_deletion(model_name: str, method: str, text: str, target: int, k: int,
                         params: tuple[tuple[str, object], ...], _scores: np.ndarray,
                         signed: bool) -> "Deletion":
    """Deletion score (probability drop with the top-k tokens removed) of a text method's
    ``_scores``, keyed by what produced them."""
    from explainers.metrics.text_deletion import explanation_deletion

    return explanation_deletion(cached_model(model_name), text, _scores, signed, target, k)


# --- Global views (issue 5): data sets, activations, projections, activation maximisation.
# Data sets and activations are keyed by strings; the heavy objects travel as ``_``-prefixed
# arguments, which Streamlit does not hash. Changing only the colouring recomputes nothing.
# Progress bars and live previews are created inside the cached functions, so a cache hit
# replays them (briefly) instead of referring to blocks of an earlier run.

GLOBAL_PROGRESS_STEPS = 20


@st.cache_resource(show_spinner="Building the data set…", max_entries=6)
def cached_dataset(name: str, count: int):
    """A generated or bundled data set (shared, read-only: large arrays are not copied)."""
    from inputs.datasets import load_dataset

    return load_dataset(name, count)


@st.cache_resource(show_spinner="Reading the archive…", max_entries=4)
def cached_zip_dataset(data: bytes):
    """(Dataset, skipped files) of an uploaded zip of class folders; raises ZipDatasetError."""
    from inputs.zip_dataset import zip_dataset

    return zip_dataset(data)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_activations(model_name: str, dataset_key: str, layer: str, _dataset):
    from explainers.global_views.extraction import extract

    with _progress("Extracting activations…", GLOBAL_PROGRESS_STEPS):
        return extract(cached_model(model_name), _dataset, layer)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_projection(model_name: str, dataset_key: str, layer: str, method: str, dims: int,
                      seed: int, _features: np.ndarray):
    from explainers.global_views.projection import project

    with _progress(f"Projecting with {method}…", GLOBAL_PROGRESS_STEPS):
        return project(_features, method, dims, seed)


@st.cache_data(show_spinner=False, max_entries=8)
def cached_thumbnails(dataset_key: str, _images: np.ndarray) -> list[str]:
    from components.projection_figure import thumbnail_uris

    return thumbnail_uris(_images)


@st.cache_resource(show_spinner=False, max_entries=8)
def cached_layer_shapes(model_name: str) -> dict[str, tuple[int, ...]]:
    """Output shape of every convolution and block of an image model (one probe forward)."""
    from explainers.global_views.layers import LOGITS, conv_layer_names, layer_shapes

    model = cached_model(model_name)
    return layer_shapes(model, conv_layer_names(model) + [LOGITS])


@st.cache_data(show_spinner=False, max_entries=32)
def cached_actmax(model_name: str, objective, settings, previews: int = 8):
    """Activation maximisation with a progress bar and ``previews`` live intermediate images."""
    from explainers.global_views.actmax import maximise

    with _progress("Optimising…", GLOBAL_PROGRESS_STEPS):
        live = st.empty()  # below the bar

        def show(step: int, images: np.ndarray) -> None:
            live.image(list(images[:8]), caption=[f"step {step}"] * min(len(images), 8),
                       width=96)

        result = maximise(cached_model(model_name), objective, settings,
                          max(settings.steps // max(previews, 1), 1), show)
        live.empty()
    return result


CHECKPOINT_PREFIX = "checkpoint:"
MAX_USER_MODELS = 4
_user_models: dict[str, Classifier] = {}  # a user checkpoint's name -> its model, newest last
_user_models_lock = threading.Lock()


def _user_model(name: str) -> Classifier:
    with _user_models_lock:
        if name not in _user_models:
            raise ValueError("this checkpoint is no longer loaded; upload it again")
        return _user_models[name]


@st.cache_resource(show_spinner="Loading your checkpoint…", max_entries=MAX_USER_MODELS)
def _load_user_checkpoint(name: str, _weights: bytes, _labels: bytes | None) -> Classifier:
    """Keyed by ``name``, which carries the content digest; raises CheckpointError."""
    from model_zoo.checkpoint import load_checkpoint

    model = load_checkpoint(name.split(":")[1], _weights, _labels, name=name)
    with _user_models_lock:
        _user_models[name] = model
        while len(_user_models) > MAX_USER_MODELS:
            _user_models.pop(next(iter(_user_models)))
    return model


def user_checkpoint(arch: str, weights: bytes, labels: bytes | None) -> str:
    """Load a user's checkpoint once per content; the name every cached function accepts."""
    digest = hashlib.sha256(weights + b"\0labels\0" + (labels or b"")).hexdigest()[:16]
    name = f"{CHECKPOINT_PREFIX}{arch}:{digest}"
    _load_user_checkpoint(name, weights, labels)
    return name



# --- Concepts (TCAV) and fragility (issue 16). Image sets are built once per server and
# keyed by strings; each set's activations are read once per (model, layer) and reused by
# every TCAV run, so adding a concept reads only that concept.

@st.cache_resource(show_spinner=False, max_entries=48)
def cached_image_set(key: str, count: int, seed: int) -> np.ndarray:
    """``concept:NAME``, ``photo:SAMPLE`` (crops) or ``random`` (the counterexample pool)."""
    from inputs.concept_images import concept_set, photo_crops, random_pool

    kind, _, name = key.partition(":")
    if kind == "concept":
        return concept_set(name, count, seed)
    if kind == "photo":
        return photo_crops(name, count, seed)
    return random_pool(count, seed=1000 + seed)


@st.cache_resource(show_spinner="Reading the archive…", max_entries=4)
def cached_zip_concepts(data: bytes) -> dict[str, np.ndarray]:
    from inputs.concept_images import zip_concepts

    return zip_concepts(data)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_set_activations(model_name: str, layer: str, set_key: str,
                           _images: np.ndarray) -> np.ndarray:
    from explainers.concepts.activations import layer_activations

    _count_model_call()
    with _progress(f"Reading layer {layer} for {set_key}…"):
        return layer_activations(cached_model(model_name), _images, layer)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_class_gradients(model_name: str, layer: str, target: int, set_key: str,
                           _images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from explainers.concepts.activations import layer_gradients

    _count_model_call()
    with _progress(f"Gradients of the class at {layer}…"):
        return layer_gradients(cached_model(model_name), _images, layer, target)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_tcav(model_name: str, layer: str, target: int, class_key: str,
                concept_keys: tuple[str, ...], pool_key: str, runs: int, seed: int,
                _sets: dict[str, np.ndarray]):
    """TCAV from cached activations; ``_sets`` maps every key above to its images."""
    from explainers.concepts.run import check_sets
    from explainers.concepts.tcav import tcav

    check_sets(_sets[class_key], {k: _sets[k] for k in concept_keys}, _sets[pool_key])
    acts, grads = cached_class_gradients(model_name, layer, target, class_key, _sets[class_key])
    concepts = {k.rsplit(":", 1)[-1]: cached_set_activations(model_name, layer, k, _sets[k])
                for k in concept_keys}
    pool = cached_set_activations(model_name, layer, pool_key, _sets[pool_key])
    with _progress("Fitting concept activation vectors…"):
        return tcav(acts, grads, concepts, pool, layer, target, runs, seed)


@st.cache_data(show_spinner=False, max_entries=16, max_size="200MB", hash_funcs=BY_DIGEST)
def cached_fragility(model_name: str, method: str, source: Upload | str, settings):
    """An attack on ``method``'s map and its measures (``settings``: AttackSettings)."""
    from explainers.fragility import fragility

    _count_model_call()
    with _progress(f"Attacking {explainer_entry(method).title}…"):
        return fragility(cached_model(model_name), to_tensor(cached_image(source)), method,
                         settings)
