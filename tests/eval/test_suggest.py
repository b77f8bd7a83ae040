"""Inferred values (eval.suggest): one uncertain cell alone breaking the identities gets the value they call for."""

from __future__ import annotations

import json
from dataclasses import replace

from eval.arithmetic import check_arithmetic
from eval.scoring import evaluate
from nlp.labels import INFERRED_VALUE
from nlp.report import UNCERTAIN_BELOW, Finding, Report
from nlp.serialize import report_from_json, report_to_json
from tests.eval.builders import set_cells, v2021_report

LOW = 0.5  # an OCR reading the recogniser was unsure of
assert LOW < UNCERTAIN_BELOW


def with_confidence(report: Report, cells: dict[tuple[str, str, str], float | None]) -> Report:
    """A copy with the read confidence of some cells set."""
    out = []
    for cell in report.tables.cells:
        key = (cell.table, cell.row, cell.column)
        out.append(replace(cell, confidence=cells[key]) if key in cells else cell)
    return replace(report, tables=replace(report.tables, cells=tuple(out)))


def misread(changes: dict[tuple[str, str, str], int], confidence: dict[tuple[str, str, str], float | None]) -> Report:
    """The correct v2021 report with some values read wrong and some cells' confidence set."""
    return with_confidence(set_cells(v2021_report(), changes), confidence)


def suggested(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if "suggestion" in f.evidence]


# 本年新收 总计 is 24 (20 natural + 3 commercial + 1 legal); read as 21 it breaks T3-R1 of the 总计 column
# (21 + 2 ≠ 24 + 2) and T3-R2 of the 本年新收 row (20 + 3 + 1 ≠ 21), and both call for 24.
NEW_TOTAL = ("table3", "r1_new", "total")


def test_one_uncertain_cell_breaking_two_identities_gets_the_value_both_call_for() -> None:
    findings = check_arithmetic(misread({NEW_TOTAL: 21}, {NEW_TOTAL: LOW}))
    hits = suggested(findings)
    assert sorted(f.rule for f in hits) == ["T3-R1", "T3-R2"]
    for f in hits:
        assert f.passed is False  # still a failure: the report prints 21
        s = f.evidence["suggestion"]
        assert (s["value"], s["printed"], s["confidence"]) == (24, 21, LOW)
        assert s["address"] == ["table3", None, "r1_new", "total"]
        assert s["rules"] == ["T3-R1", "T3-R2"] and s["applied"] is False and s["note"] == INFERRED_VALUE
        assert "应为24" in f.message and INFERRED_VALUE in f.message and "读作21" in f.message


def test_two_uncertain_cells_in_a_broken_identity_get_no_suggestion() -> None:
    # Each cell of table 四 is in one identity only: with two uncertain cells in it, it cannot say which is wrong.
    total, maintain = ("table4", "review", "total"), ("table4", "review", "maintain")
    findings = check_arithmetic(misread({total: 1}, {total: LOW, maintain: LOW}))
    assert [f.rule for f in findings if f.passed is False] == ["T4-R1"]
    assert suggested(findings) == []


def test_an_identity_with_a_second_uncertain_cell_says_nothing_but_another_still_can() -> None:
    # 本年新收 自然人 (20, read right) is uncertain too: the row identity T3-R2 names two uncertain cells and
    # says nothing; the 总计 column (T3-R1), all of whose other cells are certain, still calls for 24; the
    # natural column holds with 20, so nothing is said of that cell.
    natural = ("table3", "r1_new", "natural")
    findings = check_arithmetic(misread({NEW_TOTAL: 21}, {NEW_TOTAL: LOW, natural: 0.6}))
    assert {f.rule for f in findings if f.passed is False} == {"T3-R1", "T3-R2"}
    (hit,) = suggested(findings)
    assert hit.rule == "T3-R1" and hit.evidence["suggestion"]["value"] == 24
    assert hit.evidence["suggestion"]["rules"] == ["T3-R1"]


