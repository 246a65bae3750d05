"""What a projection's points can be coloured by, and each point's colour group."""
from __future__ import annotations

import numpy as np

CONFIDENCE = "confidence"


def mapped_labels(dataset_names: tuple[str, ...], model_labels: tuple[str, ...],
                  labels: np.ndarray) -> np.ndarray:
    """Each item's true class as the model's class index (-1 where the model has no such
    class; names compared case-insensitively)."""
    lowered = {name.lower(): i for i, name in enumerate(model_labels)}
    return np.array([lowered.get(name.lower(), -1) for name in dataset_names])[labels]


def colour_options(attributes: dict, comparable: bool) -> list[str]:
    """True and predicted label, right or wrong (when the classes match), confidence,
    and the data set's own attributes."""
    options = ["true label", "predicted label", CONFIDENCE, *attributes]
    if comparable:
        options.insert(2, "correct?")
    return options


def colour_groups(colour: str, true: list[str], predicted: list[str], correct: np.ndarray,
                  attributes: dict) -> list[str]:
    """Each point's category under the chosen colouring (not for ``confidence``)."""
    if colour in attributes:
        names, codes = attributes[colour]
        return [names[c] for c in codes]
    return {"true label": true, "predicted label": predicted,
            "correct?": ["correct" if ok else "wrong" for ok in correct]}[colour]
