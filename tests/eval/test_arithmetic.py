"""Arithmetic rules: each single-cell mutation of a correct report fires exactly its rule."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from eval.arithmetic import check_arithmetic, other_rows, t2_r1, t3_r1, t3_r2, t3_r3, t3_r4, t4_sums
from nlp.report import NA, Report
from tests.eval.builders import (
    DROP,
    drop_table,
    legacy_other,
    set_cell,
    set_cells,
    v2019_report,
    v2021_report,
)
from tests.eval.helpers import failed_rules, failing, of_rule

BUILDERS: list[Callable[[], Report]] = [v2021_report, v2019_report]


@pytest.mark.parametrize("build", BUILDERS, ids=["v2021", "v2019"])
def test_correct_reports_fail_no_rule(build: Callable[[], Report]) -> None:
    assert failed_rules(build()) == set()


@pytest.mark.parametrize("build", BUILDERS, ids=["v2021", "v2019"])
def test_correct_reports_pass_every_arithmetic_check(build: Callable[[], Report]) -> None:
    findings = check_arithmetic(build())
    assert findings and all(f.passed is True for f in findings)
    # One finding per column for T3-R1/R3 and per row for T3-R2, so each subject has its own evidence.
    assert len(of_rule(findings, "T3-R1")) == 7
    assert len(of_rule(findings, "T3-R3")) == 7
    assert len(of_rule(findings, "T3-R2")) == (25 if build is v2021_report else 23)


T3_T4_MUTATIONS = {
    # 结转下年度 +1 in one column (row total kept consistent): only the per-column balance breaks.
    "T3-R1": {("table3", "r4_carry_out", "natural"): 3, ("table3", "r4_carry_out", "total"): 3},
    # One application moved between rows in 自然人 only: the two row totals break, the column sums hold.
    "T3-R2": {("table3", "r3_1_granted", "natural"): 9, ("table3", "r3_2_partial", "natural"): 2},
    # A result row gains one without the （七）总计 row following.
    "T3-R3": {("table3", "r3_3_1", "natural"): 1, ("table3", "r3_3_1", "total"): 1},
    # A negative count balanced elsewhere so that every sum still holds.
    "T3-R4": {
        ("table3", "r3_3_2", "natural"): -1, ("table3", "r3_3_2", "total"): -1,
        ("table3", "r3_3_1", "natural"): 1, ("table3", "r3_3_1", "total"): 1,
    },
    "T4-R1": {("table4", "review", "maintain"): 3},
    "T4-R2": {("table4", "lit_direct", "correct"): 1},
    "T4-R3": {("table4", "lit_after_review", "pending"): 1},
    "T4-R4": {("table4", "review", "other"): -1, ("table4", "review", "maintain"): 3},
}


@pytest.mark.parametrize("build", BUILDERS, ids=["v2021", "v2019"])
@pytest.mark.parametrize("rule", sorted(T3_T4_MUTATIONS))
def test_single_mutation_fires_exactly_its_rule(rule: str, build: Callable[[], Report]) -> None:
    report = set_cells(build(), T3_T4_MUTATIONS[rule])
    assert failed_rules(report) == {rule}


def test_t3_r1_names_the_failing_columns_with_numbers() -> None:
    report = set_cells(v2021_report(), T3_T4_MUTATIONS["T3-R1"])
    failed = failing(t3_r1(report), "T3-R1")
    assert [f.evidence["subject"]["column"] for f in failed] == ["natural", "total"]
    natural = failed[0]
    assert (natural.evidence["left"], natural.evidence["right"], natural.evidence["difference"]) == (22, 23, -1)
    assert natural.severity == "error"
    assert natural.message == "表三“自然人”列：本年新收20+上年结转2=22，而办理结果总计20+结转下年度3=23，两边相差1"
    target = natural.evidence["rhs"][1]
    assert (target["row"], target["column"], target["value"], target["page"]) == ("r4_carry_out", "natural", 3, 3)
    assert len(target["bbox"]) == 4


def test_t4_r1_message_and_evidence() -> None:
    report = set_cell(v2021_report(), "table4", "review", "total", 0)
    (finding,) = failing(t4_sums(report), "T4-R1")
    assert finding.message == "表四行政复议：维持2+纠正1+其他0+未审结1=4，但总计填0，相差4"
    assert (finding.evidence["left"], finding.evidence["right"], finding.evidence["difference"]) == (4, 0, 4)
    assert finding.evidence["rhs"][0]["label"] == "表四“行政复议”的“总计”"
    assert finding.evidence["subject"] == {"table": "table4", "group": "review"}


def test_t3_r2_failures_are_per_row() -> None:
    report = set_cells(v2021_report(), T3_T4_MUTATIONS["T3-R2"])
    rows = [f.evidence["subject"]["row"] for f in failing(t3_r2(report), "T3-R2")]
    assert rows == ["r3_1_granted", "r3_2_partial"]


def test_t3_r3_uses_the_legacy_other_row_when_the_report_has_it() -> None:
    report = legacy_other(v2021_report())
    assert other_rows(report) == ("r3_6_other",)
    assert all(f.passed for f in t3_r3(report))
    broken = set_cell(report, "table3", "r3_6_other", "natural", 5)
    assert [f.evidence["subject"]["column"] for f in failing(t3_r3(broken), "T3-R3")] == ["natural"]


def test_t3_r3_uses_the_three_sub_rows_in_v2021() -> None:
    report = v2021_report()
    assert other_rows(report) == ("r3_6_1", "r3_6_2", "r3_6_3")
    broken = set_cells(report, {("table3", "r3_6_2", "natural"): 1, ("table3", "r3_6_2", "total"): 1})
    assert {f.rule for f in check_arithmetic(broken) if f.passed is False} == {"T3-R3"}


def test_t3_r4_rejects_decimals_and_text() -> None:
    decimal = set_cells(v2021_report(), {("table3", "r3_3_1", "natural"): 0.5, ("table3", "r3_3_1", "total"): 0.5,
                                          ("table3", "r3_3_2", "natural"): -0.5, ("table3", "r3_3_2", "total"): -0.5})
    messages = [f.message for f in failing(t3_r4(decimal), "T3-R4")]
    assert any("为小数0.5" in m for m in messages) and any("为负数-0.5" in m for m in messages)
    text = set_cell(v2021_report(), "table3", "r3_3_1", "natural", "若干")
    assert failed_rules(text) == {"T3-R4"}


def test_t2_r1_negative_count_in_v2021() -> None:
    report = set_cell(v2021_report(), "table2", "行政许可", "本年处理决定数量", -5, "art20_5")
    assert failed_rules(report) == {"T2-R1"}
    (finding,) = failing(t2_r1(report), "T2-R1")
    assert finding.evidence["cell"]["block"] == "art20_5"
    assert "为负数-5" in finding.message


def test_t2_r1_decimal_only_in_amount_columns() -> None:
    assert all(f.passed for f in t2_r1(v2021_report()))  # 1.25 万元 of fees is fine
    report = set_cell(v2021_report(), "table2", "行政处罚", "本年处理决定数量", 3.5, "art20_6")
    assert failed_rules(report) == {"T2-R1"}


def test_t2_r1_signed_change_only_in_v2019_increase_column() -> None:
    assert all(f.passed for f in t2_r1(v2019_report()))  # 本年增/减 = -3 is allowed
    report = set_cell(v2019_report(), "table2", "行政许可", "上一年项目数量", -1, "art20_5")
    assert failed_rules(report) == {"T2-R1"}


# ---------------------------------------------------------------- blank, zero and NA


def test_blank_part_is_not_assessable_not_an_error() -> None:
    report = set_cell(v2021_report(), "table3", "r3_1_granted", "commercial", None)
    assert failed_rules(report) == {"OL-BLANK"}
    (row,) = [f for f in t3_r2(report) if f.evidence["subject"]["row"] == "r3_1_granted"]
    assert row.passed is None and row.evidence["reason"] == "blank_inputs"
    (column,) = [f for f in t3_r3(report) if f.evidence["subject"]["column"] == "commercial"]
    assert column.passed is None


def test_blank_total_with_filled_parts_is_the_shanghai_pattern() -> None:
    report = set_cell(v2021_report(), "table3", "r3_1_granted", "total", None)
    assert failed_rules(report) == {"OL-BLANK"}
    (row,) = [f for f in t3_r2(report) if f.evidence["subject"]["row"] == "r3_1_granted"]
    assert row.passed is None
    assert row.evidence["reason"] == "blank_total"
    assert "总计栏空白" in row.message and "已填分项合计10" in row.message


def test_zero_is_a_number() -> None:
    report = set_cells(v2021_report(), {("table4", "review", c): 0 for c in ("maintain", "correct", "other", "pending")})
    (finding,) = of_rule(t4_sums(report), "T4-R1")
    assert finding.passed is False
    assert (finding.evidence["left"], finding.evidence["right"]) == (0, 4)
    zeros = set_cell(report, "table4", "review", "total", 0)
    assert of_rule(t4_sums(zeros), "T4-R1")[0].passed is True


def test_not_applicable_is_not_assessable_and_not_blank() -> None:
    report = set_cell(v2021_report(), "table4", "lit_direct", "correct", NA)
    assert failed_rules(report) == set()
    (finding,) = of_rule(t4_sums(report), "T4-R2")
    assert finding.passed is None and finding.evidence["reason"] == "na_inputs"


def test_missing_cell_is_not_assessable() -> None:
    report = set_cell(v2021_report(), "table3", "r3_5_5", "legal", DROP)
    assert failed_rules(report) == {"OL-CELLS"}
    (row,) = [f for f in t3_r2(report) if f.evidence["subject"]["row"] == "r3_5_5"]
    assert row.passed is None and row.evidence["reason"] == "missing_cells"


def test_missing_table_is_one_not_assessable_finding_per_rule() -> None:
    findings = check_arithmetic(drop_table(v2021_report(), "table4"))
    for rule in ("T4-R1", "T4-R2", "T4-R3", "T4-R4"):
        (finding,) = of_rule(findings, rule)
        assert finding.passed is None and finding.evidence["reason"] == "table_missing"
