"""The one module that holds Streamlit caching of models and results, grouped by role.

Models: ``st.cache_resource``, one shared read-only copy per process (users' own checkpoints
live in a bounded table instead, so an evicted one is really freed). Inputs and results:
``st.cache_data`` keyed by the input's digest (or source name), model, method, target and
parameters, so redrawing with other display settings costs no model call. Slow work draws
its progress bar inside the cached function (``components.progress``).
"""
from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import streamlit as st

from components.display import Display, overlay_view, raw_view
from components.grid import data_uri
from components.agreement import sanity_curves, sanity_figure
from components.progress import live_chart, live_preview, model_calls, model_work, progress_bar
from explainers import Explanation, explain, explainer_entry
from explainers.metrics import FaithfulnessScores, deletion_insertion, random_baseline
from explainers.metrics.rank import spearman_matrix
from explainers.metrics.sanity import SanityReport, cascading_randomisation
from inputs.image_io import LoadedImage, to_tensor
from inputs.sources import load_source
from inputs.upload import SAMPLE_PREFIX, Upload, source_digest
from inputs.working_size import MAX_SIDE, at_working_size
from model_zoo import Classifier, load_model, probabilities
from model_zoo.user_models import CHECKPOINT_PREFIX, MAX_USER_MODELS, UserModels

# Names pages imported from here before the split; they live in inputs/ and components/.
__all__ = ["CHECKPOINT_PREFIX", "MAX_SIDE", "MAX_USER_MODELS", "SAMPLE_PREFIX", "Upload",
           "model_calls", "source_digest"]

Params = tuple[tuple[str, Any], ...]
BY_DIGEST = {Upload: lambda upload: upload.digest}  # hash_funcs: an upload by its digest
GLOBAL_PROGRESS_STEPS = 20


# --- Models --------------------------------------------------------------------------------

USER_MODELS = UserModels(MAX_USER_MODELS)


@st.cache_resource(show_spinner="Loading the model (once per server)…", max_entries=8)
def _zoo_model(name: str) -> Classifier:
    return load_model(name)


def cached_model(name: str) -> Classifier:
    """A bundled or hub model (cached per process), or a loaded user checkpoint."""
    if name.startswith(CHECKPOINT_PREFIX):
        return USER_MODELS.get(name)
    return _zoo_model(name)


def user_checkpoint(arch: str, weights: bytes, labels: bytes | None) -> str:
    """Load a user's checkpoint once per content; the name every cached function accepts.

    Raises CheckpointError (a ValueError) with a message fit for the user."""
    from model_zoo.checkpoint import load_checkpoint

    digest = hashlib.sha256(weights + b"\0labels\0" + (labels or b"")).hexdigest()[:16]
    name = f"{CHECKPOINT_PREFIX}{arch}:{digest}"
    if name not in USER_MODELS:
        with st.spinner("Loading your checkpoint…"):
            USER_MODELS.load(name, lambda: load_checkpoint(arch, weights, labels, name=name))
    return name


@st.cache_resource(show_spinner=False, max_entries=8)
def cached_layer_shapes(model_name: str) -> dict[str, tuple[int, ...]]:
    """Output shape of every convolution and block of an image model (one probe forward)."""
    from explainers.global_views.layers import LOGITS, conv_layer_names, layer_shapes

    model = cached_model(model_name)
    return layer_shapes(model, conv_layer_names(model) + [LOGITS])


# --- Inputs --------------------------------------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=64, max_size="200MB", hash_funcs=BY_DIGEST)
def cached_loaded(source: Upload | str) -> LoadedImage:
    """An upload's bytes or a named source, decoded and at most ``MAX_SIDE`` px long, with
    the loader's notes. Raises ImageDecodeError (bad upload) or ValueError (unknown source)."""
    return at_working_size(load_source(source.data if isinstance(source, Upload) else source))


def cached_image(source: Upload | str) -> np.ndarray:
    """RGB of ``cached_loaded``."""
    return cached_loaded(source).rgb


