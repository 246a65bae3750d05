"""Once-per-process start-up work the dashboard does after its first page run."""
from __future__ import annotations

import gc
import threading

_done = threading.Event()
_lock = threading.Lock()


def freeze_start_up_objects() -> None:
    """Once per process, after the first page run: collect, then ``gc.freeze()`` what is
    left (imported libraries, the first model), so Streamlit's full collection after every
    run skips it. On a warm image-page rerun that collection took 0.15 s of the server's
    0.19 s CPU; frozen, the whole rerun takes 0.03 s. (Turning the collection off instead
    let the server's memory climb 240 MB per 80 reruns between automatic collections.)"""
    if _done.is_set():
        return
    with _lock:
        if not _done.is_set():
            gc.collect()
            gc.freeze()
            _done.set()
