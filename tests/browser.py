"""Helpers to serve the dashboard on 127.0.0.1 and drive Debian's Chromium with Playwright."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


# Page coordinates of the first point of the projection-style Plotly scatter (meta tag).
FIRST_POINT = """() => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')]
    .find(g => g.layout && g.layout.meta === 'xai-projection');
  gd.scrollIntoView({block: 'center'});
  const fl = gd._fullLayout, trace = gd._fullData[0], box = gd.getBoundingClientRect();
  return [box.left + fl.xaxis._offset + fl.xaxis.l2p(trace.x[0]),
          box.top + fl.yaxis._offset + fl.yaxis.l2p(trace.y[0])];
}"""


def hover_first_point(page, timeout_ms: float) -> tuple[float, float]:
    """Once the projection-style scatter has its hover script, move the mouse onto its first
    point (from 30 px away, so Plotly sees an arrival); returns the point's coordinates."""
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')]"
                           ".some(g => g.layout && g.layout.meta === 'xai-projection' "
                           "&& g.__xaiHover)", timeout=timeout_ms)
    x, y = page.evaluate(FIRST_POINT)
    page.mouse.move(x - 30, y - 30)
    page.mouse.move(x, y, steps=5)
    return x, y


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def dashboard(timeout: float = 120) -> Iterator[str]:
    """Run ``streamlit run app.py`` on a free loopback port; yield its URL."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.time() > deadline:
                    raise RuntimeError("dashboard did not start: "
                                       + server.stderr.read().decode()[-2000:]) from None
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def chromium_page() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise RuntimeError("Debian's Chromium is missing: apt-get install -y chromium chromium-driver")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_FLAGS)
        try:
            yield browser.new_page(viewport={"width": 1400, "height": 1100})
        finally:
            browser.close()


def image_upload(page):
    """The image page's own uploader (the checkpoint form below it has two more)."""
    return page.get_by_label("Upload an image").get_by_test_id("stFileUploaderDropzoneInput")


def fill_and_run(page, field: str, value: int, button: str, done: str, timeout_ms: int) -> None:
    """Type ``value`` into the number input labelled ``field``, press ``button`` and wait
    until the text ``done`` appears (a data-set page's usual first step)."""
    box = page.get_by_label(field)
    box.fill(str(value))
    box.press("Enter")
    page.get_by_role("button", name=button).click()
    page.get_by_text(done).wait_for(timeout=timeout_ms)
