"""What each clinical model was trained on, declared beside its zoo entry, so a DICOM whose
tags disagree (an MR into a chest X-ray model) gets a warning before any map."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrainingDomain:
    """DICOM Modality codes (CR, DX, MR, ...), body parts as in BodyPartExamined, the view
    (PA, AXIAL, ...; empty: any), and the kind of input ("synthetic phantom", "JPEG slices")."""

    modalities: tuple[str, ...]
    body_parts: tuple[str, ...]
    view: str
    input_kind: str

    def describe(self) -> str:
        view = f", {self.view} view" if self.view else ""
        return (f"{'/'.join(self.modalities)} of the {'/'.join(self.body_parts).lower()}"
                f"{view} ({self.input_kind})")


_DOMAINS: dict[str, TrainingDomain] = {}


def declare_domain(name: str, domain: TrainingDomain) -> None:
    _DOMAINS[name] = domain


def training_domain(name: str) -> TrainingDomain | None:
    """The declared training domain of a zoo model, None for models that declare none."""
    return _DOMAINS.get(name)


# A model's feature-space distance: (model, (3, H, W) image) -> (distance, far, sentence).
_DISTANCES: dict[str, object] = {}


def declare_distance(name: str, measure) -> None:
    _DISTANCES[name] = measure


def feature_distance(name: str):
    """The model's calibrated feature-space distance, None where none is declared (the
    measures declare themselves from explainers.metrics, which importing explainers does)."""
    return _DISTANCES.get(name)
