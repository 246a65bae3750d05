"""Top proponents and opponents of one prediction among a model's training images, with a
summary of a per-image attribute (the shortcut set's background) among the proponents."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import torch

from explainers.influence.cache import cached_grads
from explainers.influence.tracin import LastLayerGrads, last_layer_grads, rank
from explainers.influence.training_data import TrainingSet, training_set
from model_zoo import ImageClassifier
from model_zoo.digest import weights_sha256

SHORTCUT_SHARE = 0.8  # this share of proponents sharing one value is called out


@dataclass(frozen=True)
class Influence:
    """One prediction's training-data evidence: (index, score) pairs, strongest first."""

    target: int
    proponents: list[tuple[int, float]]
    opponents: list[tuple[int, float]]
    training: TrainingSet
    from_cache: bool

    def attribute(self, name: str, pairs: list[tuple[int, float]]) -> list[str]:
        return [self.training.attributes[name][i] for i, _ in pairs]


def gradient_cache_key(model: ImageClassifier, training: TrainingSet) -> str:
    """Names the weights and the data: new weights or another set never reuse a file."""
    return f"{model.name}-{weights_sha256(model.module)[:16]}-{len(training.labels)}"


def training_grads(model: ImageClassifier, training: TrainingSet) -> tuple[LastLayerGrads, bool]:
    return cached_grads(gradient_cache_key(model, training), lambda: last_layer_grads(
        model.module, torch.from_numpy(training.images), torch.from_numpy(training.labels)))


def influence(model: ImageClassifier, image: torch.Tensor, target: int, k: int = 10) -> Influence:
    """TracIn of every training image on ``model``'s loss for ``target`` at ``image`` (3, H, W)."""
    training = training_set(model.name)
    grads, hit = training_grads(model, training)
    test = last_layer_grads(model.module, model.preprocess(image), torch.tensor([target]))
    ranked = rank(grads.scores(test), k)
    return Influence(target, ranked.proponents, ranked.opponents, training, hit)


def class_share(training: TrainingSet, attribute: str, value: str, label: int) -> float:
    """Share of the training images labelled ``label`` whose ``attribute`` is ``value``."""
    values = np.array(training.attributes[attribute])[training.labels == label]
    return float((values == value).mean()) if len(values) else 0.0


def attribute_summary(result: Influence, class_name: str,
                      attribute: str = "background") -> tuple[str, str | None]:
    """("8 of the top 10 proponents have the meadow background; ...", "meadow" or None).

    A value is named as a shortcut only when it dominates the proponents *and* the training
    images of the class (both shares >= ``SHORTCUT_SHARE``): last-layer gradients of
    similar-looking images are similar whatever the model relies on, so the proponents'
    share alone would call out any background the test image has.
    """
    values = result.attribute(attribute, result.proponents)
    if not values:
        return "no training image supports this class here", None
    value, count = Counter(values).most_common(1)[0]
    base = class_share(result.training, attribute, value, result.target)
    text = (f"{count} of the top {len(values)} proponents have the {value} {attribute}; "
            f"{base:.0%} of the training {class_name} images do")
    if count / len(values) >= SHORTCUT_SHARE and base >= SHORTCUT_SHARE:
        return text + f": the training data ties {value} to {class_name} (a shortcut)", value
    return text + f": no {attribute} shortcut in the training data for {class_name}", None
