"""The clinician's path in a real Chromium, on a fresh server whose first request is the
clinical page: upload a DICOM carrying identifiers, move the viewing window (no model call),
download the report; no identifier on the page, in the report or in the server's log, and no
request leaves 127.0.0.1."""
from __future__ import annotations

import io
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from urllib.parse import urlparse

import numpy as np
import pytest
from PIL import Image

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from inputs.phantoms import phantom_case
from tests.browser import chromium_page, free_port
from tests.conftest import ROOT
from tests.dicom_files import SECRET_STRINGS, identified_phantom

TIMEOUT_MS = 240_000
GRID = "[data-model-calls]"


@contextmanager
def logged_dashboard(log_path):
    """``streamlit run app.py`` on loopback with its output kept in ``log_path``."""
    port = free_port()
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port",
             str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
             "--logger.level", "info"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.time() + 120
            while True:  # the port is open once the server listens; no page is requested
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                    break
                except OSError:
                    if server.poll() is not None or time.time() > deadline:
                        raise RuntimeError("dashboard did not start") from None
                    time.sleep(0.5)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=30)


def model_calls(page) -> int:
    return int(page.locator(GRID).first.get_attribute("data-model-calls"))


def wait_for_grid(page, text: str) -> None:
    page.locator(f"{GRID} figcaption", has_text=text).first.wait_for(timeout=TIMEOUT_MS)


def move_window(page, before: str, attempts: int = 4) -> None:
    """Narrow the viewing window by keyboard until the view redraws (a rerun that lands
    while the keys are pressed can re-render the slider and drop them: press again)."""
    for attempt in range(attempts):
        page.get_by_role("slider", name="Window width").focus()
        for _ in range(8):
            page.keyboard.press("ArrowLeft")
        try:
            page.wait_for_function(
                "old => { const img = document.querySelector('img.clinical-view');"
                " return img && img.getAttribute('src') !== old; }", arg=before,
                timeout=30_000 if attempt < attempts - 1 else TIMEOUT_MS)
            return
        except PlaywrightTimeout:
            continue


def download_report(page, attempts: int = 4) -> bytes:
    """Click the report button until a download starts (a click that lands during a rerun
    hits a button that is being replaced)."""
    for attempt in range(attempts):
        try:
            with page.expect_download(timeout=45_000) as download:
                page.get_by_role("button", name="Download the case report (PDF)").click()
            return download.value.path().read_bytes()
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


@pytest.mark.browser
def test_clinician_path(tmp_path, artifacts):
    import pypdf  # a test requirement: missing, the test fails rather than skips
    scan = tmp_path / "scan.dcm"
    scan.write_bytes(identified_phantom())
    mask = tmp_path / "lesion.png"
    Image.fromarray((phantom_case(2, 1).mask * 255).astype(np.uint8)).save(mask)
    hosts = set()
    log = tmp_path / "server.log"
    with logged_dashboard(log) as url, chromium_page() as page:
        page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))
        page.goto(f"{url}/clinical")
        page.get_by_text("Clinical view").first.wait_for(timeout=TIMEOUT_MS)
        wait_for_grid(page, "Pointing game")
        page.get_by_label("Upload a DICOM or PNG").get_by_test_id(
            "stFileUploaderDropzoneInput").set_input_files(str(scan))
        # the bundled phantom showed scores against its own mask; the upload has none yet
        page.get_by_text("phantom's exact lesion mask").wait_for(state="detached",
                                                                 timeout=TIMEOUT_MS)
        page.wait_for_function(
            "() => { const g = document.querySelector('[data-model-calls]');"
            " return g && g.querySelector('figcaption') &&"
            " !g.textContent.includes('Pointing game'); }", timeout=TIMEOUT_MS)
        page.get_by_label("Ground-truth mask (PNG or DICOM SEG, optional)").get_by_test_id(
            "stFileUploaderDropzoneInput").set_input_files(str(mask))
        wait_for_grid(page, "Pointing game")
        view = page.locator("img.clinical-view").first
        before, calls = view.get_attribute("src"), model_calls(page)
        move_window(page, before)
        page.get_by_text("Viewing window: manual").wait_for(timeout=TIMEOUT_MS)
        assert model_calls(page) == calls  # moving the window recomputed nothing
        report = download_report(page)
        assert model_calls(page) == calls
        page.set_viewport_size({"width": 1400, "height": 1800})
        page.screenshot(path=str(artifacts / "browser_clinical.png"), full_page=True)
        html = page.content()
        assert page.locator('[data-testid="stException"]').count() == 0
        # the verdicts: two families under every map, then the sanity check's badges, in the
        # report too
        page.get_by_text("Faithfulness against random maps").click()
        wait_for_grid(page, "Region MoRF")
        page.get_by_role("button", name="Run the sanity check for these maps").click()
        page.locator(f"{GRID} .badge").first.wait_for(timeout=TIMEOUT_MS)
        page.locator(".stPlotlyChart").first.wait_for(timeout=TIMEOUT_MS)
        page.screenshot(path=str(artifacts / "browser_clinical_verdicts.png"), full_page=True)
        checked = download_report(page)
        html += page.content()
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(report)).pages)
    words = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(
        io.BytesIO(checked)).pages).split())
    assert "Faithfulness against random maps" in words and "Sanity check" in words
    assert words.count("on this image") == 3  # the page's three default maps
    for secret in SECRET_STRINGS:
        assert secret.encode() not in checked and secret not in words
    assert report.startswith(b"%PDF") and "Input pixel SHA-256" in text and "manual" in text
    assert "Pointing game" in text and "Otsu threshold" in text
    server_log = log.read_text(errors="replace")
    for secret in SECRET_STRINGS:
        assert secret not in html and secret not in text and secret.encode() not in report
        assert secret not in server_log
    assert "scan.dcm" not in text
    assert hosts == {"127.0.0.1"}, hosts