def model_input(model_name: str, source: Upload | str) -> object:
    """What the model reads: the image as a tensor, or the text itself."""
    model = cached_model(model_name)
    return to_tensor(cached_image(source)) if model.modality == "image" else source


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


# --- Predictions, explanations and their checks --------------------------------------------

def _what(model_name: str, method: str, target: int) -> str:
    return f"{explainer_entry(method).title} for “{cached_model(model_name).labels[target]}”"


@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=BY_DIGEST)
def cached_probabilities(model_name: str, source: Upload | str) -> np.ndarray:
    with model_work():
        return probabilities(cached_model(model_name), model_input(model_name, source))


@st.cache_data(show_spinner=False, max_entries=512, max_size="400MB", hash_funcs=BY_DIGEST)
def cached_explanation(model_name: str, method: str, source: Upload | str, target: int,
                       params: Params = ()) -> Explanation:
    """One explanation of an image (upload or named source) or a text."""
    with model_work(f"Computing {_what(model_name, method, target)}…"):
        return explain(cached_model(model_name), method, model_input(model_name, source),
                       target=target, **dict(params))


@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=BY_DIGEST)
def cached_faithfulness(model_name: str, method: str, source: Upload | str, target: int,
                        params: Params, ranked: str, _scores: np.ndarray) -> FaithfulnessScores:
    """Deletion/insertion of the map that (model, method, source, target, params) produced,
    ``ranked`` by "value" or by "magnitude" (the display's absolute values).

    ``_scores`` is not hashed: the other arguments identify it.
    """
    with model_work(f"Deletion and insertion: {_what(model_name, method, target)}…"):
        return deletion_insertion(cached_model(model_name), model_input(model_name, source),
                                  np.asarray(_scores), target)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=BY_DIGEST)
def cached_random_baseline(model_name: str, source: Upload | str,
                           target: int) -> FaithfulnessScores:
    """Deletion/insertion for pixels removed in a random order: the reference to beat."""
    with model_work("Deletion and insertion in a random order…"):
        return random_baseline(cached_model(model_name), model_input(model_name, source), target)


@st.cache_data(show_spinner=False, max_entries=32, max_size="300MB", hash_funcs=BY_DIGEST)
def cached_sanity(model_name: str, method: str, source: Upload | str, target: int,
                  params: Params = (), max_steps: int | None = None) -> SanityReport:
    """Cascading model-parameter randomisation (Adebayo et al. 2018) for one map;
    ``max_steps`` blocks from the output down (all when None)."""
    with model_work(f"Sanity check: {_what(model_name, method, target)}…"):
        return cascading_randomisation(cached_model(model_name), method,
                                       model_input(model_name, source), target,
                                       params=dict(params), max_steps=max_steps)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_agreement(keys: tuple, _maps: tuple[np.ndarray, ...]) -> np.ndarray:
    """Pairwise Spearman matrix of maps; ``keys`` identify them (the maps are not hashed)."""
    return spearman_matrix(list(_maps))


@st.cache_data(show_spinner=False, max_entries=256)
def cached_text_deletion(model_name: str, method: str, text: str, target: int, k: int,
                         params: Params, _scores: np.ndarray, signed: bool) -> "Deletion":
    """Deletion score (probability drop with the top-k tokens removed) of a text method's
    ``_scores``, keyed by what produced them."""
    from explainers.metrics.text_deletion import explanation_deletion

    return explanation_deletion(cached_model(model_name), text, _scores, signed, target, k)


@st.cache_data(show_spinner=False, max_entries=256)
def cached_text_random_deletion(model_name: str, text: str, target: int,
                                k: int) -> "RandomDeletion":
    """Drops of random k-token removals: what every method's deletion drop is compared with."""
    from explainers.metrics.text_deletion import random_deletion

    with model_work("Random removals…"):
        return random_deletion(cached_model(model_name), text, target, k)


# --- Drawn panels --------------------------------------------------------------------------

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


