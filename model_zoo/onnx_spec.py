"""What an ONNX classifier's graph wants as input, and the one error its import raises
(shared by the torch conversion and the onnxruntime path)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Layout = Literal["NCHW", "NHWC"]


class OnnxImportError(ValueError):
    """The ONNX file cannot be used; the message is fit to show a user."""


@dataclass(frozen=True)
class OnnxSpec:
    """How the graph wants its input: ``size`` (h, w), ``channels`` 1 or 3, ``layout``, and
    ``scale``: the input is pixels in [0, 1] times ``scale`` (255 for 0..255 graphs)."""

    size: tuple[int, int]
    channels: int
    layout: Layout
    scale: float = 1.0