def pick(page, combobox: str, option: str) -> None:
    page.get_by_role("combobox", name=combobox).click()
    page.get_by_role("option", name=option, exact=True).click()


def explained_class(page) -> str:
    """The class picker's shown text, e.g. "lesion (99.1%)"."""
    return page.get_by_role("combobox", name="Explain the class").input_value()


def wait_class_change(page, old: str) -> None:
    page.wait_for_function(
        "old => { const c = document.querySelector('input[aria-label=\"Explain the class\"]');"
        " return c && c.value && c.value !== old; }", arg=old, timeout=TIMEOUT_MS)


@pytest.mark.browser
def test_ct_preset_then_mr_upload(tmp_path, artifacts):
    """Issue 25: CT, "CT mediastinum", then an MR (no CT presets) used to end the page with
    a ValueError from the preset's callback and keep the CT's class and probability."""
    from tests.dicom_files import bundled
    ct, mr = tmp_path / "ct.dcm", tmp_path / "mr.dcm"
    ct.write_bytes(bundled("CT_small.dcm"))
    mr.write_bytes(bundled("MR_small.dcm"))
    with logged_dashboard(tmp_path / "server.log") as url, chromium_page() as page:
        page.goto(f"{url}/clinical")
        wait_for_grid(page, "Pointing game")
        phantom_class = explained_class(page)
        upload = page.get_by_label("Upload a DICOM or PNG").get_by_test_id(
            "stFileUploaderDropzoneInput")
        upload.set_input_files(str(ct))
        page.get_by_text("Viewing window: CT lung").wait_for(timeout=TIMEOUT_MS)
        pick(page, "Window preset", "CT mediastinum")
        page.get_by_text("Viewing window: CT mediastinum").wait_for(timeout=TIMEOUT_MS)
        wait_class_change(page, phantom_class)
        ct_class = explained_class(page)
        upload.set_input_files(str(mr))
        page.get_by_text("Viewing window: file window 1").wait_for(timeout=TIMEOUT_MS)
        wait_class_change(page, ct_class)
        page.locator(f"{GRID} figure").first.wait_for(timeout=TIMEOUT_MS)
        assert page.locator('[data-testid="stException"]').count() == 0
        mr_class = explained_class(page)
        heading = page.get_by_role("heading", name="Why").first.inner_text()
        assert mr_class.split(" (")[0] in heading, (mr_class, heading)
        calls = model_calls(page)
        pick(page, "Window preset", "full range")
        page.get_by_text("Viewing window: full range").wait_for(timeout=TIMEOUT_MS)
        page.wait_for_timeout(1500)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert model_calls(page) == calls and explained_class(page) == mr_class
        page.screenshot(path=str(artifacts / "browser_clinical_ct_then_mr.png"), full_page=True)


@pytest.mark.browser
def test_real_chest_radiograph_then_an_mr_to_the_report(tmp_path, artifacts):
    """Issue 25's walk: the bundled real chest radiograph, a window preset, an MR upload,
    its maps and the report, with no page error; the MR gets the out-of-distribution
    warning on the page before the maps and in the report."""
    import pypdf
    from tests.dicom_files import bundled
    mr = tmp_path / "mr.dcm"
    mr.write_bytes(bundled("MR_small.dcm"))
    with logged_dashboard(tmp_path / "server.log") as url, chromium_page() as page:
        page.goto(f"{url}/clinical")
        wait_for_grid(page, "Pointing game")
        pick(page, "…or a bundled case", "Real: chest radiograph, PA (CR, MONOCHROME1)")
        page.get_by_text("Viewing window: file window 1").wait_for(timeout=TIMEOUT_MS)
        page.wait_for_function("() => !document.querySelector('[data-model-calls]')"
                               ".textContent.includes('Pointing game')", timeout=TIMEOUT_MS)
        calls = model_calls(page)
        pick(page, "Window preset", "full range")
        page.get_by_text("Viewing window: full range").wait_for(timeout=TIMEOUT_MS)
        assert model_calls(page) == calls
        page.screenshot(path=str(artifacts / "browser_clinical_real_chest.png"), full_page=True)
        page.get_by_label("Upload a DICOM or PNG").get_by_test_id(
            "stFileUploaderDropzoneInput").set_input_files(str(mr))
        page.get_by_text("Out of distribution.").first.wait_for(timeout=TIMEOUT_MS)
        page.get_by_text("Viewing window: file window 1").wait_for(timeout=TIMEOUT_MS)
        page.locator(f"{GRID} figure").first.wait_for(timeout=TIMEOUT_MS)
        report = download_report(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        page.screenshot(path=str(artifacts / "browser_clinical_real_mr.png"), full_page=True)
    import io
    words = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(
        io.BytesIO(report)).pages).split())
    assert "Out of distribution: This scan is MR" in words and "mr.dcm" not in words
