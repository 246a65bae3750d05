"""A decorator registry of bundled classifiers, plus loaders for models named by source."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from model_zoo.classifier import Classifier, Modality

HUB_PREFIXES = ("torchvision:", "hf:", "xrv:")


class UnknownModelError(ValueError):
    """The name is neither a registered model nor a ``torchvision:``/``hf:`` reference."""


@dataclass(frozen=True)
class ModelEntry:
    name: str
    modality: Modality
    title: str
    source: str
    build: Callable[[], Classifier]


_ENTRIES: dict[str, ModelEntry] = {}


def register_model(name: str, *, modality: Modality, title: str, source: str):
    """Register ``build() -> Classifier`` under ``name``; one line per bundled model."""

    def wrap(build: Callable[[], Classifier]) -> Callable[[], Classifier]:
        if name in _ENTRIES:
            raise ValueError(f"model {name!r} registered twice")
        _ENTRIES[name] = ModelEntry(name, modality, title, source, build)
        return build

    return wrap


def model_entries(modality: Modality | None = None) -> list[ModelEntry]:
    return [e for e in _ENTRIES.values() if modality in (None, e.modality)]


def model_entry(name: str) -> ModelEntry:
    if name not in _ENTRIES:
        raise UnknownModelError(
            f"unknown model {name!r}; choose one of {', '.join(_ENTRIES)}, "
            "or name one as torchvision:<name>[:<weights>] or hf:<id-or-folder>")
    return _ENTRIES[name]


def load_model(name: str) -> Classifier:
    """Build a bundled model, or load ``torchvision:NAME`` / ``hf:ID_OR_FOLDER``."""
    if name.startswith(HUB_PREFIXES):
        from model_zoo import hub

        return hub.load_reference(name)
    return model_entry(name).build()
