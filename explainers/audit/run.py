"""The audit's data-set-wide steps over the columns ``AuditBatch`` returned, on any engine
(``workflows.audit.run_audit`` runs the batches): per-class mean maps and mean images,
per-class mask scores, background-swap effects and SpRAy per class (on the first method's
maps).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from explainers.audit.clusters import ClusterSummary, normalised, summarise
from explainers.audit.flags import class_rows
from explainers.audit.mask_scores import class_means
from explainers.audit.spray import spray
from explainers.audit.swap import swap_effects
from inputs.audit_data import AuditSet
from model_zoo import Classifier

BATCH_PIXELS = 256 * 64 * 64  # shortcut_cnn's forward+backward was fastest at batch 256


@dataclass(frozen=True, eq=False)
class ClassSpray:
    index: np.ndarray  # data-set indices of the class's items
    eigenvalues: np.ndarray
    k: int
    clusters: np.ndarray
    coords: np.ndarray
    summaries: list[ClusterSummary]


@dataclass(frozen=True, eq=False)
class AuditReport:
    model: str
    dataset: str
    methods: tuple[str, ...]
    label_names: tuple[str, ...]
    model_labels: tuple[str, ...]
    columns: dict[str, np.ndarray]  # AuditBatch outputs, concatenated
    rows: list[dict]
    mean_maps: dict[str, np.ndarray]  # method -> (C, s, s), each map normalised first
    mean_images: np.ndarray  # (C, S, S, 3) uint8
    spray: dict[int, ClassSpray]
    swap_images: np.ndarray | None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def flagged(self) -> list[str]:
        return [row["class"] for row in self.rows if row["flags"]]


def label_mapping(label_names: tuple[str, ...], model_labels: tuple[str, ...]) -> np.ndarray:
    """Model class index of each data-set class by name (case-insensitive), -1 if none."""
    lowered = {name.lower(): i for i, name in enumerate(model_labels)}
    return np.array([lowered.get(name.lower(), -1) for name in label_names], dtype=np.int64)


def batch_size(model: Classifier) -> int:
    """Images per batch: 256 at 64 px, fewer for larger inputs (20 at 224 px)."""
    height, width = model.input_size
    return max(8, BATCH_PIXELS // (height * width))


def mask_score_table(columns: dict[str, np.ndarray], methods: tuple[str, ...],
                     labels: np.ndarray, classes: int) -> dict[str, dict[str, np.ndarray]]:
    """Per method, per class: relevance mass accuracy, pointing hit rate, background share."""
    table = {}
    for m in methods:
        rma = class_means(columns[f"rma_{m}"], labels, classes)
        table[m] = {"relevance_mass": rma, "background_share": 1 - rma,
                    "pointing_game": class_means(columns[f"hit_{m}"].astype(float), labels,
                                                 classes),
                    "object_area": class_means(columns["area"], labels, classes)}
    return table


def class_spray(maps: np.ndarray, labels: np.ndarray, classes: int, seed: int) -> dict[int, ClassSpray]:
    out = {}
    for c in range(classes):
        index = np.flatnonzero(labels == c)
        if len(index) < 3:
            continue
        result = spray(maps[index], seed=seed)
        out[c] = ClassSpray(index, result.eigenvalues, result.k, result.clusters, result.coords,
                            summarise(result, maps[index], index))
    return out


def summarise_columns(columns: dict[str, np.ndarray], data: AuditSet, model: Classifier,
                      methods: tuple[str, ...], swaps: np.ndarray | None, seed: int,
                      seconds: dict[str, float]) -> AuditReport:
    """The data-set-wide steps over the batch outputs."""
    classes, labels = len(data.label_names), data.labels
    mapped = label_mapping(data.label_names, model.labels)
    correct = (columns["predicted"] == mapped[labels]).astype(float)
    accuracy = np.where(mapped >= 0, class_means(correct, labels, classes), np.nan)
    counts = np.bincount(labels, minlength=classes)
    scores = mask_score_table(columns, methods, labels, classes) if data.masks is not None else {}
    swap = (swap_effects(labels, columns["predicted"], columns["swap_predicted"], mapped, classes)
            if swaps is not None else None)
    started = time.perf_counter()
    sprays = class_spray(columns[f"map_{methods[0]}"], labels, classes, seed)
    seconds["spray"] = time.perf_counter() - started
    flags = {c: sum(s.flagged for s in sp.summaries) for c, sp in sprays.items()}
    means = {m: np.stack([normalised(columns[f"map_{m}"][labels == c]).mean(0)
                          if counts[c] else np.zeros(columns[f"map_{m}"].shape[1:])
                          for c in range(classes)]) for m in methods}
    mean_images = np.stack([data.images[labels == c].mean(0) if counts[c] else
                            np.zeros(data.images.shape[1:]) for c in range(classes)])
    return AuditReport(model.name, data.name, methods, data.label_names, model.labels, columns,
                       class_rows(data.label_names, counts, accuracy, scores, swap, flags),
                       means, mean_images.round().astype(np.uint8), sprays, swaps, seconds)
