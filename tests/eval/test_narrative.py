"""Narrative against tables (T3-N1, T4-N1, T2-N1), with the scope of the sentence's subject."""

from __future__ import annotations

import pytest

from eval.narrative import check_narrative, find_statements, relation, scope_of, subject_of
from nlp.report import Meta
from tests.eval.builders import S1_BODY, set_cell, v2019_report, v2021_report, with_meta
from tests.eval.helpers import failed_rules, failing, of_rule


def _s1(*extra: str, replace: tuple[str, str] | None = None) -> dict[str, list[str]]:
    body = list(S1_BODY)
    if replace:
        body = [line.replace(*replace) for line in body]
    return {"s1_overall": [*body, *extra]}


def test_correct_narrative_agrees_with_the_tables() -> None:
    findings = check_narrative(v2021_report())
    measures = {f.evidence.get("measure") or f.evidence["verb"] for f in findings}
    assert measures == {"received", "handled", "review", "litigation", "issue", "valid"}
    assert all(f.passed is True for f in findings)


def test_same_scope_mismatch_is_an_error_with_sentence_and_cell() -> None:
    report = v2021_report(bodies=_s1(replace=("申请24件", "申请25件")))
    assert failed_rules(report) == {"T3-N1"}
    (finding,) = failing(check_narrative(report), "T3-N1")
    assert finding.severity == "error"
    assert (finding.evidence["left"], finding.evidence["right"], finding.evidence["difference"]) == (25, 24, 1)
    assert finding.evidence["sentence"]["text"] == "全年收到政府信息公开申请25件，办结24件，均按期答复。"
    assert finding.evidence["sentence"]["section"] == "s1_overall"
    assert finding.evidence["cells"][0]["row"] == "r1_new"
    assert "相差1" in finding.message


def test_narrower_subject_is_a_scope_question() -> None:
    report = v2021_report(bodies=_s1("县政府办公室受理政府信息公开申请10件。"))
    (finding,) = failing(check_narrative(report), "T3-N1")
    assert finding.severity == "warning"
    assert finding.evidence["scope_relation"] == "narrower"
    assert finding.message.startswith("口径待核实")
    assert "县政府办公室" in finding.message


def test_wider_subject_in_a_department_report_is_a_scope_question() -> None:
    report = with_meta(v2021_report(bodies=_s1("全县共收到政府信息公开申请300件。")),
                       agency="示例县教育局", level="department")
    (finding,) = failing(check_narrative(report), "T3-N1")
    assert finding.severity == "warning" and finding.evidence["scope_relation"] == "wider"


def test_parts_that_add_up_to_the_table_are_pointed_out() -> None:
    report = v2021_report(bodies=_s1("县政府办公室受理政府信息公开申请10件，县政府各部门受理政府信息公开申请14件。"))
    failed = failing(check_narrative(report), "T3-N1")
    assert [f.evidence["subject"] for f in failed] == ["县政府办公室", "县政府各部门"]
    assert [f.evidence["subject_scope"] for f in failed] == ["office", "departments"]
    assert all(f.evidence["combined"]["sum"] == 24 for f in failed)


def test_parts_in_separate_sentences_add_up() -> None:
    report = v2021_report(bodies=_s1("县政府办公室受理政府信息公开申请10件。", "县政府各部门受理政府信息公开申请14件。"))
    failed = failing(check_narrative(report), "T3-N1")
    assert [f.evidence["stated"] for f in failed] == [10, 14]
    assert all(f.evidence["combined"]["sum"] == 24 for f in failed)
    assert "10+14=24" in failed[0].message


def test_sub_counts_are_not_totals() -> None:
    report = v2021_report(bodies=_s1(replace=("均按期答复", "其中接收网上申请6件")))
    assert [s.value for s in find_statements(report) if s.measure.key == "received"] == [24]


def test_result_classes_are_not_the_handled_total() -> None:
    report = v2021_report(bodies=_s1("在办结的申请中同意公开答复9件。"))
    assert [s.value for s in find_statements(report) if s.measure.key == "handled"] == [24]