# --- Global views (issue 5): activations, projections, activation maximisation -------------
# Data sets and activations are keyed by strings; the heavy objects travel as ``_``-prefixed
# arguments, which Streamlit does not hash. Changing only the colouring recomputes nothing.

@st.cache_data(show_spinner=False, max_entries=16)
def cached_activations(model_name: str, dataset_key: str, layer: str, _dataset):
    from explainers.global_views.extraction import extract

    with progress_bar("Extracting activations…", GLOBAL_PROGRESS_STEPS):
        return extract(cached_model(model_name), _dataset, layer)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_projection(model_name: str, dataset_key: str, layer: str, method: str, dims: int,
                      seed: int, _features: np.ndarray):
    from explainers.global_views.projection import project

    with progress_bar(f"Projecting with {method}…", GLOBAL_PROGRESS_STEPS):
        return project(_features, method, dims, seed)


@st.cache_data(show_spinner=False, max_entries=8)
def cached_thumbnails(dataset_key: str, _images: np.ndarray) -> list[str]:
    from components.projection_figure import thumbnail_uris

    return thumbnail_uris(_images)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_actmax(model_name: str, objective, settings, previews: int = 8):
    """Activation maximisation with a progress bar and ``previews`` live intermediate images."""
    from explainers.global_views.actmax import maximise

    with progress_bar("Optimising…", GLOBAL_PROGRESS_STEPS), live_preview() as show:
        return maximise(cached_model(model_name), objective, settings,
                        max(settings.steps // max(previews, 1), 1), show)


# ROAD (explainers/metrics/road.py): the map's MoRF/LeRF curves and the random maps' baseline.
@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=BY_DIGEST)
def cached_road(model_name: str, method: str, source: Upload | str, target: int,
                params: Params, ranked: str, _scores: np.ndarray) -> "RoadCurves":
    """ROAD curves of the map that (model, method, source, target, params) produced, ``ranked``
    by "value" or "magnitude" (``_scores`` is then already |map|)."""
    from explainers.metrics.road import road_curves

    with model_work(f"ROAD: {_what(model_name, method, target)}…"):
        return road_curves(cached_model(model_name), model_input(model_name, source),
                           np.asarray(_scores), target)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=BY_DIGEST)
def cached_random_road(model_name: str, source: Upload | str, target: int) -> "RandomRoad":
    """ROAD curves of a few random maps: the reference a method's gap must clear."""
    from explainers.metrics.road_verdict import random_road

    with model_work("ROAD for random maps…"):
        return random_road(cached_model(model_name), model_input(model_name, source), target)


@st.cache_data(show_spinner=False, max_entries=16, max_size="300MB", hash_funcs=BY_DIGEST)
def cached_sanity_all(model_name: str, methods: tuple[str, ...], source: Upload | str,
                      target: int, params: tuple = (), max_steps: int | None = None) -> dict:
    """Cascading randomisation for several methods; each randomised copy built once per block
    and shared (explainers/metrics/sanity_shared.py). ``params``: (method, items) pairs."""
    return sanity_with_live_chart(model_name, methods, model_input(model_name, source), target,
                                  {m: dict(items) for m, items in params}, max_steps)


def sanity_with_live_chart(model_name: str, methods: tuple[str, ...], x, target: int,
                           settings: dict, max_steps: int | None) -> dict:
    """Cascading randomisation of every method, each block's points drawn as they arrive."""
    from explainers.metrics.sanity_shared import cascading_randomisation_all

    titles = {m: explainer_entry(m).title for m in methods}
    with model_work(f"Sanity check: {', '.join(methods)} on {model_name}…"), \
            live_chart() as show:
        return cascading_randomisation_all(
            cached_model(model_name), list(methods), x, target, params=settings,
            max_steps=max_steps, on_block=lambda done, total, reports: show(
                sanity_figure(sanity_curves(reports, titles), total)))


# --- Shortcut audit (issue 13): the audit set and the audit, keyed by strings; the progress
# bar is drawn inside, so a cache hit replays it emptied. Display changes are cache hits.

