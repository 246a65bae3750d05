"""``onnx:PATH`` in the zoo: an ONNX file on disk as a classifier, labels from a
``PATH.labels.txt`` / ``.json`` beside it when present (see model_zoo/onnx_import.py)."""
from __future__ import annotations

from pathlib import Path

from model_zoo.classifier import ImageClassifier
from model_zoo.labels import LabelsError, parse_labels
from model_zoo.onnx_import import ONNX_PREFIX, OnnxImportError, onnx_classifier, onnx_name
from model_zoo.registry import register_loader


def labels_beside(path: Path) -> tuple[str, ...] | None:
    for suffix in (".labels.txt", ".labels.json"):
        side = path.with_name(path.stem + suffix)
        if side.is_file():
            try:
                return parse_labels(side.read_bytes())
            except LabelsError as err:
                raise OnnxImportError(f"{side.name}: {err}") from None
    return None


def load_onnx_path(path: Path, labels: tuple[str, ...] | None = None) -> ImageClassifier:
    if not path.is_file():
        raise OnnxImportError(f"no such ONNX file: {path}")
    data = path.read_bytes()
    return onnx_classifier(data, labels or labels_beside(path), name=onnx_name(data),
                           source="user ONNX model")


register_loader(ONNX_PREFIX, lambda reference: load_onnx_path(Path(reference[len(ONNX_PREFIX):])))
