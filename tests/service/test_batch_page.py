"""The batch's index.html and per-report pages: links, honest lists, failures in words, readable charts."""

from __future__ import annotations

import json
import re
from pathlib import Path

from eval.scoring import load_rubric
from nlp.labels import CODE_NAMES, LEVEL_NAMES, RULE_DESCRIPTIONS, RULE_NAMES, STATUS_NAMES
from nlp.report import Report
from nlp.serialize import report_to_json
from service.analyze import Document, Topics, analyze
from service.batch.html_page import render_index
from service.batch.outputs import rankings
from service.batch.report_page import write_report_pages
from service.batch.svg import box_plot, line_chart
from tests.conftest import FIXTURES

RUBRIC = load_rubric(None)


def _row(i: int, score: float | None, status: str = "ok", **extra: object) -> dict[str, object]:
    return {"path": f"/data/in/r{i:02d}.pdf", "sha256": f"{i:064x}", "status": status, "score": score,
            "province": "江南省", "agency": f"第{i}县人民政府", "year": 2023, "level": "county", **extra}


def _section(page: str, anchor: str) -> str:
    start = page.index(f'id="{anchor}"')
    end = page.find("<h2", start + 1)
    return page[start:end if end > 0 else None]


def test_few_reports_make_one_list_with_shared_places_and_relative_links() -> None:
    rows = [_row(1, 100.0), _row(2, 100.0), _row(3, 90.5, **{"fail_T3-R1": 1}),
            _row(4, None, "failed", error_code="not_a_report"), _row(5, None, "timeout", error_code="timeout")]
    page = render_index(rows, [], {"报告总数": 5})
    assert 'id="top"' not in page and 'id="bottom"' not in page
    ranked = _section(page, "ranked")
    assert "全部 3 份评分报告" in ranked
    places = re.findall(r'<tr><td class="num">(\d+)</td>', ranked)
    assert places == ["1", "1", "3"]  # a tie shares its place
    assert f'<a href="reports/{1:064x}.html">r01.pdf</a>' in ranked
    assert f'<a class="json" href="reports/{1:064x}.json">JSON</a>' in ranked
    assert "/data/in" not in page  # no absolute paths anywhere
    assert LEVEL_NAMES["county"] in ranked and "county" not in page
    # Failed files are named one by one with their Chinese reason, and are not in the ranked list.
    failures = _section(page, "failures")
    assert "r04.pdf" in failures and CODE_NAMES["not_a_report"] in failures and STATUS_NAMES["timeout"] in failures
    assert "r04.pdf" not in ranked and "not_a_report" not in page
    assert f'href="reports/{4:064x}.html"' in failures  # a failed document's page says why
    assert f"reports/{5:064x}" not in page  # a worker that timed out left no report to link to
    # The failed rules table names each rule and what it asks for.
    assert RULE_NAMES["T3-R1"] in page and RULE_DESCRIPTIONS["T3-R1"] in page and "T3-R1" not in page


def test_many_reports_split_into_top_and_bottom_without_overlap() -> None:
    rows = [_row(i, float(50 + i)) for i in range(25)]
    page = render_index(rows, [], {})
    top, bottom = _section(page, "top"), _section(page, "bottom")
    names = re.compile(r">(r\d\d\.pdf)</a>")
    assert len(names.findall(top)) == 10 and len(names.findall(bottom)) == 10
    assert not set(names.findall(top)) & set(names.findall(bottom))
    assert "r24.pdf" in top and "r00.pdf" in bottom


def test_empty_sections_say_what_is_missing_never_a_bare_none() -> None:
    page = render_index([], [], {})
    text = re.sub(r"<[^>]+>", "\n", page)
    assert not [line for line in text.splitlines() if line.strip() == "无"]
    assert "没有发现雷同的报告。" in page and "所有报告都已读取。" in page


def test_rankings_leave_out_documents_that_could_not_be_read() -> None:
    rows = [_row(1, 80.0), _row(2, 0.0, "failed", error_code="not_a_report"), _row(3, 70.0, "needs_review")]
    ranked = rankings(rows)
    assert [r["path"] for r in ranked] == ["/data/in/r01.pdf"]
    assert ranked[0]["rank"] == 1 and ranked[0]["size"] == 1


def test_years_are_placed_by_value_on_the_time_axis() -> None:
    svg = line_chart({"江南省": {2019: 80.0, 2020: 85.0, 2023: 90.0}}, "各省年度平均得分")
    xs = {int(y): float(x) for x, y in re.findall(r'<text x="([\d.]+)" y="\d+" text-anchor="middle" '
                                                   r'font-size="11">(\d{4})</text>', svg)}
    assert sorted(xs) == [2019, 2020, 2021, 2022, 2023]  # the gap years are on the axis too
    step = xs[2020] - xs[2019]
    assert abs((xs[2023] - xs[2020]) - 3 * step) < 0.2


def test_box_plot_caption_fits_inside_the_chart() -> None:
    svg = box_plot({"江南省": [97.5, 98.0, 99.25] * 41}, "各省得分分布")
    width = float(re.search(r'<svg[^>]* width="(\d+)"', svg).group(1))
    x, caption = re.search(r'<text x="([\d.]+)"[^>]*font-size="11">(n=\d+ 中位数 [\d.]+)</text>', svg).groups()
    # 11 px text: about 7 px a digit or sign, 11 px a Chinese character.
    needed = sum(11 if "\u4e00" <= ch <= "\u9fff" else 7 for ch in caption)
    assert float(x) + needed <= width, (caption, x, width)
    assert all(int(size) >= 11 for size in re.findall(r'font-size="(\d+)"', svg))


def _scored_into(reports: Path, fixture: str, sha: str) -> Report:
    """A fixture scored and stored as a batch stores it: reports/<sha>.json."""
    report = analyze(Document.of_path(FIXTURES / fixture), Topics.off(), rubric=RUBRIC)
    reports.mkdir(exist_ok=True)
    (reports / f"{sha}.json").write_text(report_to_json(report), encoding="utf-8")
    return report


def test_each_report_page_is_written_beside_its_json_in_words(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    report = _scored_into(reports, "v2021-blanks-broken.html", "abc")
    assert write_report_pages(reports, ["abc", "missing"], RUBRIC) == 1
    page = (reports / "abc.html").read_text(encoding="utf-8")
    failed = {f.rule for f in report.findings if f.passed is False and f.severity != "info"}
    assert failed and all(RULE_NAMES[rule] in page for rule in failed)
    assert not [rule for rule in failed if rule in page]
    assert 'href="abc.json"' in page and 'href="../index.html"' in page
    assert f"{report.score.total:.1f} / 100" in page
    assert write_report_pages(reports, ["abc"], RUBRIC) == 0  # up to date: not written again


def test_a_failed_report_page_gives_its_reason(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    report = _scored_into(reports, "empty.txt", "e")
    write_report_pages(reports, ["e"], RUBRIC)
    page = (reports / "e.html").read_text(encoding="utf-8")
    code = json.loads(report_to_json(report))["errors"][0]["code"]
    assert CODE_NAMES[code] in page and STATUS_NAMES["failed"] in page
    assert "得分：" not in page and "未通过的规则" not in page
