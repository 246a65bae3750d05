"""Progress bars and live previews drawn by cached work, and the count of model work.

A cached function draws its own bar *inside* itself: Streamlit replays elements a cached
function created, but cannot replay updates to an element created outside it. On a cache
hit the bar is replayed already emptied, so nothing shows. ``model_calls()`` counts cache
misses that ran a model (tests read it to prove that a display change recomputed nothing).
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Callable, Iterator

import numpy as np
import streamlit as st

from explainers.progress import reporting

PROGRESS_STEPS = 10  # bar updates kept per cached call (each one is replayed on a hit)

_calls_lock = threading.Lock()
_calls = 0


def model_calls() -> int:
    """How many cached computations have run a model in this process so far."""
    return _calls


@contextmanager
def progress_bar(text: str, steps: int = PROGRESS_STEPS) -> Iterator[None]:
    """A bar fed by ``explainers.progress.report``, emptied when the work ends; at most
    ``steps`` updates are drawn (each is stored and replayed on a cache hit)."""
    bar = st.progress(0.0, text=text)
    shown = [0]

    def update(fraction: float, note: str) -> None:
        step = int(fraction * steps)
        if step > shown[0]:
            shown[0] = step
            bar.progress(fraction, text=f"{text} {note}".strip())

    try:
        with reporting(update):
            yield
    finally:
        bar.empty()


@contextmanager
def model_work(text: str | None = None, steps: int = PROGRESS_STEPS) -> Iterator[None]:
    """Count one model computation and, given ``text``, show its progress bar."""
    global _calls
    with _calls_lock:
        _calls += 1
    if text is None:
        yield
        return
    with progress_bar(text, steps):
        yield


@contextmanager
def live_chart() -> Iterator[Callable[[object], None]]:
    """``show(figure)`` redraws one Plotly figure in a slot (points drawn as they arrive);
    the slot is emptied when the block ends, where the caller draws the final figure."""
    slot = st.empty()
    try:
        yield lambda figure: slot.plotly_chart(figure, width="stretch")
    finally:
        slot.empty()


@contextmanager
def live_preview(count: int = 8, width: int = 96) -> Iterator[Callable[[int, np.ndarray], None]]:
    """``show(step, images)`` draws the first ``count`` images in one slot below the bar;
    the slot is emptied when the block ends."""
    slot = st.empty()

    def show(step: int, images: np.ndarray) -> None:
        slot.image(list(images[:count]), caption=[f"step {step}"] * min(len(images), count),
                   width=width)

    try:
        yield show
    finally:
        slot.empty()
