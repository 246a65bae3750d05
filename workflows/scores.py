"""How faithful one map is on one input, by one metric, and the random maps' reference it
is read against: ROAD (Rong et al. 2022, the default) or pixel deletion/insertion (as in
papers) for images; for text, the probability drop with the top-k tokens deleted against
random deletions. One pair of functions, so every front end scores maps the same way."""
from __future__ import annotations

import numpy as np
import torch

from model_zoo import Classifier

METRICS = {"road": "ROAD", "pixels": "Deletion and insertion", "text_deletion": "Deletion"}


def map_score(metric: str, model: Classifier, x: torch.Tensor | str, scores: np.ndarray,
              target: int, signed: bool = False, k: int = 3):
    """TwoFamilies (``road``: ROAD and region perturbation, each against the map's own
    matched random maps), FaithfulnessScores (``pixels``) or a text Deletion (the top
    ``k`` tokens of the map ``scores``, ``signed`` or not)."""
    if metric == "text_deletion":
        from explainers.metrics.text_deletion import explanation_deletion

        return explanation_deletion(model, x, scores, signed, target, k)
    if metric == "road":  # both families, each against the map's own matched surrogates
        from explainers.metrics.two_families import two_families

        return two_families(model, x, np.asarray(scores), target)
    from explainers.metrics import deletion_insertion

    return deletion_insertion(model, x, np.asarray(scores), target)


def random_score(metric: str, model: Classifier, x: torch.Tensor | str, target: int,
                 k: int = 3):
    """The same metric for random maps: RandomRoad of per-cell noise (the clinical report's
    and the jobs' null; ``map_score`` carries its own matched null), a random order's
    FaithfulnessScores, or
    a RandomDeletion of ``k`` tokens."""
    if metric == "text_deletion":
        from explainers.metrics.text_deletion import random_deletion

        return random_deletion(model, x, target, k)
    if metric == "road":
        from explainers.metrics.road_verdict import random_road

        return random_road(model, x, target)
    from explainers.metrics import random_baseline

    return random_baseline(model, x, target)
