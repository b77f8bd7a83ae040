"""A failure that a cell read with low confidence may explain costs the report nothing (eval.doubt)."""

from __future__ import annotations

from eval.scoring import evaluate
from nlp.labels import NOT_CHARGED
from nlp.report import Report
from tests.eval.builders import set_cells, v2021_report
from tests.eval.test_cross import previous_year
from tests.eval.test_suggest import LOW, NEW_TOTAL, misread, with_confidence


def verdicts(report: Report, rules: set[str]) -> dict[str, list[bool | None]]:
    """Each rule's findings' verdicts, in order."""
    out: dict[str, list[bool | None]] = {}
    for f in report.findings:
        if f.rule in rules:
            out.setdefault(f.rule, []).append(f.passed)
    return out


def test_an_uncertain_misread_costs_nothing_and_a_certain_one_costs_points() -> None:
    clean = evaluate(v2021_report())
    uncertain = evaluate(misread({NEW_TOTAL: 21}, {NEW_TOTAL: LOW}))
    certain = evaluate(misread({NEW_TOTAL: 21}, {NEW_TOTAL: None}))
    assert uncertain.score == clean.score and clean.score is not None and clean.score.total == 100.0
    assert certain.score is not None and certain.score.total < 100.0
    # The two identities through the cell and the narrative's 24 applications against it.
    rules = {"T3-R1", "T3-R2", "T3-N1"}
    failed_then = [f for f in certain.findings if f.passed is False]
    assert {f.rule for f in failed_then} == rules
    assert [f for f in uncertain.findings if f.passed is False] == []
    excused = [f for f in uncertain.findings if f.passed is None and f.rule in rules and "doubtful" in f.evidence]
    assert sorted(f.rule for f in excused) == ["T3-N1", "T3-R1", "T3-R2"]
    assert len(failed_then) == len(excused)
    for f in excused:
        assert f.evidence["doubtful"] == ["表三“本年新收”行“总计”列"]
    (narrative,) = [f for f in excused if f.rule == "T3-N1"]
    assert narrative.message.endswith("表三“本年新收”行“总计”列读取把握不大，此项不计入评分，需人工核对")
    # Where the suggestion has named the cell, the note only says the finding is not charged.
    assert all(f.message.endswith(NOT_CHARGED) for f in excused if f.rule != "T3-N1")


def test_a_break_no_reading_of_the_doubtful_cell_can_mend_stays_the_reports() -> None:
    # 总计 1 is certain and 维持 (uncertain) would have to be 2 − 3 = −1: the report's own error.
    maintain, total = ("table4", "review", "maintain"), ("table4", "review", "total")
    report = evaluate(misread({total: 1}, {maintain: LOW}))
    assert verdicts(report, {"T4-R1"})["T4-R1"] == [False]


def test_two_doubtful_cells_in_a_break_excuse_it() -> None:
    maintain, total = ("table4", "review", "maintain"), ("table4", "review", "total")
    report = evaluate(misread({total: 1}, {total: LOW, maintain: LOW}))
    (finding,) = [f for f in report.findings if f.rule == "T4-R1" and "doubtful" in f.evidence]
    assert finding.passed is None and len(finding.evidence["doubtful"]) == 2


def test_a_doubtful_blank_excuses_the_blank_cells_finding_too() -> None:
    # OCR that lost the digits of a cell reads it blank: the finding about blank cells is ours to review.
    cell = ("table3", "r1_new", "natural")
    certain = evaluate(set_cells(v2021_report(), {cell: None}))
    doubtful = evaluate(misread({cell: None}, {cell: LOW}))
    failed = {f.rule for f in certain.findings if f.passed is False}
    assert failed and not {f.rule for f in doubtful.findings if f.passed is False}


def test_last_years_doubtful_cell_excuses_the_carry_over_check() -> None:
    carry = ("table3", "r4_carry_out", "natural")
    wrong = set_cells(previous_year(), {carry: 3, ("table3", "r4_carry_out", "total"): 3})
    charged = evaluate(v2021_report(), wrong)
    assert [f.passed for f in charged.findings if f.rule == "T3-X1" and f.evidence["column"] == "natural"] == [False]
    excused = evaluate(v2021_report(), with_confidence(wrong, {carry: LOW}))
    (natural,) = [f for f in excused.findings if f.rule == "T3-X1" and f.evidence["column"] == "natural"]
    assert natural.passed is None and natural.evidence["doubtful"] == ["上年表三“结转下年度”行“自然人”列"]
