"""Progress reporting from deep inside a method, without threading a callback through.

A page wraps a call in ``reporting(callback)``; a slow method calls ``report(fraction)``.
The callback lives in a context variable, so each browser session (its own thread)
sees only its own bar, and library code never imports Streamlit.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, Iterator

ProgressFn = Callable[[float, str], None]

_CALLBACK: ContextVar[ProgressFn | None] = ContextVar("explainer_progress", default=None)


def report(fraction: float, text: str = "") -> None:
    """Tell the current listener, if any, that ``fraction`` (0..1) of the work is done."""
    callback = _CALLBACK.get()
    if callback is not None:
        callback(min(max(float(fraction), 0.0), 1.0), text)


@contextmanager
def reporting(callback: ProgressFn) -> Iterator[None]:
    """Send ``report`` calls made inside the block to ``callback(fraction, text)``."""
    token = _CALLBACK.set(callback)
    try:
        yield
    finally:
        _CALLBACK.reset(token)


@contextmanager
def progress_span(start: float, stop: float) -> Iterator[None]:
    """Map the block's reports from 0..1 onto ``start..stop`` of the current listener's bar,
    so a loop over slow calls (each reporting its own 0..1) shows one bar that only grows."""
    outer = _CALLBACK.get()
    if outer is None:
        yield
        return
    token = _CALLBACK.set(lambda fraction, text: outer(start + (stop - start) * fraction, text))
    try:
        yield
    finally:
        _CALLBACK.reset(token)
