"""An ONNX file as an image classifier: checked, converted to torch (onnx2torch) so every
gradient method works, wrapped to take the dashboard's (N, 3, H, W) RGB in [0, 1].

Only the graph is read: ONNX is a protobuf of operators and weights, and parsing it runs no
code from the file. Files with external data, a graph neither path runs or an input that is
not an image get one clear ``OnnxImportError``. A graph the converter refuses runs on
onnxruntime instead (model_zoo/onnx_runtime.py): forward only, perturbation methods only.
"""
from __future__ import annotations

import warnings
from typing import Literal

import torch
from torch import nn

from model_zoo.classifier import ImageClassifier, freeze
from model_zoo.onnx_spec import Layout, OnnxImportError, OnnxSpec

MAX_ONNX_BYTES = 512 * 2**20
ONNX_PREFIX = "onnx:"


def parse_onnx(data: bytes):
    """The ModelProto of ``data``, refused when too large, not ONNX or not self-contained."""
    import onnx
    from google.protobuf.message import DecodeError

    if len(data) > MAX_ONNX_BYTES:
        raise OnnxImportError(f"the ONNX file is larger than {MAX_ONNX_BYTES // 2**20} MB")
    try:
        model = onnx.load_from_string(data)
    except (DecodeError, ValueError, RuntimeError):
        raise OnnxImportError("this file is not an ONNX model") from None
    if not model.graph.node or not model.graph.input:
        raise OnnxImportError("this file is not an ONNX model (no graph)")
    if any(t.data_location == onnx.TensorProto.EXTERNAL for t in model.graph.initializer):
        raise OnnxImportError("the ONNX model keeps its weights in external data files; "
                              "save it as one file (onnx.save with save_as_external_data=False)")
    return model


def graph_input(model) -> tuple[str, list[int | None]]:
    """(name, dims) of the one image input; dims None where dynamic."""
    initializers = {t.name for t in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in initializers]
    if len(inputs) != 1:
        raise OnnxImportError(f"the ONNX model takes {len(inputs)} inputs; an image "
                              "classifier takes one")
    dims = [d.dim_value or None for d in inputs[0].type.tensor_type.shape.dim]
    if len(dims) != 4:
        raise OnnxImportError(f"the ONNX model's input has rank {len(dims)}; an image "
                              "classifier takes (batch, channels, height, width) or "
                              "(batch, height, width, channels)")
    return inputs[0].name, dims


def read_spec(model, size: tuple[int, int] | None = None, scale: float = 1.0) -> OnnxSpec:
    """The input spec read from the graph's input shape; ``size`` is asked for where the
    graph leaves height and width dynamic."""
    _, (_, a, b, c) = graph_input(model)
    layout: Layout = "NHWC" if c in (1, 3) and a not in (1, 3) else "NCHW"
    channels, h, w = (c, a, b) if layout == "NHWC" else (a, b, c)
    if channels not in (1, 3):
        raise OnnxImportError(f"the ONNX model's input has {channels} channels; 1 (grey) "
                              "or 3 (RGB) are supported")
    if h is None or w is None:
        if size is None:
            raise OnnxImportError("the ONNX model's input size is dynamic: give the size "
                                  "it was trained at")
        h, w = size
    return OnnxSpec((int(h), int(w)), int(channels), layout, scale)


def onnx_name(data: bytes) -> str:
    """``onnx:`` and the first 12 hex digits of the file's SHA-256: a user's file name (which
    may name a patient or a hospital) never reaches a result or a report."""
    import hashlib

    return f"{ONNX_PREFIX}{hashlib.sha256(data).hexdigest()[:12]}"


def ends_in_softmax(model) -> bool:
    return model.graph.node[-1].op_type == "Softmax"


class OnnxInput(nn.Module):
    """(N, 3, H, W) in [0, 1] -> the graph's layout, channels and scale; log of a softmax
    output, so the outputs are logits (softmax of log p is p)."""

    def __init__(self, net: nn.Module, spec: OnnxSpec, log_output: bool) -> None:
        super().__init__()
        self.net, self.spec, self.log_output = net, spec, log_output

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.spec.channels == 1:
            x = x.mean(dim=1, keepdim=True)
        x = x * self.spec.scale
        if self.spec.layout == "NHWC":
            x = x.permute(0, 2, 3, 1)
        with warnings.catch_warnings():  # onnx2torch's Slice indexes with a list (torch warns)
            warnings.simplefilter("ignore", UserWarning)
            out = self.net(x.contiguous())
        return torch.log(out.clamp_min(1e-12)) if self.log_output else out


