"""The scores reported for one map of one case: localisation against a mask (when there is
one) and deletion/insertion faithfulness; plain floats, ready for a table or JSON."""
from __future__ import annotations

import numpy as np
import torch

from explainers.metrics.faithfulness import deletion_insertion
from explainers.metrics.localisation import localisation_scores
from explainers.result import Explanation
from model_zoo import ImageClassifier


def map_scores(model: ImageClassifier, data: torch.Tensor, result: Explanation,
               mask: np.ndarray | None = None, faithfulness: bool = True) -> dict[str, float]:
    scores: dict[str, float] = {}
    if mask is not None:
        scores |= localisation_scores(result.scores, mask).as_dict()
        scores.pop("top_k_percent", None)
    if faithfulness:
        curves = deletion_insertion(model, data, result.scores, result.target)
        scores |= {"deletion_auc": round(curves.deletion_auc, 6),
                   "insertion_auc": round(curves.insertion_auc, 6)}
    return scores