def test_review_and_litigation_counts() -> None:
    report = v2021_report(bodies=_s1(replace=("行政复议4件", "行政复议5件")))
    assert failed_rules(report) == {"T4-N1"}
    (finding,) = failing(check_narrative(report), "T4-N1")
    assert finding.evidence["measure"] == "review" and finding.evidence["right"] == 4
    litigation = v2021_report(bodies=_s1(replace=("行政诉讼2件", "行政诉讼3件")))
    (finding,) = failing(check_narrative(litigation), "T4-N1")
    assert finding.evidence["measure"] == "litigation"
    assert [c["row"] for c in finding.evidence["cells"]] == ["lit_direct", "lit_after_review"]


def test_blank_cell_makes_the_comparison_not_assessable() -> None:
    report = set_cell(v2021_report(), "table4", "lit_after_review", "total", None)
    (finding,) = [f for f in of_rule(check_narrative(report), "T4-N1") if f.evidence["measure"] == "litigation"]
    assert finding.passed is None and "为空白" in finding.message


def test_document_counts_table2() -> None:
    report = v2021_report(bodies=_s1(replace=("制发行政规范性文件4件", "制发行政规范性文件5件")))
    assert failed_rules(report) == {"T2-N1"}
    (finding,) = failing(check_narrative(report), "T2-N1")
    assert finding.severity == "error"
    assert finding.evidence["cells"][0]["column"] == "本年制发件数"


def test_published_documents_are_a_softer_comparison() -> None:
    report = v2021_report(bodies=_s1("全年主动公开规章2件。"))
    (finding,) = failing(check_narrative(report), "T2-N1")
    assert finding.severity == "warning" and finding.evidence["verb"] == "publish"


def test_departments_documents_are_not_compared() -> None:
    report = v2021_report(bodies=_s1("全年制发部门规范性文件9件。"))
    assert failed_rules(report) == set()


def test_v2019_document_columns() -> None:
    findings = of_rule(check_narrative(v2019_report()), "T2-N1")
    assert [(f.evidence["cells"][0]["column"], f.passed) for f in findings] == [("本年新制作数量", True)]


@pytest.mark.parametrize(
    ("subject", "scope"),
    [("全区", "jurisdiction"), ("县政府办代表县政府", "office"), ("政府组成部门", "departments"),
     ("示例区人民政府及办公室", "office"), ("本机关", "self"), ("市政府", "government"), ("", "none")],
)
def test_subject_scopes(subject: str, scope: str) -> None:
    assert scope_of(subject) == scope


def test_subject_strips_dates() -> None:
    assert subject_of("2022年，县政府办代表县政府") == "县政府办代表县政府"
    assert subject_of("2020年示例区人民政府及办公室共") == "示例区人民政府及办公室"


def test_relations() -> None:
    county = Meta(agency="示例县人民政府", level="county")
    office = Meta(agency="示例市人民政府办公室", level="department")
    assert relation("jurisdiction", county) == "same"
    assert relation("office", county) == "narrower"
    assert relation("office", office) == "same"
    assert relation("jurisdiction", office) == "wider"
    assert relation("government", Meta()) == "unknown"


def test_figures_are_read_by_the_token_matcher_with_spaces_and_case_units() -> None:
    report = v2021_report(bodies=_s1(replace=("申请24件，办结24件", "申请 24 件，办结24件"))
                          | {"s4_review_litigation": ["本年度行政复议4起，无行政诉讼。"]})
    stated = {(s.measure.key, s.value, report.text[s.start : s.end]) for s in find_statements(report)}
    assert ("received", 24, "收到政府信息公开申请 24 件") in stated
    assert ("review", 4, "行政复议4起") in stated
    assert all(f.passed is True for f in check_narrative(report) if f.rule in ("T3-N1", "T4-N1"))


def test_a_figure_in_other_units_or_past_another_number_is_not_a_statement() -> None:
    # 件次 is not 件, and a gap that holds another number does not reach the figure.
    report = v2021_report(bodies=_s1(replace=("申请24件", "申请24件次")) | {
        "s3_applications": ["收到申请人2021年提交的材料5件。"],
    })
    keys = [(s.measure.key, s.value) for s in find_statements(report)]
    assert ("received", 24) not in keys and ("received", 5) not in keys
    assert ("handled", 24) in keys
