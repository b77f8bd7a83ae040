"""Browser tests: Playwright driving Debian's Chromium against a live server on 127.0.0.1, every page as admin,
reviewer and viewer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from service.web.app import create_app
from service.web.bootstrap import ensure_user
from service.web.models import ReportRow
from tests.service.browser_fixtures import chromium, login, needs_chromium, serve
from tests.service.web_fixtures import BROKEN_PDF, PASSWORD, settings_for
from tests.service.web_pages_data import FORBIDDEN, Loaded, pages, populate, wait_for_images

pytest.importorskip("playwright.sync_api")
pytestmark = needs_chromium


@pytest.fixture(scope="module")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real uvicorn server in a thread with a reviewer and a viewer."""
    app = create_app(settings_for(tmp_path_factory.mktemp("live")))
    with serve(app) as url:
        for role in ("reviewer", "viewer"):
            ensure_user(app.state.svc, role, PASSWORD, role)
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian Chromium (Playwright's own download is not used)."""
    with chromium() as instance:
        yield instance


def _login(page: object, base: str, user: str) -> None:
    login(page, base, user)


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
    # Our own Chinese file button, whatever the browser's language; it says which files were chosen.
    assert page.locator("label.file-pick").inner_text().strip() == "选择文件"
    assert page.locator("#upload-chosen").inner_text() == "未选择文件"
    page.set_input_files("#upload-files", str(BROKEN_PDF))
    assert page.locator("#upload-chosen").inner_text() == f"已选择 1 个文件：{BROKEN_PDF.name}"
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


# ---------------------------------------------------------------- every page, as every role

ACCOUNTS = {"admin": "wang-admin", "reviewer": "li-shenhe", "viewer": "zhao-chakan"}
NAV = {  # the navigation links each role sees (and, by their absence, what it may not do)
    "admin": {"#nav-upload": True, "#nav-review": True, 'a[href="/admin/users"]': True},
    "reviewer": {"#nav-upload": True, "#nav-review": True, 'a[href="/admin/users"]': False},
    "viewer": {"#nav-upload": False, "#nav-review": False, 'a[href="/admin/users"]': False},
}


@dataclass
class Demo:
    """A live server with the page-test reports loaded."""

    url: str
    loaded: Loaded
    svc: object


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """A real uvicorn server over the page-test reports, one account per role (no worker: nothing is uploaded)."""
    folder = tmp_path_factory.mktemp("pages")
    app = create_app(settings_for(folder / "data", start_worker=False))
    with serve(app) as url:
        svc = app.state.svc
        for role, name in ACCOUNTS.items():
            ensure_user(svc, name, PASSWORD, role)
        yield Demo(url, populate(svc, folder / "files"), svc)


def _page_as(browser: object, demo: Demo, role: str) -> object:
    page = browser.new_page()  # type: ignore[attr-defined]
    _login(page, demo.url, ACCOUNTS[role])
    return page


@pytest.mark.parametrize("role", ["admin", "reviewer", "viewer"])
def test_every_page_as_each_role(browser: object, demo: Demo, role: str) -> None:
    page = _page_as(browser, demo, role)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))  # type: ignore[attr-defined]
    for selector, shown in NAV[role].items():
        assert (page.locator(selector).count() == 1) is shown, (role, selector)  # type: ignore[attr-defined]
    for name, url in pages(demo.loaded).items():
        response = page.goto(demo.url + url)  # type: ignore[attr-defined]
        expected = 404 if name == "not-found" else 403 if name in FORBIDDEN[role] else 200
        assert response is not None and response.status == expected, (role, name)
        heading = page.locator("main h1").first.inner_text()  # type: ignore[attr-defined]
        assert heading.strip(), (role, name)
        if expected == 403:
            assert "无权操作" in heading
        # Every image on the page (PDF pages) loads, those below the fold too.
        wait_for_images(page)
        broken = page.evaluate("[...document.images].filter(i => i.naturalWidth === 0).length")  # type: ignore[attr-defined]
        assert broken == 0, (role, name)
    assert errors == []
    page.close()  # type: ignore[attr-defined]