def test_a_digit_read_as_blank_gets_the_value_from_its_identities() -> None:
    # 予以公开 自然人 is 8; OCR lost it (blank, uncertain): T3-R2 of its row and T3-R3 of its column cannot be
    # checked, and both call for 8.
    granted = ("table3", "r3_1_granted", "natural")
    findings = check_arithmetic(misread({granted: None}, {granted: LOW}))
    hits = suggested(findings)
    assert sorted(f.rule for f in hits) == ["T3-R2", "T3-R3"]
    assert all(f.passed is None and f.evidence["suggestion"]["value"] == 8 for f in hits)
    assert all("读作空" in f.message and "应为8" in f.message for f in hits)


def test_an_uncertain_blank_that_balances_as_it_is_is_not_called_0() -> None:
    # 不予公开·1 自然人 is 0: read blank and uncertain, its identities balance with nothing there.
    secret = ("table3", "r3_3_1", "natural")
    assert suggested(check_arithmetic(misread({secret: None}, {secret: LOW}))) == []


def test_a_certain_cell_gets_no_suggestion() -> None:
    for confidence in (None, 0.95):
        findings = check_arithmetic(misread({NEW_TOTAL: 21}, {NEW_TOTAL: confidence}))
        assert {f.rule for f in findings if f.passed is False} == {"T3-R1", "T3-R2"}
        assert suggested(findings) == []


def test_an_identity_that_holds_vouches_for_the_printed_value() -> None:
    # 予以公开 自然人 read as 9 (printed 8) with its row 总计 also 11: the row (T3-R2) holds, so only the
    # column sums (T3-R3) break; the cell is not the one identity-wide explanation, no value is inferred.
    granted = ("table3", "r3_1_granted", "natural")
    report = misread({granted: 9, ("table3", "r3_1_granted", "total"): 11}, {granted: LOW})
    findings = check_arithmetic(report)
    assert {f.rule for f in findings if f.passed is False} == {"T3-R3"}
    assert suggested(findings) == []


def test_table_four_total_from_its_one_identity() -> None:
    total = ("table4", "review", "total")
    findings = check_arithmetic(misread({total: 1}, {total: LOW}))  # 2 + 1 + 0 + 1 = 4, read as 1
    (hit,) = suggested(findings)
    assert hit.rule == "T4-R1" and hit.evidence["suggestion"]["value"] == 4


def test_no_suggestion_of_a_negative_or_unchanged_value() -> None:
    maintain, total = ("table4", "review", "maintain"), ("table4", "review", "total")
    # 总计 printed 1 (certain): 维持 would have to be 2 − 3 = −1.
    findings = check_arithmetic(misread({total: 1}, {maintain: LOW}))
    assert [f.rule for f in findings if f.passed is False] == ["T4-R1"]
    assert suggested(findings) == []


def test_the_suggestion_is_never_applied_to_the_cell() -> None:
    uncertain = evaluate(misread({NEW_TOTAL: 21}, {NEW_TOTAL: LOW}))
    certain = evaluate(misread({NEW_TOTAL: 21}, {NEW_TOTAL: None}))
    assert suggested(list(uncertain.findings)) and not suggested(list(certain.findings))
    assert uncertain.tables.value(*NEW_TOTAL) == 21
    assert all(s["applied"] is False for f in suggested(list(uncertain.findings)) for s in [f.evidence["suggestion"]])


def test_the_suggestion_is_in_the_report_json() -> None:
    report = evaluate(misread({NEW_TOTAL: 21}, {NEW_TOTAL: LOW}))
    data = json.loads(report_to_json(report))
    shown = [f["evidence"]["suggestion"] for f in data["findings"] if "suggestion" in f["evidence"]]
    assert len(shown) == 2 and all(s["value"] == 24 and s["note"] == INFERRED_VALUE for s in shown)
    again = report_from_json(report_to_json(report))
    assert suggested(list(again.findings))[0].evidence["suggestion"]["value"] == 24
