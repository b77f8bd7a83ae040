"""Every page of the web UI, as admin, reviewer and viewer: it opens (or says 无权操作), and no page shows a raw
internal code (a status, level, role, reason, rule, section or table key, English enum or ISO timestamp) where a
person reads it."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy import select

from eval.scoring import load_rubric
from nlp.labels import (
    JOB_STATUS_NAMES,
    LEVEL_NAMES,
    MODEL_DECISION_NAMES,
    NO_MODEL_NAME,
    REASON_NAMES,
    SECTION_NAMES,
    SEVERITY_NAMES,
    STATUS_NAMES,
    TABLE2_BLOCK_NAMES,
    TABLE_TITLES,
    TEMPLATE_NAMES,
    TOPIC_NAMES,
)
from nlp.vocabulary import LABEL_SETS
from service.web import ui_docs
from service.web.auth import CSRF_COOKIE
from service.web.bootstrap import ensure_user
from service.web.models import ReportRow, User
from service.web.reportview import topic_colours
from tests.service.web_fixtures import PASSWORD, ROLES, Site, login, open_site, settings_for
from tests.service.web_pages_data import FORBIDDEN, Loaded, pages, populate

# Codes people must never read as they are: every key of the display labels, roles, and the rubric's rule ids.
CODES = frozenset(
    {*STATUS_NAMES, *JOB_STATUS_NAMES, *LEVEL_NAMES, *REASON_NAMES, *SEVERITY_NAMES, *MODEL_DECISION_NAMES,
     *SECTION_NAMES, *TABLE_TITLES, *TABLE2_BLOCK_NAMES, *TEMPLATE_NAMES, *TOPIC_NAMES, *ROLES,
     "None", "null", "True", "False", "nan", "pending", "active"}
)
RULES = frozenset(load_rubric().rules)
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
# A token of the text: letters, digits and the joiners codes use; a file name or path stays one token.
_TOKEN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-./]*")


class _Visible(HTMLParser):
    """The text a person reads on a page: text nodes outside script, style and code, and button labels."""

    HIDDEN = frozenset({"script", "style", "code", "pre", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1
        values = dict(attrs)
        # Placeholders and submit buttons' values are read like text.
        for name in ("placeholder", "aria-label"):
            if values.get(name):
                self.parts.append(values[name] or "")
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    """The visible text of an HTML page, one space between parts."""
    parser = _Visible()
    parser.feed(page)
    return html.unescape(" ".join(p.strip() for p in parser.parts if p.strip()))


def raw_codes(page: str, names: frozenset[str] = frozenset()) -> list[str]:
    """Internal codes and ISO timestamps in a page's visible text (`names`: account names, which are data)."""
    text = visible_text(page)
    found = [t for t in _TOKEN.findall(text) if (t in CODES or t in RULES) and t not in names]
    return found + _ISO_TIME.findall(text)


def test_raw_codes_are_found_in_visible_text_only() -> None:
    page = ('<p>状态：failed，层级 county，规则 T3-R1，2024-01-05T10:00</p><code>status=failed</code>'
            '<p title="done">chenghu-city-2020.html 已完成</p><script>var s = "running";</script>')
    assert raw_codes(page) == ["failed", "county", "T3-R1", "2024-01-05T10:00"]


# Accounts whose names are not role codes, so that a page showing its user's name is not taken for a raw role.
ACCOUNTS = {"admin": "wang-admin", "reviewer": "li-shenhe", "viewer": "zhao-chakan"}
PAGES = (
    "reports", "reports-filtered", "report-pdf", "report-clean-pdf", "report-html", "report-text", "report-undated",
    "report-failed", "rankings", "compare-pickers", "compare-one-chosen", "compare-years", "compare-undated", "upload",
    "jobs", "review", "agreement", "models", "account", "users", "docs", "not-found",
)


@dataclass
class Crawl:
    """A site with the page-test reports loaded and one logged-in client cookie jar per role."""

    site: Site
    loaded: Loaded
    cookies: dict[str, dict[str, str]]
    usernames: frozenset[str]

    def get(self, role: str, url: str) -> Any:
        """GET a page as a role ("": logged out)."""
        client = self.site.client
        client.cookies.clear()
        for name, value in (self.cookies.get(role) or {}).items():
            client.cookies.set(name, value)
        return client.get(url)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawl]:
    folder = tmp_path_factory.mktemp("pages")
    for site in open_site(settings_for(folder / "data", start_worker=False)):
        loaded = populate(site.svc, folder / "files")
        cookies = {}
        for role, name in ACCOUNTS.items():
            ensure_user(site.svc, name, PASSWORD, role)
            login(site.client, name)
            cookies[role] = dict(site.client.cookies.items())
        with site.svc.sessions() as db:
            usernames = frozenset(db.scalars(select(User.username)))
        yield Crawl(site, loaded, cookies, usernames)


