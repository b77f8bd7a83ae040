"""Shared pieces of the evaluator: cell lookup, value classes, labels and evidence builders."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from nlp.labels import T3_COLUMN_LABELS, T4_GROUP_LABELS, TABLE_NAMES, t3_row_label
from nlp.report import NA, Cell, CellValue, Finding, Report, Severity
from nlp.schema import TABLE2, TABLE3_ROWS, TABLE4_CELLS

Number = int | float
Status = Literal["number", "blank", "na", "missing", "text"]

# Every table-三 row id in reading order, covering both templates (the legacy single 其他处理 row sits
# where the v2021 sub-rows begin).
_T3_HEAD = tuple(r.id for r in TABLE3_ROWS["v2019"] if r.id not in ("r3_6_other", "r3_7_total", "r4_carry_out"))
T3_ALL_ROWS: tuple[str, ...] = (*_T3_HEAD, "r3_6_other", "r3_6_1", "r3_6_2", "r3_6_3", "r3_7_total", "r4_carry_out")


def cell_label(table: str, row: str, column: str, block: str | None = None) -> str:
    """A readable name for one cell, as a reviewer would point at it."""
    if table == "table3":
        return f"表三“{t3_row_label(row)}”行“{T3_COLUMN_LABELS.get(column, column)}”列"
    if table == "table4":
        return f"表四“{T4_GROUP_LABELS.get(row, row)}”的“{dict(TABLE4_CELLS).get(column, column)}”"
    item = next((b.item for blocks in TABLE2.values() for b in blocks if b.id == block), "?")
    return f"表二第二十条第（{item}）项“{row}”的“{column}”"


def status_of(cell: Cell | None) -> Status:
    """What a cell holds: a number, a blank, not-applicable, text, or nothing (not found)."""
    if cell is None:
        return "missing"
    value = cell.value
    if value is None:
        return "blank"
    if value == NA:
        return "na"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "text"
    return "number"


def is_number(value: CellValue) -> bool:
    """True for int and float values (bool excluded)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def fmt(value: CellValue | Number) -> str:
    """A value the way a message shows it: numbers plainly, blanks and NA in words."""
    if value is None:
        return "空"
    if value == NA:
        return "不适用"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


@dataclass(frozen=True)
class Ref:
    """The address of one cell in the official schema."""

    table: str
    row: str
    column: str
    block: str | None = None

    def cell(self, report: Report) -> Cell | None:
        """The report's cell at this address, if the parser found it."""
        return report.tables.get(self.table, self.row, self.column, self.block)

    def label(self) -> str:
        """The readable name of the cell."""
        return cell_label(self.table, self.row, self.column, self.block)


def cell_evidence(report: Report, ref: Ref) -> dict[str, Any]:
    """Evidence pointing at one cell: where it is (page, bbox) and what it holds."""
    cell = ref.cell(report)
    out: dict[str, Any] = {
        "table": ref.table,
        "block": ref.block,
        "row": ref.row,
        "column": ref.column,
        "label": ref.label(),
        "status": status_of(cell),
    }
    if cell is not None:
        out.update(
            value=cell.value,
            raw=cell.raw,
            unit=cell.unit,
            page=cell.page,
            bbox=list(cell.bbox) if cell.bbox else None,
        )
    return out


def span_evidence(report: Report, start: int, end: int, section: str | None) -> dict[str, Any]:
    """Evidence pointing at a span of the canonical text."""
    return {"start": start, "end": end, "section": section, "text": report.text[start:end]}


def counts_against(finding: Finding) -> bool:
    """A failed finding that reviewers count: info-level ones (a bonus not earned) are hints, not failures."""
    return finding.passed is False and finding.severity != "info"


def make(rule: str, severity: Severity, passed: bool | None, message: str, **evidence: Any) -> Finding:
    """A Finding with its evidence given as keyword arguments."""
    return Finding(rule, severity, passed, message, dict(evidence))


def table_present(report: Report, table: str) -> bool:
    """Whether the parser found the table (or cells of it, for hand-built reports)."""
    return table in report.tables.found or any(c.table == table for c in report.tables.cells)


def present_rows(report: Report, table: str) -> set[str]:
    """Row ids that have at least one cell in a table."""
    return {c.row for c in report.tables.cells if c.table == table}


def template_of(report: Report) -> str:
    """The template the tables follow: detected, else what the year calls for, else the current one."""
    return report.meta.template or report.meta.template_expected or "v2021"


def expects_v2021(report: Report) -> bool:
    """Whether v2021 rules (一 ≤ 1,000 characters, 信息处理费 in 六) apply to this report."""
    if report.meta.year is not None:
        return report.meta.year >= 2021
    return template_of(report) == "v2021"


def _column_name(ref: Ref) -> str:
    if ref.table == "table3":
        return T3_COLUMN_LABELS.get(ref.column, ref.column)
    if ref.table == "table4":
        return dict(TABLE4_CELLS).get(ref.column, ref.column)
    return ref.column


def row_name(ref: Ref) -> str:
    """The printed label of a cell's row (table 三 row label, table 四 group, else the row id)."""
    if ref.table == "table3":
        return t3_row_label(ref.row)
    if ref.table == "table4":
        return T4_GROUP_LABELS.get(ref.row, ref.row)
    return ref.row


def _names(names: list[str], limit: int) -> str:
    if len(names) <= limit:
        return "、".join(names)
    return "、".join(names[:limit]) + f"等{len(names)}项"


def cells_listing(refs: Iterable[Ref], limit: int = 7) -> str:
    """A compact Chinese listing of cells: grouped by row or column when they share one."""
    refs = list(refs)
    if not refs:
        return ""
    if len(refs) == 1:
        return refs[0].label()
    table = TABLE_NAMES.get(refs[0].table, refs[0].table)
    same_table = all(r.table == refs[0].table and r.block == refs[0].block for r in refs)
    if same_table and len({r.row for r in refs}) == 1:
        return f"{table}“{row_name(refs[0])}”的{_names([_column_name(r) for r in refs], limit)}（{len(refs)}格）"
    if same_table and len({r.column for r in refs}) == 1:
        return f"{table}“{_column_name(refs[0])}”列的{_names([row_name(r) for r in refs], limit)}（{len(refs)}格）"
    labels = [r.label() for r in refs]
    return "、".join(labels) if len(labels) <= limit else "、".join(labels[:limit]) + f"等{len(labels)}格"
