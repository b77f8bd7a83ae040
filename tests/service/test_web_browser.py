"""Browser tests: Playwright driving Debian's Chromium against a live server on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.web.app import create_app
from service.web.bootstrap import ensure_user
from tests.service.web_fixtures import BROKEN_PDF, PASSWORD, settings_for

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real uvicorn server in a thread with a reviewer and a viewer."""
    import uvicorn

    settings = settings_for(tmp_path_factory.mktemp("live"))
    app = create_app(settings)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    for role in ("reviewer", "viewer"):
        ensure_user(app.state.svc, role, PASSWORD, role)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian Chromium (Playwright's own download is not used)."""
    with sync_api.sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield instance
        instance.close()


def _login(page: object, base: str, user: str) -> None:
    page.goto(f"{base}/login")  # type: ignore[attr-defined]
    page.fill("input[name=username]", user)  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    page.click("#login-submit")  # type: ignore[attr-defined]
    page.wait_for_url(f"{base}/reports")  # type: ignore[attr-defined]


_RED_IN_IMAGE = """(img) => {
  const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
  const g = c.getContext('2d'); g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data; let n = 0;
  for (let i = 0; i < d.length; i += 4) { if (d[i] > 200 && d[i + 1] < 60 && d[i + 2] < 60) n++; }
  return n;
}"""


def test_reviewer_uploads_a_pdf_and_sees_the_failing_cells(browser: object, live_url: str, tmp_path: Path) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    _login(page, live_url, "reviewer")
    page.click("#nav-upload")
    page.set_input_files("#upload-files", str(BROKEN_PDF))
    page.click("#upload-submit")
    page.wait_for_selector("#jobs-finished", timeout=60_000)
    page.click("a.report-link")
    page.wait_for_selector("td.cell-error")
    cell = page.locator('td[data-cell="table3||r1_new|natural"]')
    assert "cell-error" in (cell.get_attribute("class") or "")
    assert "T3-R1" in (cell.get_attribute("title") or "")
    image = page.locator("img.page-image").first
    image.scroll_into_view_if_needed()
    page.wait_for_function("() => [...document.querySelectorAll('img.page-image')].every(i => i.complete && i.naturalWidth > 0)")
    assert image.evaluate(_RED_IN_IMAGE) > 200
    page.goto(f"{live_url}/rankings")
    bars = page.locator("#chart-histogram rect.bar")
    assert bars.count() == 10
    assert page.locator("#rankings-table tbody tr").count() >= 1
    page.close()


def test_a_viewer_cannot_upload(browser: object, live_url: str) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    _login(page, live_url, "viewer")
    assert page.locator("#nav-upload").count() == 0
    response = page.goto(f"{live_url}/upload")
    assert response is not None and response.status == 403
    assert "无权操作" in page.content()
    page.close()
