"""TCAV over named image sets: the sets checked, then CAVs fit on activations read once per
(model, layer, set). The reading is passed in, so a cache can keep each set's activations
and adding a concept reads only that concept."""
from __future__ import annotations

from typing import Callable

import numpy as np

Read = Callable[[str], np.ndarray]  # set key -> its activations at the layer


def set_name(key: str) -> str:
    """The concept's name in a set key (``concept:NAME``, ``zip:DIGEST:NAME``, ``picked:…``)."""
    return key.split(":", 2)[-1]


def check_tcav_sets(sets: dict[str, np.ndarray], class_key: str, concept_keys: tuple[str, ...],
                    pool_key: str, reference_key: str | None = None) -> None:
    """Clear messages (ValueError) for sets too small, or a concept compared with itself."""
    from explainers.concepts.run import check_sets

    reference = (set_name(reference_key), sets[reference_key]) if reference_key else None
    check_sets(sets[class_key], {set_name(k): sets[k] for k in concept_keys}, sets[pool_key],
               reference)


def tcav_on_sets(acts: np.ndarray, grads: np.ndarray, read: Read, concept_keys: tuple[str, ...],
                 pool_key: str, layer: str, target: int, runs: int, seed: int,
                 reference_key: str | None = None):
    """TCAV (or relative TCAV against ``reference_key``) from the class's activations and
    gradients at ``layer`` and each set's activations as ``read`` gives them."""
    from explainers.concepts.relative import relative_tcav
    from explainers.concepts.tcav import tcav

    keys = concept_keys + ((reference_key,) if reference_key else ())
    concepts = {set_name(k): read(k) for k in keys}
    pool = read(pool_key)
    if reference_key is None:
        return tcav(acts, grads, concepts, pool, layer, target, runs, seed)
    reference = (set_name(reference_key), concepts.pop(set_name(reference_key)))
    return relative_tcav(acts, grads, concepts, reference, pool, layer, target, runs, seed)
