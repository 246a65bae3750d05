"""The case report: a case's facts gathered once, for the clinical page's PDF and for
``cli.py report``. No patient identifier goes in: the input is named by its pixel digest."""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np
import torch

from model_zoo import Classifier

if TYPE_CHECKING:  # the PDF's types; reportlab loads only when a report is made
    from components.case_report import CaseFacts, MapEntry

TOP = 5  # predictions listed in the report
PHANTOM_SEED = 2  # bundled phantom cases: the localisation benchmark's, unseen in training
Rows = tuple[tuple[str, str], ...]


def case_facts(model: Classifier, input_digest: str, windows: Rows, probs: np.ndarray,
               target: int, maps: Sequence[MapEntry], technical: Rows = (),
               weights_sha256: str | None = None, software: str | None = None) -> CaseFacts:
    """The report's facts; the weights' digest and the software version are computed here
    unless the caller has them cached."""
    from components.case_report import CaseFacts
    from model_zoo.digest import software_version, weights_sha256 as digest_of

    order = np.argsort(-probs)[:TOP]
    return CaseFacts(model.name, weights_sha256 or digest_of(model.module), input_digest,
                     windows, tuple((model.labels[i], float(probs[i])) for i in order),
                     model.labels[target], tuple(maps), software or software_version(),
                     technical)


def case_report(model: Classifier, tensor: torch.Tensor, view: np.ndarray,
                methods: Sequence[str], target: int | None = None,
                mask: np.ndarray | None = None, windows: Rows = (),
                technical: Rows = ()) -> CaseFacts:
    """Every method's map of ``tensor`` for ``target`` (None: the top class), each scored by
    ROAD against one set of random maps (and localisation with ``mask``), as report facts."""
    from components.case_facts import map_entry
    from explainers import explain, explainer_entry
    from explainers.metrics.case import map_scores
    from explainers.metrics.road_verdict import random_road
    from explainers.run import predicted_class
    from inputs.grey import pixel_digest
    from model_zoo import probabilities

    target = predicted_class(model, tensor) if target is None else target
    baseline, entries = random_road(model, tensor, target), []  # one null for every map
    for name in methods:
        result = explain(model, name, tensor, target=target)
        scores = map_scores(model, tensor, result, mask, baseline)
        entries.append(map_entry(explainer_entry(name).title, view, result, scores.numbers,
                                 faithfulness=scores.faithfulness))
    return case_facts(model, pixel_digest(tensor), windows, probabilities(model, tensor),
                      target, entries, technical)
