"""Documents that are not reports (a blank template) or could not be read are listed apart, never ranked."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from nlp.pipeline import parse_bytes
from service.web.models import ReportRow
from service.web.rankcache import CACHE
from tests.fixtures.reportgen import make_report, to_docx, to_html
from tests.service.web_fixtures import Site, login, open_site, settings_for

CORPUS_TEMPLATE = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "docx" / "blank-template-2021.docx"


def _blank(table: dict[str, Any]) -> dict[str, Any]:
    return {k: _blank(v) if isinstance(v, dict) else None for k, v in table.items()}


def blank_template() -> Any:
    """Our own unfilled template: the title, the six headings and the tables' labels, every cell empty."""
    r = make_report(3, "v2021", 2023)
    return dataclasses.replace(r, preamble="", closing=(), sections={k: (h, []) for k, (h, _) in r.sections.items()},
                               table2=_blank(r.table2), table3=_blank(r.table3), table4=_blank(r.table4))


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_a_blank_template_is_not_a_report(fmt: str, tmp_path: Path) -> None:
    template = blank_template()
    data = to_html(template).encode() if fmt == "html" else to_docx(template, tmp_path / "t.docx").read_bytes()
    report = parse_bytes(data, f"blank.{fmt}")
    assert report.tables.found and all(c.value is None for c in report.tables.cells)
    assert report.status == "failed"
    assert [e.code for e in report.errors if e.severity == "error"] == ["not_a_report"]


def test_a_filled_report_with_blank_tables_is_still_a_report() -> None:
    # Written sentences make it a report, however empty its tables: the rules then judge the blanks.
    r = make_report(3, "v2021", 2023)
    filled = dataclasses.replace(r, table2=_blank(r.table2), table3=_blank(r.table3), table4=_blank(r.table4))
    assert parse_bytes(to_html(filled).encode(), "blank-tables.html").status != "failed"


@pytest.mark.skipif(not CORPUS_TEMPLATE.exists(), reason="../shared/corpus is absent")
def test_the_official_blank_word_template_is_not_a_report() -> None:
    report = parse_bytes(CORPUS_TEMPLATE.read_bytes(), CORPUS_TEMPLATE.name)
    assert report.status == "failed" and report.errors[-1].code == "not_a_report"


# ------------------------------------------------------------------ the service: ranked apart, ties, group_by

def report_row(i: int, score: float, status: str = "ok", province: str = "江苏省", level: str = "county",
         year: int = 2024, errors: int = 0, error_code: str | None = None) -> dict[str, Any]:
    """A reports-table row as the service stores it (its body only as much as the rankings read)."""
    body = {"status": status, "errors": [{"code": error_code, "message": "…", "severity": "error"}] if error_code else []}
    return {"sha256": f"{i:064x}", "filename": f"r{i}.txt", "format": "text", "status": status, "title": None,
            "agency": f"{province}第{i}县人民政府", "region": None, "province": province, "city": "未知",
            "level": level, "year": year, "template": "v2021", "score": score, "errors": errors, "warnings": 0,
            "rubric": "r", "model_version": None, "body": json.dumps(body, ensure_ascii=False)}


def _store(site: Site, rows: list[dict[str, Any]]) -> None:
    with site.svc.sessions() as db:
        db.execute(insert(ReportRow), rows)
        db.commit()


@pytest.fixture(scope="module")
def ranked_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Two reports tied at 100, one at 90 in another province and year, and three that must not be ranked."""
    for site in open_site(settings_for(tmp_path_factory.mktemp("ranked"))):
        _store(site, [
            report_row(1, 100.0), report_row(2, 100.0), report_row(3, 90.0, province="浙江省", level="city", year=2023),
            report_row(4, 0.0, "failed", error_code="not_a_report"), report_row(5, 0.0, "failed", error_code="encrypted"),
            report_row(6, 71.5, "needs_review"),
        ])
        yield site


def test_the_api_ranks_only_reports_read_whole_and_ties_share_a_rank(ranked_site: Site) -> None:
    body = ranked_site.client.get("/api/rankings", headers=ranked_site.auth("viewer")).json()
    assert [(r["id"], r["rank"]) for r in body["items"]] == [(1, 1), (2, 1), (3, 3)]
    assert body["total"] == 3
    apart = {r["id"]: (r["status_name"], r["reason"]) for r in body["unranked"]["items"]}
    assert body["unranked"]["total"] == 3
    assert apart == {4: ("读取失败", "不是年度报告"), 5: ("读取失败", "文件已加密"), 6: ("需人工复核", "表格未能读取")}
    grouped = ranked_site.client.get("/api/rankings?group_by=province&group_by=year",
                                     headers=ranked_site.auth("viewer")).json()
    assert grouped["group_by"] == ["province", "year"]
    assert {r["id"]: (r["group"]["province"], r["rank"], r["group_size"]) for r in grouped["items"]} == {
        1: ("江苏省", 1, 2), 2: ("江苏省", 1, 2), 3: ("浙江省", 1, 1)}


def test_the_page_ranks_apart_honours_group_by_and_charts_leave_failures_out(ranked_site: Site) -> None:
    login(ranked_site.client, "viewer")
    html = ranked_site.client.get("/rankings?group_by=province&group_by=year").text
    ranked = re.findall(r'<tr data-id="(\d+)"><td class="num rank">(\d+)</td>',
                        html.split('id="unranked"')[0])
    assert sorted(ranked) == [("1", "1"), ("2", "1"), ("3", "1")]
    assert "江苏省 · 2024" in html and "浙江省 · 2023" in html
    assert re.search(r'name="group_by" value="province" checked', html)
    assert re.search(r'name="group_by" value="year" checked', html)
    assert not re.search(r'name="group_by" value="city" checked', html)
    unranked = html.split('id="unranked-table"')[1]
    assert unranked.count("<tr data-id=") == 3 and "不是年度报告" in unranked and "文件已加密" in unranked
    # The histogram counts the three ranked reports only; the level means ignore the 0.0 of failed ones.
    histogram = html.split('id="chart-histogram"')[1].split("</svg>")[0]
    assert re.findall(r"分：(\d+) 份", histogram) == ["0"] * 9 + ["3"]
    assert "县级：平均 100.0 分，2 份" in html and "市级：平均 90.0 分，1 份" in html
    # Older links with `group=` still group.
    assert "市级" in ranked_site.client.get("/rankings?group=level").text.split('id="rankings-table"')[1]


def test_a_new_report_invalidates_the_cached_ranking(ranked_site: Site) -> None:
    viewer = ranked_site.auth("viewer")
    before = ranked_site.client.get("/api/rankings", headers=viewer).json()
    hits = CACHE.hits
    assert ranked_site.client.get("/api/rankings", headers=viewer).json() == before
    assert CACHE.hits > hits  # the second request was answered from the cache
    _store(ranked_site, [report_row(7, 100.0, errors=0), report_row(8, 99.0, "failed", error_code="no_text_layer")])
    after = ranked_site.client.get("/api/rankings", headers=viewer).json()
    assert [(r["id"], r["rank"]) for r in after["items"]] == [(1, 1), (2, 1), (7, 1), (3, 4)]
    assert after["unranked"]["total"] == 4
