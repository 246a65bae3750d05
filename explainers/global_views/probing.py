"""Layer probing: how well a linear classifier reads a property from each layer's pooled
activations (Alain & Bengio 2016, "Understanding intermediate layers using linear classifier
probes"). Probe accuracy by depth, on held-out items, over several seeded splits.

A property is the data set's class or one of its attributes (the shortcut sets' background
and watermark). The lesson: a model that learnt the background keeps it decodable up to its
last layer; a model that had to ignore it lets it fade.
Features come from ``extraction.extract`` (the projections' batched, hook-free-on-exit pass).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy import stats

from explainers.global_views.extraction import extract
from explainers.global_views.layers import LOGITS, block_names
from inputs.datasets import Dataset
from model_zoo import ImageClassifier


@dataclass(frozen=True)
class LayerProbe:
    layer: str
    accuracies: tuple[float, ...]  # one per seed, on the held-out half
    extract_seconds: float
    probe_seconds: float

    @property
    def mean(self) -> float:
        return float(np.mean(self.accuracies))

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """Student-t interval of the mean over seeds (a point when there is one seed)."""
        n = len(self.accuracies)
        if n < 2:
            return self.mean, self.mean
        half = stats.t.ppf(0.5 + level / 2, n - 1) * np.std(self.accuracies, ddof=1) / np.sqrt(n)
        return max(0.0, float(self.mean - half)), min(1.0, float(self.mean + half))


@dataclass(frozen=True)
class ProbeReport:
    model: str
    dataset: str
    prop: str
    values: tuple[str, ...]
    chance: float  # the majority value's share: a probe must beat it to read anything
    layers: tuple[LayerProbe, ...]

    def as_dict(self) -> dict:
        return dict(model=self.model, dataset=self.dataset, property=self.prop,
                    values=list(self.values), chance=round(self.chance, 4),
                    layers=[dict(layer=p.layer, accuracy=round(p.mean, 4),
                                 ci95=[round(v, 4) for v in p.interval()],
                                 seeds=[round(a, 4) for a in p.accuracies],
                                 extract_seconds=round(p.extract_seconds, 3),
                                 probe_seconds=round(p.probe_seconds, 3)) for p in self.layers])


def property_codes(dataset: Dataset, prop: str) -> tuple[tuple[str, ...], np.ndarray]:
    """Value names and per-item integer codes of ``"class"`` or an attribute."""
    if prop == "class":
        return dataset.label_names, np.asarray(dataset.labels)
    if prop not in dataset.attributes:
        known = ", ".join(["class", *dataset.attributes])
        raise ValueError(f"{dataset.name} has no property {prop!r}; choose one of {known}")
    names, codes = dataset.attributes[prop]
    return tuple(names), np.asarray(codes)


def probe_accuracy(features: np.ndarray, codes: np.ndarray, seed: int) -> float:
    """Standardise, fit a logistic-regression probe on a stratified half, score the other."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x_fit, x_test, y_fit, y_test = train_test_split(features, codes, test_size=0.5,
                                                    random_state=seed, stratify=codes)
    probe = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))
    return float(probe.fit(x_fit, y_fit).score(x_test, y_test))


def probe_layers(model: ImageClassifier, dataset: Dataset, prop: str = "class",
                 seeds: tuple[int, ...] = (0, 1, 2, 3, 4),
                 layers: list[str] | None = None) -> ProbeReport:
    """One linear probe per layer and seed; default layers: the model's blocks in forward
    order, then the logits (what the decision can still see)."""
    values, codes = property_codes(dataset, prop)
    counts = np.bincount(codes, minlength=len(values))
    if (counts > 0).sum() < 2 or counts[counts > 0].min() < 2:
        raise ValueError(f"{prop!r} needs at least two values with two items each")
    probes = []
    for layer in layers or [*block_names(model), LOGITS]:
        activations = extract(model, dataset, layer)
        started = time.perf_counter()
        accuracies = tuple(probe_accuracy(activations.features, codes, s) for s in seeds)
        probes.append(LayerProbe(layer, accuracies, activations.seconds,
                                 time.perf_counter() - started))
    return ProbeReport(model.name, dataset.name, prop, values, float(counts.max() / counts.sum()),
                       tuple(probes))
