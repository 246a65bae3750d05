"""TCAV from images: read each set's activations once, then run the linear fits."""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from explainers.concepts.activations import layer_activations, layer_gradients
from explainers.concepts.relative import check_reference, relative_tcav
from explainers.concepts.significance import ALPHA
from explainers.concepts.tcav import RUNS, TcavResult, tcav
from explainers.progress import progress_span
from inputs.concept_images import MIN_IMAGES, check_set
from model_zoo import ImageClassifier


@dataclass(frozen=True)
class TimedTcav:
    result: TcavResult
    reading_seconds: float  # activations and gradients of every set, read once
    seconds: float


def check_sets(class_images: np.ndarray, concepts: dict[str, np.ndarray], pool: np.ndarray,
               reference: tuple[str, np.ndarray] | None = None) -> None:
    """Clear messages for sets too small to fit CAVs or to rank the class's images, and for
    a concept compared with itself."""
    if not concepts:
        raise ValueError("pick at least one concept")
    for name, images in concepts.items():
        check_set(name, images)
    if reference is not None:
        check_reference(reference[0], concepts)
        check_set(reference[0], reference[1])
    check_set("class images", class_images)
    check_set("random pool", pool, 2 * MIN_IMAGES)


def _read_concepts(model: ImageClassifier, layer: str, concepts: dict[str, np.ndarray],
                   span: tuple[float, float]) -> dict[str, np.ndarray]:
    """Each concept's activations at ``layer``, read once."""
    acts, (low, high) = {}, span
    for k, (name, images) in enumerate(concepts.items()):
        with progress_span(low + (high - low) * k / len(concepts),
                           low + (high - low) * (k + 1) / len(concepts)):
            acts[name] = layer_activations(model, images, layer, what=f"concept {name}")
    return acts


def run_tcav(model: ImageClassifier, layer: str, target: int, class_images: np.ndarray,
             concepts: dict[str, np.ndarray], pool: np.ndarray, runs: int = RUNS, seed: int = 0,
             alpha: float = ALPHA, reference: tuple[str, np.ndarray] | None = None) -> TimedTcav:
    """TCAV of each concept for class ``target`` at ``layer`` (images: (N, S, S, 3) uint8),
    against random images or, given ``reference`` (name, images), relative to that concept."""
    check_sets(class_images, concepts, pool, reference)
    everything = concepts if reference is None else concepts | {reference[0]: reference[1]}
    started = time.perf_counter()
    with progress_span(0.0, 0.4):
        class_acts, class_grads = layer_gradients(model, class_images, layer, target)
    with progress_span(0.4, 0.6):
        pool_acts = layer_activations(model, pool, layer, what="random pool")
    concept_acts = _read_concepts(model, layer, everything, (0.6, 0.9))
    read = time.perf_counter() - started
    with progress_span(0.9, 1.0):
        if reference is None:
            result = tcav(class_acts, class_grads, concept_acts, pool_acts, layer, target, runs,
                          seed, alpha)
        else:
            against = (reference[0], concept_acts.pop(reference[0]))
            result = relative_tcav(class_acts, class_grads, concept_acts, against, pool_acts,
                                   layer, target, runs, seed, alpha)
    return TimedTcav(result, read, time.perf_counter() - started)