def convert(model) -> nn.Module:
    """The graph as a torch module (onnx2torch); unsupported operators named."""
    from onnx2torch import convert as onnx2torch_convert

    try:
        return onnx2torch_convert(model)
    except NotImplementedError as err:
        raise OnnxImportError(f"the ONNX graph uses an operator the torch converter does not "
                              f"support ({unsupported_operator(err)})") from None
    except Exception as err:  # noqa: BLE001  (the converter's own failures, e.g. a bad attribute)
        raise OnnxImportError(f"the torch converter cannot convert this graph "
                              f"({type(err).__name__}: {str(err)[:160]})") from None


def unsupported_operator(err: Exception) -> str:
    """The operator onnx2torch names in its NotImplementedError, else its message."""
    import re

    found = re.search(r"operation_type='([^']+)'", str(err))
    domain = re.search(r"domain='([^']*)'", str(err))
    if found is None:
        return str(err)[:160]
    return found.group(1) + (f" of domain {domain.group(1)}" if domain and domain.group(1) else "")


def conv_layers(module: nn.Module) -> list[nn.Module]:
    """The graph's 2-D convolutions in order; the last is the default CAM layer."""
    return [m for m in module.modules() if isinstance(m, nn.Conv2d)]


Runtime = Literal["auto", "torch", "onnxruntime"]
RUNTIMES: tuple[str, ...] = ("auto", "torch", "onnxruntime")


def onnx_classifier(data: bytes, labels: tuple[str, ...] | None = None, *, name: str,
                    source: str, size: tuple[int, int] | None = None,
                    scale: float = 1.0, runtime: Runtime = "auto") -> ImageClassifier:
    """An ImageClassifier of ONNX bytes; labels default to "class i".

    ``runtime``: "torch" converts (every method fits); "onnxruntime" runs the graph as it is
    (perturbation methods only); "auto" converts and falls back to onnxruntime, saying why,
    when the graph does not convert."""
    model = parse_onnx(data)
    spec = read_spec(model, size, scale)
    why = "onnxruntime was asked for" if runtime == "onnxruntime" else ""
    module = None
    if runtime != "onnxruntime":
        try:
            module = OnnxInput(convert(model), spec, ends_in_softmax(model))
        except OnnxImportError as err:
            if runtime == "torch":
                raise
            why = str(err)
    if module is None:
        from model_zoo.onnx_runtime import OrtForward

        input_name, dims = graph_input(model)
        module = OrtForward(data, spec, input_name, dims[0], ends_in_softmax(model))
    names = output_labels(module, spec, labels)
    if not why and not conv_layers(module):
        raise OnnxImportError("the ONNX graph has no 2-D convolution for CAM methods")
    return ImageClassifier(name=name, module=freeze(module), labels=names, input_size=spec.size,
                           target_layers=conv_layers, source=source,
                           forward_only=f"runs on onnxruntime: {why}" if why else "")


def output_labels(module: nn.Module, spec: OnnxSpec,
                  labels: tuple[str, ...] | None) -> tuple[str, ...]:
    """The labels for the module's (batch, classes) output, checked against its width."""
    with torch.no_grad():
        try:
            out = module(torch.zeros(1, 3, *spec.size))
        except (RuntimeError, ValueError) as err:
            raise OnnxImportError(f"the ONNX graph fails on an input of the declared shape "
                                  f"({str(err).strip().splitlines()[0][:160]})") from None
    if out.dim() != 2:
        raise OnnxImportError(f"the ONNX model's output has shape {tuple(out.shape)}; a "
                              "classifier gives (batch, classes)")
    classes = out.shape[1]
    names = labels or tuple(f"class {i}" for i in range(classes))
    if len(names) != classes:
        raise OnnxImportError(f"{len(names)} labels given for {classes} outputs")
    return tuple(names)
