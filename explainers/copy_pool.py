"""A pool of private copies per shared model, borrowed by one thread at a time.

The only way our code gets a private copy to hook. One copy per thread would not do:
Streamlit runs every script run in a new thread, so each rerun would pay for a copy (about
half a forward pass of MobileNetV2, more than a Grad-CAM's backward). A borrowed copy is
used by one caller at a time, so its hooks never see another session's pass, and it goes
back to the pool afterwards: the pool grows to the number of concurrent callers, then
costs nothing.
"""
from __future__ import annotations

import threading
import weakref
from contextlib import contextmanager
from typing import Iterator

from torch import nn

from explainers.private_copy import private_copy

MAX_IDLE = 8  # copies kept per model (one per concurrent caller is enough)
_lock = threading.Lock()
_idle: "weakref.WeakKeyDictionary[nn.Module, list[nn.Module]]" = weakref.WeakKeyDictionary()


_parts: "weakref.WeakKeyDictionary[nn.Module, tuple[nn.Module, ...]]" = \
    weakref.WeakKeyDictionary()  # a copy's submodules, listed once (its structure is fixed)


def _hooks(copy: nn.Module) -> int:
    """Hooks left on ``copy``: walking ``modules()`` anew cost 0.5 ms a Grad-CAM call on
    MobileNetV2 (216 modules; a call is 12 ms), the listed tuple a few microseconds."""
    parts = _parts.get(copy)
    if parts is None:
        parts = _parts[copy] = tuple(copy.modules())
    return sum(len(m._forward_hooks) + len(m._forward_pre_hooks) + len(m._backward_hooks)
               for m in parts)


@contextmanager
def borrowed_copy(module: nn.Module) -> Iterator[nn.Module]:
    """A private copy of ``module`` (same parameter tensors) for the duration of the block."""
    with _lock:
        idle = _idle.setdefault(module, [])
        copy = idle.pop() if idle else None
    if copy is None:
        copy = private_copy(module)
    try:
        yield copy
    finally:
        if _hooks(copy) == 0:  # a copy left with a hook is dropped, never lent again
            with _lock:
                idle = _idle.setdefault(module, [])
                if len(idle) < MAX_IDLE:
                    idle.append(copy)


def idle_copies(module: nn.Module) -> int:
    """How many copies of ``module`` wait in the pool (tests read it)."""
    with _lock:
        return len(_idle.get(module, []))
