"""Arithmetic rules of format-spec §5 over tables 二/三/四 (T3-R1..R4, T4-R1..R4, T2-R1)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eval.common import (
    T3_ALL_ROWS,
    Number,
    Ref,
    cell_evidence,
    cells_listing,
    fmt,
    make,
    present_rows,
    status_of,
    table_present,
    template_of,
)
from eval.suggest import suggest_values
from nlp.labels import T3_COLUMN_LABELS, T4_CELL_LABELS, T4_GROUP_LABELS, TABLE_NAMES, t3_row_label
from nlp.report import Cell, Finding, Report
from nlp.schema import (
    APPLICANT_COLUMNS,
    TABLE2_DECIMAL_COLUMNS,
    TABLE2_SIGNED_COLUMNS,
    TABLE3_COLUMN_IDS,
    TABLE4_CELL_IDS,
    TABLE4_GROUP_IDS,
)

_T3_RESULT_ROWS = tuple(r for r in T3_ALL_ROWS if r.startswith("r3_") and not r.startswith(("r3_6_", "r3_7")))
_T3_OTHER_SUBROWS = ("r3_6_1", "r3_6_2", "r3_6_3")
_TOLERANCE = 1e-6  # sums of decimal amounts are compared, not their float noise


@dataclass(frozen=True)
class Term:
    """One addend of an equation: a cell and the short name it has in the formula."""

    ref: Ref
    name: str


def _expression(report: Report, terms: Sequence[Term]) -> str:
    """'维持10+纠正1+其他0'; long sums list only their non-zero addends."""
    values = [(t.name, t.ref.cell(report)) for t in terms]
    if len(values) <= 7:
        return "+".join(f"{name}{fmt(c.value if c else None)}" for name, c in values)
    nonzero = [(n, c) for n, c in values if c is None or c.value != 0]
    if not nonzero:
        return f"{len(values)}项分项均为0"
    shown = "+".join(f"{name}{fmt(c.value if c else None)}" for name, c in nonzero)
    return f"{shown}（其余{len(values) - len(nonzero)}项为0）"


def _total(values: Sequence[Any]) -> Number:
    total: Number = 0
    for v in values:
        total += v
    return total


def equation(
    report: Report,
    rule: str,
    title: str,
    lhs: Sequence[Term],
    rhs: Sequence[Term],
    *,
    subject: dict[str, Any],
) -> Finding:
    """Check Σlhs = Σrhs with three-valued semantics: blanks, NA and missing cells are not assessable.

    When `rhs` is a single 总计 cell that is blank while its parts are filled (上海市政府办公厅 2019), the
    finding says so explicitly rather than treating the blank as 0.
    """
    terms = [*lhs, *rhs]
    cells = {id(t): t.ref.cell(report) for t in terms}
    status = {id(t): status_of(cells[id(t)]) for t in terms}
    evidence: dict[str, Any] = {
        "subject": subject,
        "formula": " + ".join(f"{t.ref.row}.{t.ref.column}" for t in lhs)
        + " = "
        + " + ".join(f"{t.ref.row}.{t.ref.column}" for t in rhs),
        "lhs": [cell_evidence(report, t.ref) for t in lhs],
        "rhs": [cell_evidence(report, t.ref) for t in rhs],
    }
    total_side = len(rhs) == 1
    missing = [t.ref for t in terms if status[id(t)] == "missing"]
    if missing:
        return make(rule, "error", None, f"{title}：未找到{cells_listing(missing)}，无法核对",
                    reason="missing_cells", **evidence)

    def known(side: Sequence[Term]) -> Number:
        return _total([cells[id(t)].value for t in side if status[id(t)] == "number"])  # type: ignore[union-attr]

    unknown = [t for t in terms if status[id(t)] != "number"]
    if unknown:
        left, right = known(lhs), known(rhs)
        evidence.update(left_known=left, right_known=right)
        if total_side and status[id(rhs[0])] == "blank" and any(status[id(t)] == "number" for t in lhs):
            blank_parts = sum(1 for t in lhs if status[id(t)] != "number")
            parts = f"已填分项合计{fmt(left)}" + (f"，另有{blank_parts}个分项空白" if blank_parts else "")
            return make(rule, "error", None,
                        f"{title}：总计栏空白而分项已填（{parts}），空白不等于0，无法核对",
                        reason="blank_total", **evidence)
        if all(status[id(t)] == "blank" for t in terms):
            return make(rule, "error", None, f"{title}：所涉{len(terms)}格全部空白，无法核对",
                        reason="blank_inputs", **evidence)
        kinds = {status[id(t)] for t in unknown}
        reason = "na_inputs" if kinds <= {"na", "text"} else "blank_inputs"
        what = "不适用" if reason == "na_inputs" else "空白"
        note = "一致" if abs(left - right) < _TOLERANCE else f"相差{fmt(abs(left - right))}"
        return make(
            rule, "error", None,
            f"{title}：{cells_listing(t.ref for t in unknown)}为{what}，无法核对"
            f"（仅看已填数：{fmt(left)}对{fmt(right)}，{note}）",
            reason=reason, **evidence,
        )
    left, right = known(lhs), known(rhs)
    difference = left - right
    evidence.update(left=left, right=right, difference=difference)
    if abs(difference) < _TOLERANCE:
        stated = f"总计{fmt(right)}" if total_side else f"{_expression(report, rhs)}={fmt(right)}"
        return make(rule, "error", True, f"{title}：{_expression(report, lhs)}={fmt(left)}，与{stated}一致",
                    **evidence)
    if total_side:
        message = f"{title}：{_expression(report, lhs)}={fmt(left)}，但总计填{fmt(right)}，相差{fmt(abs(difference))}"
    else:
        message = (f"{title}：{_expression(report, lhs)}={fmt(left)}，而{_expression(report, rhs)}={fmt(right)}，"
                   f"两边相差{fmt(abs(difference))}")
    return make(rule, "error", False, message, **evidence)


def _absent(rule: str, table: str) -> Finding:
    return make(rule, "error", None, f"未找到{TABLE_NAMES[table]}，无法核对", reason="table_missing", table=table)


def _t3(row: str, column: str, name: str) -> Term:
    return Term(Ref("table3", row, column), name)


def other_rows(report: Report) -> tuple[str, ...]:
    """The 其他处理 rows this report uses: the three v2021 sub-rows, or the legacy single row.

    With all three sub-rows a legacy row is a printed subtotal and is left out; with only some, the
    legacy row stands in for the missing ones (a sub-row whose label was lost reads as the parent).
    """
    rows = present_rows(report, "table3")
    if all(r in rows for r in _T3_OTHER_SUBROWS):
        return _T3_OTHER_SUBROWS
    if "r3_6_other" in rows:
        return ("r3_6_other", *(r for r in _T3_OTHER_SUBROWS if r in rows))
    return _T3_OTHER_SUBROWS if template_of(report) == "v2021" else ("r3_6_other",)


def t3_r1(report: Report) -> list[Finding]:
    """T3-R1: per column, 本年新收 + 上年结转 = 办理结果总计 + 结转下年度 (the template's header note)."""
    if not table_present(report, "table3"):
        return [_absent("T3-R1", "table3")]
    out = []
    for column in TABLE3_COLUMN_IDS:
        lhs = [_t3("r1_new", column, "本年新收"), _t3("r2_carry_in", column, "上年结转")]
        rhs = [_t3("r3_7_total", column, "办理结果总计"), _t3("r4_carry_out", column, "结转下年度")]
        title = f"表三“{T3_COLUMN_LABELS[column]}”列"
        out.append(equation(report, "T3-R1", title, lhs, rhs, subject={"table": "table3", "column": column}))
    return out


def t3_r2(report: Report) -> list[Finding]:
    """T3-R2: per row, 总计 = the six applicant columns."""
    if not table_present(report, "table3"):
        return [_absent("T3-R2", "table3")]
    rows = present_rows(report, "table3")
    out = []
    for row in (r for r in T3_ALL_ROWS if r in rows):
        lhs = [_t3(row, c, T3_COLUMN_LABELS[c]) for c in APPLICANT_COLUMNS]
        rhs = [_t3(row, "total", "总计")]
        title = f"表三“{t3_row_label(row)}”行"
        out.append(equation(report, "T3-R2", title, lhs, rhs, subject={"table": "table3", "row": row}))
    return out


def t3_r3(report: Report) -> list[Finding]:
    """T3-R3: per column, （七）总计 = the sum of every result row (其他处理 as the report lays it out)."""
    if not table_present(report, "table3"):
        return [_absent("T3-R3", "table3")]
    parts = (*_T3_RESULT_ROWS, *other_rows(report))
    out = []
    for column in TABLE3_COLUMN_IDS:
        lhs = [_t3(r, column, t3_row_label(r)) for r in parts]
        rhs = [_t3("r3_7_total", column, "办理结果总计")]
        title = f"表三“{T3_COLUMN_LABELS[column]}”列办理结果"
        subject = {"table": "table3", "column": column, "other_rows": list(other_rows(report))}
        out.append(equation(report, "T3-R3", title, lhs, rhs, subject=subject))
    return out


def t4_sums(report: Report) -> list[Finding]:
    """T4-R1..R3: in each group, 总计 = 维持 + 纠正 + 其他 + 未审结."""
    rules = dict(zip(TABLE4_GROUP_IDS, ("T4-R1", "T4-R2", "T4-R3"), strict=True))
    if not table_present(report, "table4"):
        return [_absent(rule, "table4") for rule in rules.values()]
    out = []
    for group, rule in rules.items():
        parts = [c for c in TABLE4_CELL_IDS if c != "total"]
        lhs = [Term(Ref("table4", group, c), T4_CELL_LABELS[c]) for c in parts]
        rhs = [Term(Ref("table4", group, "total"), "总计")]
        out.append(equation(report, rule, f"表四{T4_GROUP_LABELS[group]}", lhs, rhs,
                            subject={"table": "table4", "group": group}))
    return out


def _ref(cell: Cell) -> Ref:
    return Ref(cell.table, cell.row, cell.column, cell.block)


def _value_rule(
    report: Report, rule: str, table: str, *, signed: frozenset[str] = frozenset(),
    decimal: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Every filled cell is a non-negative integer, except columns allowed a sign or decimals."""
    if not table_present(report, table):
        return [_absent(rule, table)]
    out, checked = [], 0
    for cell in report.tables.of(table):
        kind = status_of(cell)
        if kind in ("blank", "na"):
            continue
        checked += 1
        ref = _ref(cell)
        problem = None
        if kind == "text":
            problem = f"填写了非数字内容“{cell.raw or cell.value}”"
        else:
            value = float(cell.value)  # type: ignore[arg-type]  # status "number" guarantees a number
            if value < 0 and cell.column not in signed:
                problem = f"为负数{fmt(cell.value)}"
            elif not value.is_integer() and cell.column not in decimal:
                problem = f"为小数{fmt(cell.value)}，此栏应为整数件数"
        if problem:
            out.append(make(rule, "error", False, f"{ref.label()}{problem}", cell=cell_evidence(report, ref)))
    if not out:
        allowed = "（“本年增/减”可为负数，金额栏可为小数）" if signed or decimal else ""
        out.append(make(rule, "error", True, f"{TABLE_NAMES[table]}已填的{checked}个单元格均为非负整数{allowed}",
                        table=table, checked=checked))
    return out


def t3_r4(report: Report) -> list[Finding]:
    """T3-R4: table-三 cells are non-negative integers."""
    return _value_rule(report, "T3-R4", "table3")


def t4_r4(report: Report) -> list[Finding]:
    """T4-R4: table-四 cells are non-negative integers."""
    return _value_rule(report, "T4-R4", "table4")


def t2_r1(report: Report) -> list[Finding]:
    """T2-R1: non-negative integers, except v2019 本年增/减 (signed) and the fee/amount columns (decimals)."""
    signed = TABLE2_SIGNED_COLUMNS if template_of(report) == "v2019" else frozenset()
    return _value_rule(report, "T2-R1", "table2", signed=signed, decimal=TABLE2_DECIMAL_COLUMNS)


def check_arithmetic(report: Report) -> list[Finding]:
    """All arithmetic rules, table by table; a broken identity that one uncertain cell alone explains says
    which value would balance it (eval.suggest: inferred, for review, never scored)."""
    return suggest_values(report, [
        *t2_r1(report),
        *t3_r1(report),
        *t3_r2(report),
        *t3_r3(report),
        *t3_r4(report),
        *t4_sums(report),
        *t4_r4(report),
    ])
