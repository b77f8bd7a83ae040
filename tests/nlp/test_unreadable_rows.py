"""A row or table the document prints but we cannot place is ours to review: needs_review, never a deduction."""

from __future__ import annotations

from eval.scoring import evaluate
from nlp.pipeline import parse_bytes
from tests.conftest import FIXTURES

HTML = (FIXTURES / "v2021-complete.html").read_text(encoding="utf-8")
FIRST_ROW = "本年新收政府信息公开申请数量</td><td>159</td><td>9</td>"


def _with_first_row(replacement: str) -> bytes:
    assert FIRST_ROW in HTML
    return HTML.replace(FIRST_ROW, replacement, 1).encode("utf-8")


def test_a_row_with_more_values_than_header_columns_is_unreadable_not_guessed() -> None:
    # Three values too many and no spans to say where they belong: 总计 could be any of them.
    report = parse_bytes(_with_first_row(FIRST_ROW + "<td>4</td><td>4</td><td>8</td>"), "extra.html")
    assert report.status == "needs_review"
    assert [(u.table, u.reason, u.rows) for u in report.tables.unreadable] == [("table3", "misaligned", ("r1_new",))]
    assert not [c for c in report.tables.of("table3") if c.row == "r1_new"]  # nothing presented as read
    scored = evaluate(report)
    cells = next(f for f in scored.findings if f.rule == "OL-CELLS" and f.evidence.get("table") == "table3")
    assert cells.passed is None and "1行未能读取" in cells.message
    assert not [f for f in scored.findings if f.rule.startswith("T3-") and f.passed is False]
    assert scored.score is not None and scored.score.dimensions["completeness"] == 100.0


def test_the_same_report_read_whole_is_ok() -> None:
    report = parse_bytes(HTML.encode("utf-8"), "whole.html")
    assert report.status == "ok" and report.tables.unreadable == ()


def test_a_table_none_of_whose_rows_fit_is_one_unreadable_table() -> None:
    start = HTML.index('class="t3"')
    table3 = HTML[start : HTML.index("</table>", start)]
    rows = table3.split("<tr>")
    # Every data row of table 三 given three stray values beyond its seven columns.
    broken = "<tr>".join(r if "申请人情况" in r or "自然人" in r or "商业企业" in r or "<td>" not in r
                         else r.replace("</tr>", "<td>1</td><td>2</td><td>3</td></tr>") for r in rows)
    report = parse_bytes(HTML.replace(table3, broken).encode("utf-8"), "broken.html")
    assert report.status == "needs_review"
    assert [(u.table, u.reason, u.rows) for u in report.tables.unreadable] == [("table3", "no_rows", ())]
    assert "25 行数据都无法与表头对齐" in report.tables.unreadable[0].message
    assert "missing_table" not in [e.code for e in report.errors]
    assert "missing_table" not in [e.code for e in report.errors]
    scored = evaluate(report)
    assert not [f for f in scored.findings if f.rule in ("OL-TABLES", "OL-CELLS") and f.passed is False
                and f.evidence.get("table") == "table3"]


def test_a_row_printed_blank_is_blank_cells_not_a_missing_row() -> None:
    # The report's fault either way, but a different one: blank cells (OL-BLANK), not a row it lacks (OL-CELLS).
    blank = "二、上年结转政府信息公开申请数量</td>" + "<td></td>" * 7
    filled = "二、上年结转政府信息公开申请数量</td><td>2</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>2</td>"
    assert filled in HTML
    report = parse_bytes(HTML.replace(filled, blank, 1).encode("utf-8"), "blank-row.html")
    assert [c.value for c in report.tables.of("table3") if c.row == "r2_carry_in"] == [None] * 7
    findings = {(f.rule, f.evidence.get("table")): f for f in evaluate(report).findings if f.rule in ("OL-CELLS", "OL-BLANK")}
    assert findings[("OL-CELLS", "table3")].passed is True
    assert findings[("OL-BLANK", "table3")].passed is False and "上年结转" in findings[("OL-BLANK", "table3")].message
