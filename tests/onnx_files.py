"""Tiny ONNX graphs built with onnx.helper (no export, no download), with known answers."""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def tiny_cnn(nhwc: bool = False, rank: int = 4, softmax: bool = True, seed: int = 0,
             size: int = 16, pool: str = "GlobalAveragePool", batch: int | str = 1) -> bytes:
    """Conv(3->4) -> Relu -> ``pool`` -> Flatten -> Gemm(4->2) [-> Softmax].

    ``pool="GlobalMaxPool"``: a standard operator onnxruntime runs and onnx2torch 1.5
    does not convert. ``batch``: a fixed batch size, or a name for a dynamic one."""
    rng = np.random.default_rng(seed)
    shape = {4: [batch, size, size, 3] if nhwc else [batch, 3, size, size],
             2: [batch, 3 * size * size]}
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, shape[rank])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [batch, 2])
    inits = [numpy_helper.from_array(rng.normal(size=(4, 3, 3, 3)).astype(np.float32), "w"),
             numpy_helper.from_array(rng.normal(size=(2, 4)).astype(np.float32), "g"),
             numpy_helper.from_array(np.zeros(2, np.float32), "b")]
    nodes = ([helper.make_node("Transpose", ["x"], ["xc"], perm=[0, 3, 1, 2])] if nhwc else [])
    nodes += [helper.make_node("Conv", ["xc" if nhwc else "x", "w"], ["c"], pads=[1, 1, 1, 1]),
              helper.make_node("Relu", ["c"], ["r"]),
              helper.make_node(pool, ["r"], ["p"]),
              helper.make_node("Flatten", ["p"], ["f"]),
              helper.make_node("Gemm", ["f", "g", "b"], ["z" if softmax else "y"], transB=1)]
    if softmax:
        nodes.append(helper.make_node("Softmax", ["z"], ["y"], axis=1))
    graph = helper.make_graph(nodes, "tiny", [x], [y], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    return model.SerializeToString()


def run_onnxruntime(data: bytes, x: np.ndarray) -> np.ndarray:
    import onnxruntime

    session = onnxruntime.InferenceSession(data, providers=["CPUExecutionProvider"])
    return session.run(None, {"x": x})[0]
