"""Engineers' own checkpoints for a known architecture, loaded without running their code.

Weights: a safetensors state dict (preferred) or a PyTorch ``.pt`` state dict read with
``torch.load(weights_only=True)``, which refuses pickled objects other than tensors and
plain containers, so a pickle's ``__reduce__`` never runs. The format is recognised from
the content. Shapes are checked on a ``meta``-device build first (no memory, no random
init), so a mismatch names the first key that does not fit and a small file cannot make
us allocate a huge model. Labels come from a txt (one per line) or json file.
"""
from __future__ import annotations

import io
import pickle
import warnings

import torch
from torch import nn

from model_zoo.architectures import Architecture, architecture
from model_zoo.classifier import ImageClassifier
from model_zoo.labels import LabelsError, parse_labels

MAX_CHECKPOINT_BYTES = 2 * 1024**3
WRAPPER_KEYS = ("state_dict", "model_state_dict", "model")


class CheckpointError(ValueError):
    """The checkpoint or labels cannot be used; the message is fit to show a user."""


def checkpoint_kind(data: bytes) -> str:
    """``"safetensors"`` or ``"torch"`` from the first bytes, else ``CheckpointError``."""
    if len(data) >= 10:
        header = int.from_bytes(data[:8], "little")
        if 2 <= header <= len(data) - 8 and data[8:9] == b"{":
            return "safetensors"
    if data[:4] == b"PK\x03\x04" or data[:1] == b"\x80":  # torch zip, or legacy torch.save
        return "torch"
    raise CheckpointError("the weights file is neither safetensors nor a PyTorch checkpoint")


def _unwrap(obj: object) -> dict[str, torch.Tensor]:
    """The tensor dict inside common wrappers (``{"state_dict": ...}``, DataParallel's
    ``module.`` prefix); refuses anything that is not a flat name -> tensor mapping."""
    if isinstance(obj, dict):
        for key in WRAPPER_KEYS:
            if isinstance(obj.get(key), dict):
                obj = obj[key]
                break
    if not isinstance(obj, dict) or not obj or not all(
            isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in obj.items()):
        raise CheckpointError("the weights file holds no state dict (a mapping of names to tensors)")
    if all(k.startswith("module.") for k in obj):
        obj = {k.removeprefix("module."): v for k, v in obj.items()}
    return obj


def read_state_dict(data: bytes) -> dict[str, torch.Tensor]:
    """Tensors of a safetensors or ``.pt`` file given as bytes; nothing is executed."""
    if not data:
        raise CheckpointError("the weights file is empty")
    if len(data) > MAX_CHECKPOINT_BYTES:
        raise CheckpointError(f"the weights file is larger than {MAX_CHECKPOINT_BYTES // 2**30} GB")
    kind = checkpoint_kind(data)
    try:
        if kind == "safetensors":
            from safetensors.torch import load

            return _unwrap(load(data))
        with warnings.catch_warnings():  # e.g. on pickle protocols: the CLI prints one line
            warnings.simplefilter("ignore")
            return _unwrap(torch.load(io.BytesIO(data), map_location="cpu", weights_only=True))
    except CheckpointError:
        raise
    except pickle.UnpicklingError:
        raise CheckpointError("the .pt file holds Python objects, not only tensors; it was "
                              "refused unopened (save model.state_dict(), or use safetensors)"
                              ) from None
    except Exception:  # noqa: BLE001  (damaged archives fail in many ways)
        raise CheckpointError(f"the {kind} weights file is damaged") from None


def _shape(t: torch.Tensor | tuple[int, ...]) -> tuple[int, ...]:
    return tuple(t.shape) if isinstance(t, torch.Tensor) else tuple(t)


def first_misfit(expected: dict[str, torch.Tensor], found: dict[str, torch.Tensor],
                 arch: str) -> str | None:
    """A message naming the first key (in the model's order) that does not fit, if any."""
    for key, tensor in expected.items():
        if key not in found:
            missing = [k for k in expected if k not in found]
            more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
            return f"key {key!r} is missing from the file{more}"
        if _shape(found[key]) != _shape(tensor):
            return (f"key {key!r} has shape {_shape(found[key])} in the file but {arch} "
                    f"expects {_shape(tensor)}")
    extra = [k for k in found if k not in expected]
    if extra:
        more = f" (and {len(extra) - 1} more)" if len(extra) > 1 else ""
        return f"the file has key {extra[0]!r}{more}, which {arch} does not have"
    return None


def _classes(arch: Architecture, state: dict[str, torch.Tensor]) -> int:
    """Output classes from the head's shape (1000 if absent: the key check then names it)."""
    head = state.get(arch.head)
    return int(head.shape[0]) if head is not None and head.dim() >= 1 else 1000


def build_checked(arch: Architecture, state: dict[str, torch.Tensor]) -> nn.Module:
    """The architecture with ``state`` loaded, after a shape check on a meta-device build."""
    classes = _classes(arch, state)
    with torch.device("meta"):
        expected = arch.build(classes).state_dict()
    problem = first_misfit(expected, state, arch.name)
    if problem:
        raise CheckpointError(problem)
    net = arch.build(classes)
    net.load_state_dict(state, strict=True)
    return net


def load_checkpoint(arch_name: str, weights: bytes, labels: bytes | None = None,
                    name: str | None = None) -> ImageClassifier:
    """An image classifier from checkpoint bytes (and optional label-file bytes)."""
    arch = architecture(arch_name)
    net = build_checked(arch, read_state_dict(weights))
    classes = _classes(arch, net.state_dict())
    try:
        names = parse_labels(labels) if labels else tuple(f"class {i}" for i in range(classes))
    except LabelsError as err:
        raise CheckpointError(str(err)) from None
    if len(names) != classes:
        raise CheckpointError(f"the labels file lists {len(names)} names but the checkpoint's "
                              f"head has {classes} outputs")
    return arch.assemble(net, names, name=name or f"checkpoint:{arch.name}",
                         source=f"user checkpoint ({arch.name})")
