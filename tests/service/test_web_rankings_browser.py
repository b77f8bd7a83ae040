"""The rankings and upload pages in Debian's Chromium: readable chart labels, aligned captions, ties, reports
listed apart, group_by kept across pages, refused files named beside the accepted ones, no 404 for the icon."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from service.web.app import create_app
from service.web.bootstrap import ensure_user
from service.web.models import ReportRow
from tests.service.browser_fixtures import chromium, login, needs_chromium, serve
from tests.service.test_web_not_ranked import report_row
from tests.service.web_fixtures import PASSWORD, SAMPLES, settings_for

pytest.importorskip("playwright.sync_api")
pytestmark = needs_chromium

PROVINCES = ("江苏省", "浙江省", "广东省", "新疆维吾尔自治区", "内蒙古自治区")
LEVELS = ("province", "city", "county", "department")
# Each chart text's drawn size in CSS pixels: its font size times the SVG's scale on screen.
_LABEL_SIZES = """() => [...document.querySelectorAll('svg.chart text')].map(
  t => parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a)"""
_CAPTIONS = """() => [...document.querySelectorAll('.charts figure')].map(f => [
  Math.round(f.getBoundingClientRect().top), Math.round(f.querySelector('figcaption').getBoundingClientRect().top)])"""


@pytest.fixture(scope="module")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live server holding 120 ranked reports (two tied at the top) and three that must not be ranked."""
    app = create_app(settings_for(tmp_path_factory.mktemp("live-rankings")))
    with serve(app) as url:
        svc = app.state.svc
        for role in ("reviewer", "viewer"):
            ensure_user(svc, role, PASSWORD, role)
        rows: list[dict[str, Any]] = [report_row(1, 100.0), report_row(2, 100.0)]
        rows += [report_row(i, 40.0 + (i * 7) % 59, province=PROVINCES[i % 5], level=LEVELS[i % 4], year=2020 + i % 5)
                 for i in range(3, 121)]
        rows += [report_row(200, 0.0, "failed", error_code="not_a_report"),
                 report_row(201, 0.0, "failed", error_code="encrypted"), report_row(202, 66.0, "needs_review")]
        with svc.sessions() as db:
            db.execute(insert(ReportRow), rows)
            db.commit()
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium."""
    with chromium() as instance:
        yield instance


def _page(browser: Any, base: str, user: str) -> Any:
    """A logged-in page at 1280 px that records every 404 it meets."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.missing = missing
    login(page, base, user)
    return page


def test_rankings_page_reads_well_and_ranks_only_reports_read_whole(browser: Any, live_url: str) -> None:
    page = _page(browser, live_url, "viewer")
    page.goto(f"{live_url}/rankings")
    sizes = page.evaluate(_LABEL_SIZES)
    assert len(sizes) > 20 and min(sizes) >= 11, sorted(sizes)[:5]
    rows: dict[int, list[int]] = {}
    for figure_top, caption_top in page.evaluate(_CAPTIONS):
        rows.setdefault(figure_top, []).append(caption_top)
    assert any(len(c) > 1 for c in rows.values()), "the charts should share a row at 1280 px"
    assert all(max(c) - min(c) <= 1 for c in rows.values()), rows
    ranks = page.locator("#rankings-table tbody td.rank").all_inner_texts()
    assert ranks[:3] == ["1", "1", "3"]
    assert page.locator("#rankings-table tbody tr").count() == 50
    apart = page.locator("#unranked-table tbody tr")
    assert apart.count() == 3
    assert "不是年度报告" in page.locator("#unranked-table").inner_text()
    # Grouping by the API's group_by, kept on the next page.
    page.check("input[name=group_by][value=province]")
    page.check("input[name=group_by][value=level]")
    page.click("#grouping-form button[type=submit]")
    page.wait_for_url("**group_by=province**")
    assert "group_by=level" in page.url
    first_group = page.locator("#rankings-table tbody tr").first.locator("td").nth(3).inner_text()
    assert " · " in first_group and any(first_group.startswith(p) for p in PROVINCES)
    assert not any(code in page.locator("#rankings-table").inner_text() for code in LEVELS)
    if page.locator("nav.pager a").count():
        page.locator("nav.pager a").last.click()
        assert "group_by=province" in page.url and "group_by=level" in page.url and "page=2" in page.url
        assert page.locator("input[type=checkbox][name=group_by][value=level]").is_checked()
    assert not page.missing, page.missing  # no 404, the favicon included
    page.close()


def test_upload_names_the_refused_files_beside_the_jobs(browser: Any, live_url: str, tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_bytes((SAMPLES / "missing-sections-2023.txt").read_bytes() + "\n（浏览器测试）\n".encode())
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    old = tmp_path / "minutes.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8)
    page = _page(browser, live_url, "reviewer")
    page.click("#nav-upload")
    page.set_input_files("#upload-files", [str(report), str(empty), str(old)])
    page.click("#upload-submit")
    page.wait_for_selector("#jobs-table")
    assert page.locator("#jobs-table tbody tr").count() == 1
    refused = page.locator("#rejected-table").inner_text()
    assert "empty.txt" in refused and "空文件" in refused and "minutes.doc" in refused and "旧版 Word 格式" in refused
    page.wait_for_selector("#jobs-finished", timeout=90_000)
    assert page.locator("#rejected-table tbody tr").count() == 2  # still there after reloads
    assert "已完成" in page.locator("#jobs-table").inner_text()
    page.close()