def test_every_page_is_listed(crawl: Crawl) -> None:
    assert set(PAGES) == set(pages(crawl.loaded))


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_no_raw_codes(crawl: Crawl, role: str, name: str) -> None:
    response = crawl.get(role, pages(crawl.loaded)[name])
    expected = 404 if name == "not-found" else 403 if name in FORBIDDEN[role] else 200
    assert response.status_code == expected
    assert raw_codes(response.text, crawl.usernames) == []


def test_no_raw_codes_logged_out(crawl: Crawl) -> None:
    assert raw_codes(crawl.get("", "/login").text) == []


def _report(crawl: Crawl, name: str, role: str = "viewer") -> str:
    return crawl.get(role, pages(crawl.loaded)[name]).text


def test_report_page_shows_failing_checks_inline_and_collapses_passing_ones(crawl: Crawl) -> None:
    page = _report(crawl, "report-pdf")
    failing = page[page.index('id="failing-checks"') : page.index('id="passed-checks"')]
    assert failing.count('class="finding sev-error fail"') >= 1 and 'class="evidence"' in failing
    passed = re.search(r'<details class="checks" id="passed-checks"><summary>通过的检查 (\d+) 项</summary>', page)
    assert passed and int(passed.group(1)) >= 20
    assert page.count('class="finding sev-') - failing.count('class="finding sev-') >= int(passed.group(1))


def test_report_page_names_table_two_blocks_without_internal_ids(crawl: Crawl) -> None:
    page = _report(crawl, "report-pdf")
    assert "第二十条第（一）项" in page and "（art20_1）" not in page


def test_a_pdf_page_is_shown_when_no_cell_failed(crawl: Crawl) -> None:
    page = _report(crawl, "report-clean-pdf")
    assert 'id="failing-checks"' not in page or 'class="page-image"' in page
    assert re.search(r'<img class="page-image" src="/reports/\d+/pages/\d+\.png\?"', page)
    assert "没有未通过检查的单元格" in page


def test_section_heading_is_shown_once(crawl: Crawl) -> None:
    page = _report(crawl, "report-text")
    sections = page[page.index('<section id="sections">') :]
    assert sections.count("一、总体情况") == 1


def test_previous_year_button_links_the_same_body(crawl: Crawl) -> None:
    later, earlier = crawl.loaded.id("missing-sections-2023.txt"), crawl.loaded.id("yunling-2021.txt")
    assert re.search(rf'<a class="button" id="compare-previous" href="/compare\?a={later}&b={earlier}">与上年对比',
                     _report(crawl, "report-text"))
    assert 'id="compare-previous"' not in crawl.get("viewer", f"/reports/{earlier}").text


def test_compare_without_parameters_shows_the_pickers(crawl: Crawl) -> None:
    response = crawl.get("viewer", "/compare")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert '<select name="a" id="pick-a">' in response.text and '<select name="b" id="pick-b">' in response.text


def test_compare_picker_suggests_the_same_body_first(crawl: Crawl) -> None:
    later, earlier = crawl.loaded.id("missing-sections-2023.txt"), crawl.loaded.id("yunling-2021.txt")
    page = crawl.get("viewer", f"/compare?a={later}").text
    suggested = page[page.index('id="suggested"') : page.index("</optgroup>", page.index('id="suggested"'))]
    assert f'value="{earlier}"' in suggested
    assert f'value="{crawl.loaded.id("linjiang-district-2023.pdf")}"' not in suggested


@pytest.mark.parametrize("order", ["later-first", "earlier-first"])
def test_reuse_is_measured_from_the_older_year_to_the_newer(crawl: Crawl, order: str) -> None:
    later, earlier = crawl.loaded.id("missing-sections-2023.txt"), crawl.loaded.id("yunling-2021.txt")
    a, b = (later, earlier) if order == "later-first" else (earlier, later)
    page = crawl.get("viewer", f"/compare?a={a}&b={b}").text
    assert page.index(f'href="/reports/{earlier}">2021 年度') < page.index(f'href="/reports/{later}">2022 年度')
    assert "2022 年度报告沿用 2021 年度报告的文字约占" in page


