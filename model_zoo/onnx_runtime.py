"""An ONNX graph run by onnxruntime, for graphs the torch converter cannot take: a
forward-only module (no gradients), so only the perturbation methods fit the model.

The session is built from the bytes in memory (never a path); onnxruntime interprets the
graph's standard operators and loads no custom-operator library, so no code from the file
runs. Batches go through in one call where the graph's batch dimension is dynamic, else in
chunks of the fixed batch size.
"""
from __future__ import annotations

import hashlib

import numpy as np
import torch
from torch import nn

from model_zoo.onnx_spec import OnnxImportError, OnnxSpec

GRADIENT_REFUSAL = ("this model runs on onnxruntime, which gives no gradients; use a "
                    "perturbation method (occlusion, RISE, LIME, SHAP)")


def ort_session(data: bytes):
    """An onnxruntime CPU session of the bytes, threads matched to torch's."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # errors only: nothing about the file goes to the log
    try:
        return onnxruntime.InferenceSession(data, options, providers=["CPUExecutionProvider"])
    except Exception as err:  # onnxruntime raises its own Fail/InvalidGraph/... types
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise OnnxImportError(f"onnxruntime cannot run this graph either ({first[:200]})") from None


class OrtForward(nn.Module):
    """(N, 3, H, W) in [0, 1] -> the graph's outputs, through onnxruntime; logits as in
    ``OnnxInput`` (log of a final softmax). Refuses inputs that need a gradient."""

    def __init__(self, data: bytes, spec: OnnxSpec, input_name: str, batch: int | None,
                 log_output: bool) -> None:
        super().__init__()
        self.session = ort_session(data)
        self.spec, self.input_name, self.batch, self.log_output = spec, input_name, batch, log_output
        digest = np.frombuffer(hashlib.sha256(data).digest(), dtype=np.uint8).copy()
        self.register_buffer("graph_sha256", torch.from_numpy(digest))  # the weights' digest

    def feed(self, x: torch.Tensor) -> np.ndarray:
        if self.spec.channels == 1:
            x = x.mean(dim=1, keepdim=True)
        x = x.float() * self.spec.scale
        if self.spec.layout == "NHWC":
            x = x.permute(0, 2, 3, 1)
        return np.ascontiguousarray(x.detach().cpu().numpy(), dtype=np.float32)

    def run_chunk(self, chunk: np.ndarray, step: int) -> np.ndarray:
        """One session call; a short last chunk of a fixed-batch graph is padded and cut."""
        short = step - len(chunk) if self.batch else 0
        padded = np.concatenate([chunk, np.repeat(chunk[-1:], short, axis=0)]) if short else chunk
        try:
            return self.session.run(None, {self.input_name: padded})[0][:len(chunk)]
        except Exception as err:  # onnxruntime's own error types derive from Exception only
            raise RuntimeError(f"onnxruntime: {str(err).strip()[:200]}") from None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if torch.is_grad_enabled() and x.requires_grad:
            raise RuntimeError(GRADIENT_REFUSAL)
        feed = self.feed(x)
        step = self.batch or len(feed)
        outs = [self.run_chunk(feed[i:i + step], step) for i in range(0, len(feed), step)]
        out = torch.from_numpy(np.concatenate(outs).astype(np.float32, copy=False))
        return torch.log(out.clamp_min(1e-12)) if self.log_output else out
