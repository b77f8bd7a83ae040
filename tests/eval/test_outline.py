"""Outline and completeness rules: sections, sub-items of 一, template version, table cells, blanks."""

from __future__ import annotations

from dataclasses import replace

from eval.outline import (
    accountability,
    blank_cells,
    cells_present,
    check_outline,
    legacy_other_row,
    overall_topics,
    section_order,
    sections_present,
    template_fit,
)
from nlp.report import NA
from nlp.schema import SECTION_BY_KEY
from tests.eval.builders import (
    DROP,
    S1_BODY,
    drop_table,
    legacy_other,
    set_cell,
    table3_cells,
    v2019_report,
    v2021_report,
    with_meta,
)
from tests.eval.helpers import failed_rules, failing, of_rule


def test_correct_report_outline_passes() -> None:
    findings = check_outline(v2021_report())
    assert all(f.passed is True for f in findings)
    assert {f.evidence["topic"] for f in of_rule(findings, "OL-S1-TOPICS")} == {
        "proactive", "on_request", "management", "platform", "oversight"}


def test_missing_section() -> None:
    report = v2021_report(drop_sections=("s4_review_litigation",))
    assert failed_rules(report) == {"OL-SECTIONS"}
    (finding,) = failing(sections_present(report), "OL-SECTIONS")
    assert finding.evidence["section"] == "s4_review_litigation"
    assert finding.message == f"缺少第四部分“{SECTION_BY_KEY['s4_review_litigation'].canonical}”"


def test_section_numbered_out_of_template_order() -> None:
    report = v2021_report(titles={"s2_proactive": "三、主动公开政府信息情况"})
    assert failed_rules(report) == {"OL-ORDER"}
    (finding,) = failing(section_order(report), "OL-ORDER")
    assert finding.severity == "warning"
    assert (finding.evidence["numeral"], finding.evidence["expected"]) == ("三", "二")


def test_sections_in_the_wrong_order() -> None:
    report = v2021_report()
    s = list(report.sections)
    s[1], s[2] = replace(s[1], key="s3_applications"), replace(s[2], key="s2_proactive")
    findings = section_order(replace(report, sections=tuple(s)))
    assert any(f.passed is False and f.severity == "error" for f in findings)


def test_overall_topic_missing() -> None:
    body = [line for line in S1_BODY if "平台" not in line and "网站" not in line]
    report = v2021_report(bodies={"s1_overall": body})
    assert failed_rules(report) == {"OL-S1-TOPICS"}
    (finding,) = failing(overall_topics(report), "OL-S1-TOPICS")
    assert finding.evidence["topic"] == "platform"


def test_overall_topic_in_text_without_sub_heading_passes() -> None:
    body = [line for line in S1_BODY if not line.startswith("（四）")]
    findings = overall_topics(v2021_report(bodies={"s1_overall": body}))
    (platform,) = [f for f in findings if f.evidence["topic"] == "platform"]
    assert platform.passed is True and "无单独小标题" in platform.message


def test_accountability_for_governments_only() -> None:
    body = [line.replace("，将政务公开纳入年度绩效考核", "") for line in S1_BODY]
    report = v2021_report(bodies={"s1_overall": body})
    assert failed_rules(report) == {"OL-S1-ACCOUNT"}
    assert accountability(with_meta(report, level="department")) == []


def test_template_does_not_fit_the_year() -> None:
    report = with_meta(v2021_report(), year=2020, template_expected="v2019", period=("2020-01-01", "2020-12-31"))
    assert failed_rules(report) == {"OL-TEMPLATE"}
    (finding,) = template_fit(report)
    assert finding.message == "2020年度报告应使用v2019格式，表格实为v2021格式"


def test_template_unknown_is_not_assessable() -> None:
    (finding,) = template_fit(with_meta(v2021_report(), template=None))
    assert finding.passed is None


def test_missing_table() -> None:
    report = drop_table(v2021_report(), "table4")
    assert failed_rules(report) == {"OL-TABLES"}


def test_missing_cell() -> None:
    report = set_cell(v2021_report(), "table2", "行政强制", "本年处理决定数量", DROP, "art20_6")
    assert failed_rules(report) == {"OL-CELLS"}
    (finding,) = failing(cells_present(report), "OL-CELLS")
    assert finding.evidence["table"] == "table2"
    assert [c["row"] for c in finding.evidence["missing"]] == ["行政强制"]


def test_missing_rows_are_named_as_rows() -> None:
    report = v2021_report()
    cells = tuple(c for c in report.tables.cells if c.row != "r3_6_2")
    (finding,) = failing(cells_present(replace(report, tables=replace(report.tables, cells=cells))), "OL-CELLS")
    assert "整行缺失" in finding.message and len(finding.evidence["missing"]) == 7


def test_legacy_other_row_is_a_warning_not_missing_cells() -> None:
    report = legacy_other(v2021_report())
    assert failed_rules(report) == {"OL-T3-LEGACY"}
    (finding,) = legacy_other_row(report)
    assert finding.severity == "warning" and finding.passed is False
    assert all(f.passed for f in cells_present(report))


def test_v2019_with_v2021_sub_rows_is_a_deviation() -> None:
    report = v2019_report()
    cells = tuple(c for c in report.tables.cells if c.table != "table3") + tuple(table3_cells("v2021"))
    report = replace(report, tables=replace(report.tables, cells=cells))
    assert failed_rules(report) == {"OL-T3-LEGACY"}


def test_blank_cells_listed_per_table() -> None:
    report = set_cell(set_cell(v2021_report(), "table4", "review", "other", None),
                      "table4", "lit_direct", "other", None)
    (finding,) = failing(blank_cells(report), "OL-BLANK")
    assert finding.evidence["count"] == 2 and finding.evidence["table"] == "table4"
    assert [c["row"] for c in finding.evidence["cells"]] == ["review", "lit_direct"]


def test_not_applicable_is_not_blank() -> None:
    report = set_cell(v2021_report(), "table4", "review", "other", NA)
    assert all(f.passed for f in blank_cells(report))
