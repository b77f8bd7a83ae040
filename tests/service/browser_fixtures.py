"""Helpers for the Playwright tests: Debian's Chromium, a live uvicorn server on 127.0.0.1, logging in."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.service.web_fixtures import PASSWORD

CHROMIUM = os.environ.get("NIANBAO_TEST_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
# Skip a browser module cleanly where Debian's Chromium is missing (Playwright's own download is not used).
needs_chromium = pytest.mark.skipif(CHROMIUM is None or not os.path.exists(CHROMIUM),
                                    reason="Debian chromium is not installed")


@contextmanager
def chromium() -> Iterator[object]:
    """Headless Debian Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield instance
        finally:
            instance.close()


@contextmanager
def serve(app: object) -> Iterator[str]:
    """Run an app under uvicorn in a thread on a free local port; yields its base URL."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def login(page: object, base: str, user: str, password: str = PASSWORD) -> None:
    """Log in through the form and wait for the report list."""
    page.goto(f"{base}/login")  # type: ignore[attr-defined]
    page.fill("input[name=username]", user)  # type: ignore[attr-defined]
    page.fill("input[name=password]", password)  # type: ignore[attr-defined]
    page.click("#login-submit")  # type: ignore[attr-defined]
    page.wait_for_url(f"{base}/reports")  # type: ignore[attr-defined]