def test_a_report_without_a_year_says_so_and_a_reviewer_sets_it(crawl: Crawl) -> None:
    later, undated = crawl.loaded.id("missing-sections-2023.txt"), crawl.loaded.id("yunling-undated.txt")
    url = f"/compare?a={later}&b={undated}"
    viewer = crawl.get("viewer", url).text
    assert "年度未知" in viewer and 'id="reuse-ratio"' not in viewer and 'action="/reports/' not in viewer
    assert "年度未知" in crawl.get("viewer", f"/reports/{undated}").text
    reviewer = crawl.get("reviewer", url).text
    assert f'action="/reports/{undated}/year"' in reviewer
    client = crawl.site.client
    token = client.cookies.get(CSRF_COOKIE)
    try:
        response = client.post(f"/reports/{undated}/year", data={"year": "2021", "back": url, "csrf_token": token},
                               follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == url
        after = client.get(url).text
        assert 'id="reuse-ratio"' in after and "2022 年度报告沿用 2021 年度报告" in after
        assert "评审员设置" in client.get(f"/reports/{undated}").text
        refused = crawl.get("viewer", "/compare")
        assert crawl.site.client.post(f"/reports/{undated}/year", data={
            "year": "2020", "csrf_token": crawl.site.client.cookies.get(CSRF_COOKIE)}).status_code == 403
        assert refused.status_code == 200
    finally:
        with crawl.site.svc.sessions() as db:
            db.get(ReportRow, undated).year = None
            db.commit()


def test_every_api_operation_has_a_chinese_note(crawl: Crawl) -> None:
    schema = crawl.site.client.app.openapi()  # type: ignore[attr-defined]
    operations = ui_docs.operations(schema)
    assert len(operations) >= 30
    assert [(o["method"], o["path"]) for o in operations if not o["note"]] == []
    assert [name for o in operations for name, meaning in o["params"] if not meaning] == []
    page = crawl.get("viewer", "/docs").text
    main = page[page.index("<main>") : page.index("</main>")]
    # Outside code (paths, parameter names, the curl line), the page is Chinese but for names of formats.
    names = {"OpenAPI", "JSON", "CSV", "Parquet", "Lines", "Cohen", "kappa"}
    words = [w for w in re.findall(r"[A-Za-z]{4,}", visible_text(main)) if w not in names]
    assert "API 文档" in main and words == []


def test_every_topic_of_every_label_set_has_its_own_colour(crawl: Crawl) -> None:
    colours = topic_colours()
    for labels in LABEL_SETS.values():
        shown = [colours[label] for label in labels if label != "other"]
        assert all(shown) and len(set(shown)) == len(shown)
    page = _report(crawl, "report-text")
    assert all(f".topic-{label} {{ background: {colours[label]}; }}" in page for label in LABEL_SETS[2] if label != "other")


def test_compare_picker_form_with_one_report_chosen(crawl: Crawl) -> None:
    later = crawl.loaded.id("missing-sections-2023.txt")
    response = crawl.get("viewer", f"/compare?a={later}&b=")
    assert response.status_code == 200 and 'id="suggested"' in response.text
    assert crawl.get("viewer", "/compare?a=&b=").status_code == 200


def test_a_failed_document_shows_its_reason_and_no_score(crawl: Crawl) -> None:
    page = _report(crawl, "report-failed", role="reviewer")
    assert 'id="failed"' in page and "不是政府信息公开工作年度报告" in page
    assert 'id="score-total"' not in page and 'id="findings"' not in page and "set-year" not in page


def test_compare_marks_prose_not_headings(crawl: Crawl) -> None:
    later, earlier = crawl.loaded.id("missing-sections-2023.txt"), crawl.loaded.id("yunling-2021.txt")
    page = crawl.get("viewer", f"/compare?a={later}&b={earlier}").text
    # One heading per column, and no heading among the marked sentences.
    assert visible_text(page).count("一、总体情况") == 2
    assert not re.search(r'class="sentence[^"]*"[^>]*>\s*（[一二三四五]）', page)


# Pages the crawl reaches another way: the login form logged out, page images from the report pages, a training
# run's page only once a retraining has run (the review suite starts one).
NOT_CRAWLED = {"/login": "logged out, test_no_raw_codes_logged_out", "/reports/{report_id}/pages/{page}.png": "images",
               "/models/runs/{run_id}": "needs a retraining run"}


def test_the_crawl_reaches_every_page_of_the_app(crawl: Crawl) -> None:
    app = crawl.site.client.app  # type: ignore[attr-defined]
    urls = [url.split("?")[0] for url in pages(crawl.loaded).values()]
    # FastAPI keeps an included router whole (its routes under original_router); the app adds no prefixes.
    every = [r for entry in app.routes for r in getattr(getattr(entry, "original_router", None), "routes", [entry])]
    routes = [r for r in every if "GET" in (getattr(r, "methods", None) or ()) and not r.include_in_schema
              and r.path not in ("/", "/openapi.json", "/favicon.ico") and not r.path.startswith("/static")]
    missed = [r.path for r in routes if r.path not in NOT_CRAWLED and not any(r.path_regex.match(u) for u in urls)]
    assert len(routes) >= 15 and missed == []


def test_the_reports_list_gives_a_failed_document_no_score(crawl: Crawl) -> None:
    page = crawl.get("viewer", "/reports?per_page=100").text
    failed_id = crawl.loaded.id("shopping-list.txt")
    row = re.search(rf'<tr>\s*<td>{failed_id}</td>(.*?)</tr>', page, re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    assert cells[5] == "—" and "失败" in row.group(1)


def test_the_footer_names_the_missing_model_in_chinese(crawl: Crawl) -> None:
    assert crawl.site.svc.analyzer.classifier is None
    assert f"主题模型：{NO_MODEL_NAME}" in crawl.get("viewer", "/reports").text
