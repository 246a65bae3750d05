"""A minimal Streamlit session over its websocket, for load tests on 127.0.0.1 only.

It speaks the same protobuf messages as the browser: a ``rerun_script`` back-message with
widget values, then forward-messages until ``script_finished``. Lighter than 8 browsers on
2 cores, so the figures measure the server. Widgets are found by their ``key``.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


@contextmanager
def serve(app: Path, timeout: float = 180) -> Iterator[str]:
    """``streamlit run app`` on a free loopback port (never another address); yields host:port."""
    port = free_port()
    # The server's log goes to a file, not a pipe nobody reads (a full pipe would stall the
    # server); XAI_BENCH_SERVER_LOG keeps it, to read a page error the browser only shows
    # redacted.
    kept = os.environ.get("XAI_BENCH_SERVER_LOG")
    log = open(kept, "wb") if kept else tempfile.TemporaryFile()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port),
         "--server.address", LOOPBACK, "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=app.parent, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"http://{LOOPBACK}:{port}/_stcore/health",
                                            timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.time() > deadline:
                    log.seek(0)
                    raise RuntimeError("the dashboard did not start: "
                                       + log.read().decode(errors="replace")[-2000:]) from None
                time.sleep(0.5)
        yield f"{LOOPBACK}:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


class Session:
    """One browser-like session (a context manager): ``run(**widget_values)`` reruns the
    page and returns the seconds until its script finished."""

    def __init__(self, address: str, timeout: float = 300) -> None:
        if not address.startswith(f"{LOOPBACK}:"):
            raise ValueError("load tests run against 127.0.0.1 only")
        self.address, self.timeout = address, timeout
        self.widget_ids: dict[str, str] = {}
        self.options: dict[str, list[str]] = {}  # a multiselect's option texts, by key
        self.values: dict[str, str] = {}
        self.exceptions: list[str] = []

    def __enter__(self) -> "Session":
        from websockets.sync.client import connect

        self._connection = connect(f"ws://{self.address}/_stcore/stream",
                                   subprotocols=["streamlit"], max_size=2**26,
                                   open_timeout=self.timeout)
        self.socket = self._connection.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._connection.__exit__(*exc)

    def run(self, **values: str | bool | list[str]) -> float:
        """Set widget values by key (selectbox: its option's text; multiselect: a list of
        option texts; toggle: a bool), rerun; seconds until the script finished."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        self.values |= values
        message = BackMsg()
        state = message.rerun_script
        state.SetInParent()
        for key, value in self.values.items():
            widget = state.widget_states.widgets.add()
            widget.id = self.widget_ids[key]
            set_widget_value(widget, value)
        started = time.perf_counter()
        self.socket.send(message.SerializeToString())
        self._until_finished()
        return time.perf_counter() - started

    def _until_finished(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        deadline = time.time() + self.timeout
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(self.socket.recv(timeout=max(1.0, deadline - time.time())))
            kind = msg.WhichOneof("type")
            if kind == "delta":
                self._note_element(msg.delta)
            elif kind == "script_finished":
                if msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    return

    def _note_element(self, delta) -> None:
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.exceptions.append(element.exception.message)
            return
        widget_id = getattr(getattr(element, kind), "id", "") if kind else ""
        if isinstance(widget_id, str) and "-" in widget_id:
            key = widget_id.rsplit("-", 1)[-1]
            self.widget_ids.setdefault(key, widget_id)
            if kind == "multiselect":
                self.options[key] = list(element.multiselect.options)


def set_widget_value(widget, value: str | bool | list[str]) -> None:
    """The protobuf field a widget's value travels in, chosen by the value's type."""
    if isinstance(value, bool):
        widget.bool_value = value
    elif isinstance(value, list):
        widget.string_array_value.data.extend(value)
    else:
        widget.string_value = value
