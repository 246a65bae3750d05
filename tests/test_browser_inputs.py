"""Hostile uploads and privacy in a real Chromium, with XSRF and CORS protection on."""
from __future__ import annotations

import base64
import io
import os
import secrets
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, PngImagePlugin

from tests.bad_images import battery
from tests.browser import chromium_page, dashboard, image_upload

pytestmark = pytest.mark.browser  # drives Chromium against a served dashboard

TIMEOUT_MS = 180_000
CASES = battery()


@pytest.fixture(scope="module")
def url():
    with dashboard() as address:
        yield address


def marked_png(token: str) -> bytes:
    """A photo-like PNG whose bytes carry ``token`` (a text chunk): any echo would show it."""
    rng = np.random.default_rng(0)
    pixels = (rng.random((240, 320, 3)) * 255).astype(np.uint8)
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", token)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def upload(page, name: str, data: bytes) -> None:
    image_upload(page).set_input_files(
        {"name": name, "mimeType": "image/png", "buffer": data})


def files_holding(token: bytes, folder: str, since: float) -> list[str]:
    found = []
    for root, _dirs, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            try:
                if os.path.getmtime(path) >= since and os.path.getsize(path) < 64 * 2**20:
                    if token in Path(path).read_bytes():
                        found.append(path)
            except OSError:
                continue
    return found


def test_bad_uploads_get_one_message_then_a_good_one_works(url, artifacts):
    with chromium_page() as page:
        page.goto(url)
        page.get_by_text("Why this image?").wait_for(timeout=TIMEOUT_MS)
        for name in ("svg", "dicom", "declared_bomb", "truncated_jpeg"):
            upload(page, "upload.png", CASES[name].data)
            page.get_by_text(CASES[name].error).first.wait_for(timeout=TIMEOUT_MS)
            assert page.locator('[data-testid="stException"]').count() == 0
        page.screenshot(path=str(artifacts / "browser_hostile_upload.png"), full_page=True)
        upload(page, "photo.gif", CASES["animated_gif"].data)
        page.get_by_text("3 frames").first.wait_for(timeout=TIMEOUT_MS)
        page.get_by_text("model evaluation").first.wait_for(timeout=TIMEOUT_MS)
        assert page.locator('[data-testid="stException"]').count() == 0


def test_the_raw_upload_is_never_served_back_nor_written_to_disk(url, artifacts):
    token = secrets.token_hex(16)
    data = marked_png(token)
    started = time.time()
    responses, frames = [], []
    with chromium_page() as page:
        page.on("response", lambda response: responses.append(response))
        page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(f)))
        page.goto(url)
        page.get_by_text("Why this image?").wait_for(timeout=TIMEOUT_MS)
        upload(page, "private.png", data)
        page.get_by_text("model evaluation").first.wait_for(timeout=TIMEOUT_MS)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(artifacts / "browser_private_upload.png"), full_page=True)
        bodies = []
        for response in responses:
            try:
                bodies.append(response.body())
            except Exception:  # noqa: BLE001  (redirects and aborted requests have no body)
                continue
    echoes = (token.encode(), data[:4096], base64.b64encode(data)[:4096])
    assert bodies and frames
    for body in bodies + [f if isinstance(f, bytes) else f.encode() for f in frames]:
        assert not any(echo in body for echo in echoes)
    for media in {r.url for r in responses if "/media/" in r.url}:
        with urllib.request.urlopen(media, timeout=30) as reply:  # no session, no cookie
            assert token.encode() not in reply.read()
    assert files_holding(token.encode(), tempfile.gettempdir(), started) == []
    assert files_holding(token.encode(), str(Path(__file__).resolve().parents[1]), started) == []
