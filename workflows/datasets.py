"""The data sets the pages work on, by kind: generated or bundled sets, uploaded zips, the
audit's splits and TCAV's image sets. One table, so one cache holds them all."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np


def image_set(key: str, count: int, seed: int) -> np.ndarray:
    """``concept:NAME``, ``photo:SAMPLE`` (crops) or ``random`` (the counterexample pool)."""
    from inputs.concept_images import concept_set, photo_crops, random_pool

    kind, _, name = key.partition(":")
    if kind == "concept":
        return concept_set(name, count, seed)
    return photo_crops(name, count, seed) if kind == "photo" else random_pool(count, 1000 + seed)


def phantom_dicom(index: int) -> bytes:
    """A bundled phantom case as DICOM bytes (generated, no patient data)."""
    from inputs.dicom_writer import phantom_dicom as write
    from workflows.case_report import PHANTOM_SEED

    return write(PHANTOM_SEED, index)


def _loaders() -> dict[str, Callable[..., Any]]:
    from inputs.audit_data import generated_set
    from inputs.audit_zip import zip_audit_set
    from inputs.concept_images import zip_concepts
    from inputs.datasets import load_dataset
    from inputs.zip_dataset import zip_dataset

    return {"dataset": load_dataset,  # (name, count) -> Dataset
            "zip_dataset": zip_dataset,  # (bytes) -> (Dataset, skipped); ZipDatasetError
            "audit_set": generated_set,  # (name, count, seed) -> AuditSet with masks
            "audit_zip": zip_audit_set,  # (bytes, mask bytes | None) -> (AuditSet, notes)
            "image_set": image_set,  # (key, count, seed) -> images
            "zip_concepts": zip_concepts,  # (bytes) -> {concept: images}
            "phantom_dicom": phantom_dicom}  # (index) -> DICOM bytes of a bundled case


def load_data(kind: str, *args: Any) -> Any:
    """The data set of ``kind`` built from ``args`` (see the table above)."""
    return _loaders()[kind](*args)