def test_report_page_collapses_passing_checks_and_shows_the_failing_ones(browser: object, demo: Demo) -> None:
    page = _page_as(browser, demo, "viewer")
    page.goto(f"{demo.url}/reports/{demo.loaded.id('blanks-broken-2024.pdf')}")  # type: ignore[attr-defined]
    failing = page.locator("#failing-checks .finding.fail")  # type: ignore[attr-defined]
    assert failing.count() >= 1 and failing.first.is_visible()
    assert page.locator("#failing-checks .evidence").first.is_visible()  # type: ignore[attr-defined]
    passed = page.locator("#passed-checks")  # type: ignore[attr-defined]
    assert passed.get_attribute("open") is None
    assert not page.locator("#passed-checks .finding").first.is_visible()  # type: ignore[attr-defined]
    page.click("#passed-checks > summary")  # type: ignore[attr-defined]
    assert page.locator("#passed-checks .finding").first.is_visible()  # type: ignore[attr-defined]
    page.goto(f"{demo.url}/reports/{demo.loaded.id('linjiang-district-2023.pdf')}")  # type: ignore[attr-defined]
    image = page.locator("img.page-image").first  # type: ignore[attr-defined]
    image.scroll_into_view_if_needed()
    page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")  # type: ignore[attr-defined]
    assert image.evaluate("i => i.naturalWidth") > 500
    page.close()  # type: ignore[attr-defined]


def test_compare_by_choice(browser: object, demo: Demo) -> None:
    later, earlier = demo.loaded.id("missing-sections-2023.txt"), demo.loaded.id("yunling-2021.txt")
    page = _page_as(browser, demo, "viewer")
    page.goto(f"{demo.url}/compare")  # type: ignore[attr-defined]
    page.select_option("#pick-a", str(later))  # type: ignore[attr-defined]
    page.click("#compare-submit")  # type: ignore[attr-defined]
    page.wait_for_url(f"{demo.url}/compare?a={later}&b=")  # type: ignore[attr-defined]
    suggested = page.locator("#suggested option")  # type: ignore[attr-defined]
    assert suggested.count() >= 1 and suggested.first.get_attribute("value") == str(earlier)
    page.select_option("#pick-b", str(earlier))  # type: ignore[attr-defined]
    page.click("#compare-submit")  # type: ignore[attr-defined]
    page.wait_for_url(f"{demo.url}/compare?a={later}&b={earlier}")  # type: ignore[attr-defined]
    ratio = page.locator("#reuse-ratio").inner_text()  # type: ignore[attr-defined]
    assert int(ratio.rstrip("%")) >= 80
    columns = page.locator(".side-by-side h2 a").all_inner_texts()  # type: ignore[attr-defined]
    assert columns == ["2021 年度", "2022 年度"]
    page.goto(f"{demo.url}/reports/{later}")  # type: ignore[attr-defined]
    page.click("#compare-previous")  # type: ignore[attr-defined]
    page.wait_for_url(f"{demo.url}/compare?a={later}&b={earlier}")  # type: ignore[attr-defined]
    assert page.locator(".side-by-side h2 a").all_inner_texts() == ["2021 年度", "2022 年度"]  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]


def test_a_reviewer_sets_a_missing_year_and_a_viewer_cannot(browser: object, demo: Demo) -> None:
    undated = demo.loaded.id("yunling-undated.txt")
    viewer = _page_as(browser, demo, "viewer")
    viewer.goto(f"{demo.url}/reports/{undated}")  # type: ignore[attr-defined]
    assert "年度未知" in viewer.locator("#report-year").inner_text()  # type: ignore[attr-defined]
    assert viewer.locator("form.set-year").count() == 0  # type: ignore[attr-defined]
    viewer.close()  # type: ignore[attr-defined]
    page = _page_as(browser, demo, "reviewer")
    try:
        page.goto(f"{demo.url}/reports/{undated}")  # type: ignore[attr-defined]
        page.fill("form.set-year input[name=year]", "2021")  # type: ignore[attr-defined]
        with page.expect_navigation():  # type: ignore[attr-defined]
            page.click("#set-year-submit")  # type: ignore[attr-defined]
        assert "2021 年度" in page.locator("#report-year").inner_text()  # type: ignore[attr-defined]
        page.click("#compare-choose")  # type: ignore[attr-defined]
        page.wait_for_url(f"{demo.url}/compare?a={undated}")  # type: ignore[attr-defined]
        assert page.locator("#pick-a option[selected]").get_attribute("value") == str(undated)  # type: ignore[attr-defined]
    finally:
        page.close()  # type: ignore[attr-defined]
        with demo.svc.sessions() as db:  # type: ignore[attr-defined]
            db.get(ReportRow, undated).year = None
            db.commit()
