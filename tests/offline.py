"""Every request a page makes, recorded; anything not for 127.0.0.1 is refused and reported.

A clinician's browser must make no outside request while using the tool (fonts, icons,
favicons included). Use ``with recorded_requests(page) as log:`` around the visit, then
``assert_local(log)``; or the ``offline_page`` fixture in ``tests/conftest_offline.py``.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator
from urllib.parse import urlsplit

LOCAL_HOSTS = ("127.0.0.1",)
INLINE_SCHEMES = ("data", "blob", "about")


@dataclass
class RequestLog:
    """URLs the page asked for, in order; ``refused`` are those that would have left."""

    urls: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def external(self) -> list[str]:
        return [u for u in self.urls if not is_local(u)]


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in INLINE_SCHEMES or parts.hostname in LOCAL_HOSTS


@contextmanager
def recorded_requests(page) -> Iterator[RequestLog]:
    """Record every request of ``page``'s browser context (service workers, favicons too);
    abort the external ones so an offline machine never waits on them."""
    log = RequestLog()
    context = page.context

    def route(route_, request) -> None:
        if is_local(request.url):
            route_.continue_()
        else:
            log.refused.append(request.url)
            route_.abort()

    def record(request) -> None:
        log.urls.append(request.url)

    context.route("**/*", route)
    context.on("request", record)
    try:
        yield log
    finally:
        context.remove_listener("request", record)


def assert_local(log: RequestLog) -> None:
    """No request left 127.0.0.1 (and at least one was made, so the log is alive)."""
    assert log.urls, "no request was recorded"
    outside = sorted(set(log.external()) | set(log.refused))
    assert not outside, f"requests leaving 127.0.0.1: {outside}"


ASSET_URLS = """() => [...document.querySelectorAll(
  'link[href], script[src], img[src], source[src], iframe[src], video[src], audio[src]')]
  .map(e => e.href || e.src)"""


def page_asset_urls(page) -> list[str]:
    """Absolute URLs of every linked asset in the DOM now (favicons included: a headless
    browser may never fetch them, so the request log alone would not catch one)."""
    return page.evaluate(ASSET_URLS)
