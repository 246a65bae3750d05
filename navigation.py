"""Every page runs through ``app.py``'s ``st.navigation``, deep links included.

A page declares itself with one line at its top, ``app_page("Title", icon=..., order=...)``.
``app.py`` finds the pages by reading those lines (no page is imported or run to list
them), so adding a page touches no other file.

Why the call also guards: with a ``pages/`` folder beside ``app.py``, a fresh server whose
first request is a deep link (``/text``) runs in Streamlit's legacy pages-directory mode:
the page script alone, file names in the sidebar, narrow layout, ``app.py`` never run.
``app_page`` leaves that mode (the switch Streamlit itself flips when ``st.navigation`` is
called) and reruns, so the same URL is served by ``app.py``'s navigation.
"""
from __future__ import annotations

import ast
import threading
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

PAGES = Path(__file__).resolve().parent / "pages"
GUARD = "app_page"


@dataclass(frozen=True)
class PageSpec:
    path: Path
    title: str
    icon: str | None = None
    order: int = 100
    default: bool = False


def app_page(title: str, *, icon: str | None = None, order: int = 100,
             default: bool = False) -> None:
    """First line of a page: lists it in the app's navigation (read from the source) and,
    when Streamlit serves the page in its legacy pages-directory mode, reruns through
    ``app.py``. Arguments must be literals: they are read without running the page."""
    leave_pages_directory_mode()


def in_pages_directory_mode() -> bool:
    """Streamlit's switch between the legacy ``pages/`` mode and ``st.navigation``
    (``PagesManager.uses_pages_directory``; pinned by tests/test_navigation.py)."""
    from streamlit.runtime.pages_manager import PagesManager

    return bool(PagesManager.uses_pages_directory)


def leave_pages_directory_mode() -> None:
    """Turn the legacy mode off for this server (as ``st.navigation`` does) and rerun."""
    from streamlit.runtime.pages_manager import PagesManager

    if in_pages_directory_mode():
        PagesManager.uses_pages_directory = False
        st.rerun()


_parse_lock = threading.Lock()
_specs: dict[tuple[Path, int], PageSpec | None] = {}


def page_spec(path: Path) -> PageSpec | None:
    """The page's declaration, read once per version of the file (every rerun asks).

    Parsed under a lock: CPython 3.11's ``ast.parse`` is not thread-safe (concurrent calls
    raised "SystemError: AST constructor recursion depth mismatch" in 4 of 7 cold-load runs
    of 8 sessions, one page error in 24 interactions; none in the 2 runs since)."""
    key = (path, path.stat().st_mtime_ns)
    with _parse_lock:
        if key not in _specs:
            _specs[key] = declared_page(path)
        return _specs[key]


def declared_page(path: Path) -> PageSpec | None:
    """The page's ``app_page(...)`` declaration at module level, or None without one."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        call = node.value if isinstance(node, ast.Expr) else None
        if not isinstance(call, ast.Call):
            continue
        if getattr(call.func, "id", getattr(call.func, "attr", None)) == GUARD:  # also nav.app_page
            args = [ast.literal_eval(a) for a in call.args]
            kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
            return PageSpec(path, *args, **kwargs)
    return None


def page_specs(folder: Path = PAGES) -> list[PageSpec]:
    """Declared pages in ``order`` (then file name)."""
    specs = [s for p in sorted(folder.glob("*.py")) if (s := page_spec(p))]
    return sorted(specs, key=lambda s: (s.order, s.path.name))


def navigation(position: str = "sidebar"):
    """``st.navigation`` over the declared pages (the caller runs it)."""
    pages = [st.Page(str(s.path.relative_to(PAGES.parent)), title=s.title, icon=s.icon,
                     default=s.default) for s in page_specs()]
    return st.navigation(pages, position=position)
