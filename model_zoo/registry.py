"""A decorator registry of bundled classifiers, plus loaders for models named by source.

A loader for references such as ``torchvision:NAME`` registers its prefix
(``register_loader``), as ``model_zoo/hub.py`` does, so this module imports no loader.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from model_zoo.classifier import Classifier, Modality
from model_zoo.errors import UnknownModelError

__all__ = ["ModelEntry", "UnknownModelError", "load_model", "model_entries", "model_entry",
           "model_loaders", "register_loader", "register_model"]


@dataclass(frozen=True)
class ModelEntry:
    name: str
    modality: Modality
    title: str
    source: str
    build: Callable[[], Classifier]


_ENTRIES: dict[str, ModelEntry] = {}
_LOADERS: dict[str, Callable[[str], Classifier]] = {}  # "prefix:" -> load(full reference)
_LOADER_SUMMARIES: dict[str, str] = {}  # "prefix:" -> one line for the docs and listings


def register_model(name: str, *, modality: Modality, title: str, source: str):
    """Register ``build() -> Classifier`` under ``name``; one line per bundled model."""

    def wrap(build: Callable[[], Classifier]) -> Callable[[], Classifier]:
        if name in _ENTRIES:
            raise ValueError(f"model {name!r} registered twice")
        _ENTRIES[name] = ModelEntry(name, modality, title, source, build)
        return build

    return wrap


def register_loader(prefix: str, load: Callable[[str], Classifier], *, summary: str = "") -> None:
    """Send names starting with ``prefix`` (e.g. ``"hf:"``) to ``load(name)``; ``summary``
    says in a line what the prefix names and where its weights come from."""
    _LOADERS[prefix] = load
    _LOADER_SUMMARIES[prefix] = summary


def model_loaders() -> dict[str, str]:
    """Every registered prefix and its summary (docs/reference/models.md is made from it)."""
    return {prefix: _LOADER_SUMMARIES.get(prefix, "") for prefix in _LOADERS}


def model_entries(modality: Modality | None = None) -> list[ModelEntry]:
    return [e for e in _ENTRIES.values() if modality in (None, e.modality)]


def model_entry(name: str) -> ModelEntry:
    if name not in _ENTRIES:
        raise UnknownModelError(
            f"unknown model {name!r}; choose one of {', '.join(_ENTRIES)}, "
            "or name one as torchvision:<name>[:<weights>] or hf:<id-or-folder>")
    return _ENTRIES[name]


def load_model(name: str) -> Classifier:
    """Build a bundled model, or load a reference a registered loader takes
    (``torchvision:NAME``, ``hf:ID_OR_FOLDER``)."""
    for prefix, load in _LOADERS.items():
        if name.startswith(prefix):
            return load(name)
    return model_entry(name).build()