@st.cache_resource(show_spinner="Building the data set…", max_entries=4)
def cached_audit_set(name: str, count: int, seed: int):
    """A generated shortcut split with masks (shared, read-only)."""
    from inputs.audit_data import generated_set

    return generated_set(name, count, seed)


@st.cache_resource(show_spinner="Reading the archive…", max_entries=4)
def cached_audit_zip(data: bytes, masks: bytes | None):
    """(AuditSet, notes) of an uploaded zip of class folders and optional zip of masks."""
    from inputs.audit_zip import zip_audit_set

    return zip_audit_set(data, masks)


@st.cache_data(show_spinner=False, max_entries=8, max_size="500MB")
def cached_audit(model_name: str, dataset_key: str, methods: tuple[str, ...], seed: int,
                 _data):
    """The audit of ``model_name`` on the set ``dataset_key`` names (``_data`` not hashed)."""
    from explainers.audit import run_audit

    with model_work("Auditing…", GLOBAL_PROGRESS_STEPS):
        return run_audit(cached_model(model_name), _data, methods, seed=seed)


@st.cache_data(show_spinner=False, max_entries=8)
def cached_audit_html(model_name: str, dataset_key: str, methods: tuple[str, ...], seed: int,
                      _report, _data) -> str:
    """The self-contained HTML report of that audit."""
    from components.audit_report import report_html

    return report_html(_report, _data)


# --- Clinical view (issue 15). Every result is keyed by the model input's pixel digest
# (``ModelInput``), never by a file name or a DICOM attribute; the viewing window is not an
# argument of any cached function, so moving it recomputes nothing.

from dataclasses import dataclass, field  # noqa: E402

@dataclass(frozen=True, eq=False)
class ModelInput:
    """The model's (3, H, W) input and its pixel SHA-256, which the caches key it by."""

    tensor: Any = field(repr=False)
    digest: str = ""

    @classmethod
    def of(cls, tensor) -> "ModelInput":
        from inputs.grey import pixel_digest

        return cls(tensor, pixel_digest(tensor))


BY_PIXELS = {ModelInput: lambda item: item.digest}


@st.cache_data(show_spinner=False, max_entries=128, hash_funcs=BY_PIXELS)
def cached_grey_probabilities(model_name: str, item: ModelInput) -> np.ndarray:
    with model_work():
        return probabilities(cached_model(model_name), item.tensor)


@st.cache_data(show_spinner=False, max_entries=256, max_size="300MB", hash_funcs=BY_PIXELS)
def cached_grey_explanation(model_name: str, method: str, item: ModelInput, target: int,
                            params: Params = ()) -> Explanation:
    with model_work(f"Computing {_what(model_name, method, target)}…"):
        return explain(cached_model(model_name), method, item.tensor, target=target,
                       **dict(params))


@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=BY_PIXELS)
def cached_grey_scores(model_name: str, method: str, item: ModelInput, target: int,
                       params: Params, _result: Explanation) -> "CaseScores":
    """ROAD numbers and verdict of the map that the other arguments identify, against the
    case's random maps (no mask: localisation is cheap and stays on the page)."""
    from explainers.metrics.case import map_scores

    baseline = cached_grey_random_road(model_name, item, target)
    with model_work(f"ROAD: {_what(model_name, method, target)}…"):
        return map_scores(cached_model(model_name), item.tensor, _result, baseline=baseline)


@st.cache_data(show_spinner=False, max_entries=16, max_size="300MB", hash_funcs=BY_PIXELS)
def cached_grey_sanity(model_name: str, methods: tuple[str, ...], item: ModelInput,
                       target: int, max_steps: int | None = None) -> dict:
    """The case's sanity check (``max_steps`` blocks from the output, None: all), the
    randomised copies shared by the methods."""
    return sanity_with_live_chart(model_name, methods, item.tensor, target, {}, max_steps)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=BY_PIXELS)
