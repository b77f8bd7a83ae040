"""Text copied from a web page with no line breaks: sections found inline, flattened tables unreadable."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.scoring import evaluate
from nlp.ingest.extracted import Paragraph
from nlp.ingest.runon import split_run_on
from nlp.pipeline import parse_bytes, parse_file
from nlp.report import Report
from nlp.schema import SECTION_KEYS
from tests.conftest import FIXTURES, corpus_file


def _run_on(path: Path) -> bytes:
    """The fixture as a web page copy gives it: every line joined, table cells run together."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return "".join(line.strip().replace("\t", "") for line in lines).encode("utf-8")


@pytest.fixture(scope="module")
def run_on() -> Report:
    return parse_bytes(_run_on(FIXTURES / "v2021-complete.txt"), "run-on.txt")


def test_all_six_sections_are_found_inline(run_on: Report) -> None:
    assert [s.key for s in run_on.sections] == list(SECTION_KEYS)
    assert run_on.missing_sections == ()
    titles = [s.title for s in run_on.sections]
    assert titles[0] == "一、总体情况" and titles[1] == "二、主动公开政府信息情况"
    overall = run_on.section("s1_overall")
    assert overall is not None and [i.label for i in overall.items] == ["（一）", "（二）", "（三）", "（四）", "（五）"]


def test_title_agency_and_year_come_from_the_run_on_title(run_on: Report) -> None:
    meta = run_on.meta
    assert (meta.agency, meta.year, meta.period) == ("青川市临江区人民政府", 2023, ("2023-01-01", "2023-12-31"))


def test_flattened_tables_are_unreadable_not_missing(run_on: Report) -> None:
    assert run_on.status == "needs_review"
    assert [(u.table, u.reason) for u in run_on.tables.unreadable] == [
        ("table2", "flattened"), ("table3", "flattened"), ("table4", "flattened")]
    assert run_on.tables.cells == ()  # never split by guessing
    codes = [e.code for e in run_on.errors]
    assert "missing_table" not in codes and codes.count("table_unreadable") == 3
    assert "行政规范性文件145126" in run_on.tables.unreadable[0].message or "规章000" in run_on.tables.unreadable[0].message


def test_an_unreadable_table_costs_the_report_nothing(run_on: Report) -> None:
    scored = evaluate(run_on)
    tables = [f for f in scored.findings if f.rule == "OL-TABLES"]
    assert [f.passed for f in tables] == [None, None, None]
    assert not [f for f in scored.findings if f.rule.startswith(("OL-CELLS", "OL-BLANK", "T3-R", "T4-R"))
                and f.passed is False]


def test_a_preamble_listing_the_six_titles_is_not_an_outline() -> None:
    listing = ("本报告包括以下内容：一、总体情况；二、主动公开政府信息情况；三、收到和处理政府信息公开申请情况；"
               "四、政府信息公开行政复议、行政诉讼情况；五、存在的主要问题及改进情况；六、其他需要报告的事项。" * 3)
    paragraph = Paragraph(listing)
    assert split_run_on((paragraph,)) == (paragraph,)


def test_figures_in_prose_are_not_a_flattened_table() -> None:
    prose = ("二、主动公开政府信息情况本年度制发行政规范性文件14件，办理行政许可5985件，作出行政处罚469件，"
             "行政强制141件，收取行政事业性收费720.13万元。" * 4)
    report = parse_bytes(("一、总体情况" + "本年度工作稳步推进。" * 40 + prose
                          + "三、收到和处理政府信息公开申请情况本年度收到申请173件，办结155件。" * 2).encode(), "prose.txt")
    assert report.tables.unreadable == ()
    assert report.status == "ok"


def test_lined_documents_are_left_as_they_are() -> None:
    for name in ("v2021-complete.txt", "v2021-complete.html", "v2019-complete.txt"):
        report = parse_file(FIXTURES / name)
        assert report.status == "ok" and report.tables.unreadable == ()


def test_a_run_on_copy_of_a_real_report_finds_its_sections() -> None:
    report = parse_bytes(_run_on(corpus_file("text/shangjie-district-2019.pdf-copy.txt")), "shangjie-run-on.txt")
    assert [s.key for s in report.sections] == list(SECTION_KEYS)
    assert (report.meta.year, report.status) == (2019, "needs_review")
    assert [u.table for u in report.tables.unreadable] == ["table2", "table3", "table4"]
