"""Uploads and jobs: refused files are named beside the accepted ones, a finished job says what became of its
document, times are Beijing time in Chinese, the 403 page names the role in Chinese, and there is a favicon."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse

from service.web.display import local_time
from tests.fixtures.reportgen import to_html
from tests.service import web_fixtures
from tests.service.test_web_not_ranked import blank_template
from tests.service.web_fixtures import FIXTURES, SAMPLES, Site, csrf_of, login

sqlite_site = web_fixtures.sqlite_site  # the shared fixture, under its own name for pytest


def _old_word() -> bytes:
    """An old binary Word file (OLE container): a format we do not read, refused at upload."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8


def _report_text(i: int) -> bytes:
    return ((SAMPLES / "missing-sections-2023.txt").read_text(encoding="utf-8") + f"\n（编号 {i}）\n").encode()


def _wait_finished(site: Site, url: str, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        html = site.client.get(url).text
        if 'id="jobs-finished"' in html:
            return html
        time.sleep(0.1)
    raise AssertionError("jobs did not finish")


def _rows(html: str, table: str) -> list[str]:
    body = re.search(rf'<table class="list" id="{table}">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert body, f"no {table}"
    return re.findall(r"<tr.*?</tr>", body.group(1), re.S)


def test_five_files_two_refused_shows_three_jobs_and_both_refusals(sqlite_site: Site) -> None:
    token = login(sqlite_site.client, "reviewer")
    files = [("files", (f"report-{i}.txt", _report_text(i), "text/plain")) for i in range(3)]
    files += [("files", ("empty.txt", b"", "text/plain")), ("files", ("minutes.doc", _old_word(), "application/msword"))]
    response = sqlite_site.client.post("/upload", files=files, data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    target = response.headers["location"]
    assert len(parse_qs(urlparse(target).query)["ids"][0].split(",")) == 3
    html = _wait_finished(sqlite_site, target)
    assert len(_rows(html, "jobs-table")) == 3
    refused = _rows(html, "rejected-table")
    assert len(refused) == 2
    reasons = {re.search(r"<td>([^<]+)</td>", row).group(1): row for row in refused}
    assert "空文件：文件没有内容。" in reasons["empty.txt"]
    assert "旧版 Word 格式" in reasons["minutes.doc"] and "另存为 .docx 或 PDF" in reasons["minutes.doc"]
    assert "共 2 个" in html
    # A forged list of refusals is not shown.
    forged = target.split("refused=")[0] + "refused=" + "x" * 40
    assert "rejected-table" not in sqlite_site.client.get(forged).text


def test_finished_jobs_name_their_documents_outcome(sqlite_site: Site) -> None:
    token = login(sqlite_site.client, "reviewer")
    files = [("files", ("blank-template.html", to_html(blank_template()).encode(), "text/html")),
             ("files", ("article.txt", (FIXTURES / "article.txt").read_bytes(), "text/plain")),
             ("files", ("good.txt", _report_text(99), "text/plain"))]
    response = sqlite_site.client.post("/upload", files=files, data={"csrf_token": token}, follow_redirects=False)
    html = _wait_finished(sqlite_site, response.headers["location"])
    rows = {re.search(r"<td>\d+</td><td>([^<]+)</td>", r).group(1): r for r in _rows(html, "jobs-table")}
    for name in ("blank-template.html", "article.txt"):
        assert 'data-outcome="failed"' in rows[name] and "不是年度报告" in rows[name], rows[name]
        assert "已完成" not in rows[name]
    assert "不是年度报告<span class=\"detail\">：只有标题和空白表格" in rows["blank-template.html"]
    assert "已完成" in rows["good.txt"] and 'data-outcome="done"' in rows["good.txt"]
    # Submission times in Beijing time, in Chinese; no ISO timestamps.
    assert all(re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", r) for r in rows.values())
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d", html)


def test_local_time_is_beijing_time_in_chinese() -> None:
    assert local_time(datetime(2026, 12, 5, 17, 30, tzinfo=UTC)) == "2026年12月6日 01:30"
    assert local_time(datetime(2026, 12, 5, 17, 30)) == "2026年12月6日 01:30"  # naive: UTC, as SQLite returns
    assert local_time("2024-01-31T08:05:09+00:00", seconds=True) == "2024年1月31日 16:05:09"
    assert local_time(None) == "—"


def test_the_403_page_names_the_role_in_chinese(sqlite_site: Site) -> None:
    login(sqlite_site.client, "viewer")
    page = sqlite_site.client.get("/upload")
    assert page.status_code == 403
    assert "需要“评审员”或更高权限" in page.text and "reviewer" not in page.text.split("<main>")[1]


def test_favicon_is_served_without_login(sqlite_site: Site) -> None:
    sqlite_site.client.cookies.clear()
    icon = sqlite_site.client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.content.startswith(b"<svg")
    login(sqlite_site.client, "viewer")
    assert 'rel="icon" href="/static/favicon.svg"' in sqlite_site.client.get("/reports").text
    assert csrf_of(sqlite_site.client.get("/reports").text)


def test_error_pages_speak_chinese(sqlite_site: Site) -> None:
    login(sqlite_site.client, "viewer")
    missing = sqlite_site.client.get("/nowhere")
    assert missing.status_code == 404 and "页面不存在（404）" in missing.text and "Not Found" not in missing.text
    bad = sqlite_site.client.get("/rankings?page=0")
    assert bad.status_code == 422 and "text/html" in bad.headers["content-type"]
    assert "请求参数有误（422）" in bad.text and "网址参数 page 的值不合要求" in bad.text
    api = sqlite_site.client.get("/api/rankings?page=0", headers=sqlite_site.auth("viewer"))
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == ["query", "page"]
