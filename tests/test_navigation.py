"""Pages declare themselves with one line, and every page runs through app.py's navigation,
also when a fresh server's first request is a deep link (legacy pages-directory mode)."""
from __future__ import annotations

import inspect
import os

from navigation import PAGES, page_specs

TITLES = ["Image", "Text", "Activation maximisation", "Layer projection"]


def test_every_page_file_declares_itself_and_the_order_is_kept():
    specs = page_specs()
    assert {s.path.name for s in specs} == {p.name for p in PAGES.glob("*.py")}
    assert [s.title for s in specs if s.title in TITLES] == TITLES
    assert [s.title for s in specs if s.default] == ["Image"]


def test_the_streamlit_switch_the_guard_flips_is_still_there():
    """Pinned internals: the class flag PagesManager.uses_pages_directory, set when a pages/
    folder exists, makes the script runner run pages directly (_mpa_v1), and st.navigation
    clears it. If Streamlit renames or drops it, this test says so."""
    from streamlit.commands import navigation as st_navigation
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import script_runner

    assert "uses_pages_directory" in vars(PagesManager)
    assert "PagesManager.uses_pages_directory" in inspect.getsource(script_runner.ScriptRunner)
    assert "_mpa_v1" in inspect.getsource(script_runner.ScriptRunner)
    assert "PagesManager.uses_pages_directory = False" in inspect.getsource(
        st_navigation.navigation)


def test_a_page_served_in_legacy_mode_reruns_through_the_app(monkeypatch):
    """The guard turns the legacy mode off and asks for a rerun; outside it, it does nothing."""
    import streamlit as st
    from streamlit.runtime.pages_manager import PagesManager

    import navigation

    reruns = []
    monkeypatch.setattr(st, "rerun", lambda: reruns.append(1))
    monkeypatch.setattr(PagesManager, "uses_pages_directory", True)
    navigation.app_page("Anything")
    assert PagesManager.uses_pages_directory is False and reruns == [1]
    navigation.app_page("Anything")
    assert reruns == [1]


def test_pages_are_parsed_once_per_file_version_even_from_many_threads(monkeypatch, tmp_path):
    """Every rerun of every session lists the pages: the source is parsed once per version
    (CPython 3.11's ast.parse is not thread-safe: concurrent calls raised SystemError under
    a classroom's load), and an edited page is read again."""
    import ast
    import threading

    import navigation

    page = tmp_path / "mine.py"
    page.write_text('app_page("Mine", order=5)\n')
    parses = []
    real_parse = ast.parse
    monkeypatch.setattr(navigation.ast, "parse",
                        lambda *a, **k: parses.append(1) or real_parse(*a, **k))
    errors = []

    def list_pages():
        try:
            for _ in range(50):
                assert [s.title for s in navigation.page_specs(tmp_path)] == ["Mine"]
        except Exception as err:  # noqa: BLE001  (reported below)
            errors.append(err)

    threads = [threading.Thread(target=list_pages) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(parses) == 1
    page.write_text('app_page("Renamed", order=5)\n')
    os.utime(page, ns=(1, 10**18))  # a new version, whatever the clock's resolution
    assert [s.title for s in navigation.page_specs(tmp_path)] == ["Renamed"] and len(parses) == 2