def cached_grey_random_road(model_name: str, item: ModelInput, target: int) -> "RandomRoad":
    """The case's random maps through ROAD: the reference every map's gap must clear."""
    from explainers.metrics.road_verdict import random_road

    with model_work("ROAD for random maps…"):
        return random_road(cached_model(model_name), item.tensor, target)


@st.cache_resource(show_spinner=False, max_entries=16)
def cached_weights_digest(model_name: str) -> str:
    from model_zoo.digest import weights_sha256

    return weights_sha256(cached_model(model_name).module)


@st.cache_resource(show_spinner=False)
def cached_software_version() -> str:
    from model_zoo.digest import software_version

    return software_version()


@st.cache_data(show_spinner=False, max_entries=8)
def cached_phantom_dicom(index: int) -> bytes:
    """A bundled phantom case as DICOM bytes (generated, no patient data)."""
    from inputs.dicom_writer import phantom_dicom

    return phantom_dicom(PHANTOM_SEED, index)


PHANTOM_SEED = 2  # the localisation benchmark's seed: cases the teaching model never saw


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

    with model_work(f"Reading layer {layer} for {set_key}…"):
        return layer_activations(cached_model(model_name), _images, layer)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_class_gradients(model_name: str, layer: str, target: int, set_key: str,
                           _images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from explainers.concepts.activations import layer_gradients

    with model_work(f"Gradients of the class at {layer}…"):
        return layer_gradients(cached_model(model_name), _images, layer, target)


def set_name(key: str) -> str:
    """The concept's name in a set key (``concept:NAME``, ``zip:DIGEST:NAME``, ``picked:…``)."""
    return key.split(":", 2)[-1]


@st.cache_data(show_spinner=False, max_entries=32)
def cached_tcav(model_name: str, layer: str, target: int, class_key: str,
                concept_keys: tuple[str, ...], pool_key: str, runs: int, seed: int,
                _sets: dict[str, np.ndarray], reference_key: str | None = None):
    """TCAV from cached activations; ``_sets`` maps every key above to its images. With
    ``reference_key``, each concept is compared with that concept (relative TCAV)."""
    from explainers.concepts.relative import relative_tcav
    from explainers.concepts.run import check_sets
    from explainers.concepts.tcav import tcav

    keys = concept_keys + ((reference_key,) if reference_key else ())
    check_sets(_sets[class_key], {set_name(k): _sets[k] for k in concept_keys}, _sets[pool_key],
               (set_name(reference_key), _sets[reference_key]) if reference_key else None)
    acts, grads = cached_class_gradients(model_name, layer, target, class_key, _sets[class_key])
    concepts = {set_name(k): cached_set_activations(model_name, layer, k, _sets[k]) for k in keys}
    pool = cached_set_activations(model_name, layer, pool_key, _sets[pool_key])
    with progress_bar("Fitting concept activation vectors…"):
        if reference_key is None:
            return tcav(acts, grads, concepts, pool, layer, target, runs, seed)
        reference = (set_name(reference_key), concepts.pop(set_name(reference_key)))
        return relative_tcav(acts, grads, concepts, reference, pool, layer, target, runs, seed)


@st.cache_data(show_spinner=False, max_entries=16, max_size="200MB", hash_funcs=BY_DIGEST)
def cached_fragility(model_name: str, method: str, source: Upload | str, settings):
    """An attack on ``method``'s map and its measures (``settings``: AttackSettings)."""
    from explainers.fragility import fragility

    with model_work(f"Attacking {explainer_entry(method).title}…"):
        return fragility(cached_model(model_name), to_tensor(cached_image(source)), method,
                         settings)


# --- Lessons on the text page ---------------------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=64)
def cached_attention_permutation(model_name: str, text: str):
    """The sentence under its own and permuted last-layer attention (AttentionPermutation)."""
    from explainers.text.attention_permutation import permute_attention

    model = cached_model(model_name)
    with model_work("Permuting the last layer's attention…"):
        return permute_attention(model, model.encode(text))
