"""Counterfactuals and training-data evidence for one input: what would have to change for
the model to say ``target`` (through a generator, by a regularised perturbation, by word
edits), and which training images support or oppose the prediction. Pages (through
``cached_work``) and ``cli.py counterfactual`` / ``influence`` call these."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from model_zoo import ImageClassifier, TextClassifier, probabilities
from workflows.model_input import ImageLike, image_tensor


def _batch(model: ImageClassifier, image: ImageLike) -> torch.Tensor:
    """(1, 3, h, w) at the model's input size, in [0, 1]."""
    return model.preprocess(image_tensor(image)).detach()


def class_probabilities(model: ImageClassifier, image: ImageLike) -> np.ndarray:
    return probabilities(model, image_tensor(image))


def digit_counterfactual(model: ImageClassifier, image: ImageLike, target: int,
                         steps: int = 300, confidence: float = 0.9):
    """Latent-space counterfactual through the generator registered for ``model`` (the digit
    VAE for ``digit_cnn``); ValueError for a model without one."""
    from explainers.counterfactual.latent import latent_counterfactual
    from model_zoo.generators import generator_entry

    entry = generator_entry(model.name)
    decode = entry.load()
    x = _batch(model, image)
    with torch.no_grad():
        grey = decode(torch.zeros(1, entry.latent)).shape[1] == 1
    if grey:
        x = x.mean(dim=1, keepdim=True)

    def classify(images: torch.Tensor) -> torch.Tensor:
        return model.module(images.expand(-1, 3, -1, -1) if grey else images)

    result = latent_counterfactual(classify, decode, x, target, latent=entry.latent,
                                   steps=steps, confidence=confidence)
    result.extras["generator"] = entry.title
    return result


def image_counterfactual(model: ImageClassifier, image: ImageLike, target: int,
                         steps: int = 300, confidence: float = 0.9):
    """Sparse, smooth perturbation of the pixels at the model's input size."""
    from explainers.counterfactual.perturbation import perturbation_counterfactual

    x = _batch(model, image)
    return perturbation_counterfactual(model.module, x, target, steps=steps,
                                       grid=max(4, model.input_size[0] // 4),
                                       confidence=confidence)


def text_counterfactual(model: TextClassifier, text: str, target: int, max_edits: int = 3):
    """The fewest word edits (at most ``max_edits``) that make ``model`` say ``target``."""
    from explainers.counterfactual.text import text_counterfactual as search

    if not text.strip():
        raise ValueError("the text is empty")
    return search(lambda sentence: probabilities(model, sentence), text, target, max_edits)


@dataclass(frozen=True)
class Evidence:
    """Top proponents and opponents as thumbnails (K, H, W, 3) uint8 with their scores,
    labels and backgrounds, and the shortcut summary sentence. Small enough to cache."""

    proponents: np.ndarray
    opponents: np.ndarray
    rows: dict[str, list[dict]]
    summary: str
    shortcut: str | None
    training_set: str


def training_evidence(model: ImageClassifier, image: ImageLike, target: int,
                      k: int = 8) -> Evidence:
    """TracIn evidence from ``model``'s training set; NoTrainingData (a ValueError) for a
    model whose training data the project does not have."""
    from explainers.influence.attribution import attribute_summary, influence

    result = influence(model, image_tensor(image), target, k)
    summary, shortcut = attribute_summary(result, model.labels[target])
    training = result.training

    def rows(pairs):
        return [{"index": i, "score": s, "label": model.labels[training.labels[i]],
                 "background": training.attributes["background"][i]} for i, s in pairs]

    def thumbs(pairs):
        picked = training.images[[i for i, _ in pairs]] if pairs else training.images[:0]
        return (picked.transpose(0, 2, 3, 1) * 255).round().astype(np.uint8)

    return Evidence(thumbs(result.proponents), thumbs(result.opponents),
                    {"proponents": rows(result.proponents), "opponents": rows(result.opponents)},
                    summary, shortcut, training.name)


HELD_OUT_SEED = 0  # the held-out shortcut images (training used seed 1000)


def held_out_shortcut(spec: str) -> tuple[np.ndarray, str]:
    """``SPLIT:INDEX`` of the held-out shortcut set -> ((S, S, 3) uint8, "triangle on meadow")."""
    from inputs.shortcut_data import BACKGROUNDS, CLASSES, SPLITS, shortcut_item

    split, _, index = spec.partition(":")
    if split not in SPLITS or not index.isdigit():
        raise ValueError(f"{spec!r}: expected SPLIT:INDEX with SPLIT one of {', '.join(SPLITS)}")
    image, label, _, attrs = shortcut_item(split, HELD_OUT_SEED, int(index))
    rgb = (np.asarray(image) * 255).round().astype(np.uint8)
    return rgb, f"{CLASSES[label]} on {BACKGROUNDS[attrs['background']]}"
