"""Debian's headless Chromium for the page tests, and a site served to it at its own base URL.

A site is served from its build folder through Playwright's request routing, so pages load from
their real ``base_url`` (the 404 page links absolutely) and nothing leaves the machine.
"""

from __future__ import annotations

import mimetypes
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Chromium must not reach for the network (there is none) or download anything of its own.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch() -> Iterator[Any]:
    """One headless Chromium for a test module; skipped (failed on CI) where it is not installed."""
    if not Path(CHROMIUM).exists():
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


def serve(context: Any, base_url: str, folder: Path) -> None:
    """Answer every request under ``base_url`` from ``folder`` as a static host would.

    A folder URL gets its ``index.html``; a missing file gets ``404.html`` with status 404; any other
    address is refused, so a page that fetches from elsewhere fails its test.
    """

    def answer(route: Any) -> None:
        url = route.request.url.split("#")[0].split("?")[0]
        if not url.startswith(base_url):
            route.abort()
            return
        path = folder / url.removeprefix(base_url)
        if url.endswith("/"):
            path /= "index.html"
        status = 200
        if not path.is_file() or folder.resolve() not in path.resolve().parents:
            path, status = folder / "404.html", 404
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        route.fulfill(status=status, body=path.read_bytes(), content_type=kind)

    context.route("**/*", answer)
