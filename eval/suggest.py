"""Inferred values: where one uncertain cell alone breaks the table's identities, the value they call for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from eval.common import Ref, fmt, status_of
from nlp.labels import INFERRED_VALUE
from nlp.report import Cell, Finding, Report

TOLERANCE = 1e-6


@dataclass(frozen=True)
class Identity:
    """One equation finding: the cells it adds on each side."""

    index: int  # position in the findings list
    rule: str
    lhs: tuple[Ref, ...]
    rhs: tuple[Ref, ...]


def _refs(cells: Any) -> tuple[Ref, ...]:
    return tuple(Ref(c["table"], c["row"], c["column"], c.get("block")) for c in cells)


def identities(findings: Sequence[Finding]) -> list[Identity]:
    """The equation findings (those whose evidence has both sides), in order."""
    out = []
    for i, f in enumerate(findings):
        ev = f.evidence
        if isinstance(ev.get("lhs"), list) and isinstance(ev.get("rhs"), list):
            out.append(Identity(i, f.rule, _refs(ev["lhs"]), _refs(ev["rhs"])))
    return out


def doubtful(cell: Cell | None) -> bool:
    """A cell read with low confidence as a number or as a blank (a digit the reader lost)."""
    return cell is not None and cell.uncertain and status_of(cell) in ("number", "blank")


def balance(report: Report, identity: Identity, ref: Ref) -> float | None:
    """The value of ref that makes the identity hold, when every other cell in it is a number read with
    confidence; None when another cell is uncertain, blank, not applicable or not found."""
    sums = []
    for side in (identity.lhs, identity.rhs):
        total = 0.0
        for other in side:
            if other == ref:
                continue
            cell = other.cell(report)
            if cell is None or cell.uncertain or status_of(cell) != "number":
                return None
            total += float(cell.value)  # type: ignore[arg-type]  # status "number"
        sums.append(total)
    left, right = sums
    return right - left if ref in identity.lhs else left - right


def _inferred(report: Report, ref: Ref, cell: Cell, equations: list[Identity]) -> tuple[int, list[Identity]] | None:
    """The value the identities through ref call for, and those identities; None when there is nothing to say.

    Only identities whose other cells are all numbers read with confidence speak (one with a second uncertain
    cell cannot tell which of them is wrong). Conservative on purpose: one that holds with the printed value
    vouches for it; those that speak must agree on one whole number, not negative, other than the printed
    value; a blank is not said to be 0 (the blank may well be what the report prints)."""
    values: set[float] = set()
    speaking: list[Identity] = []
    for identity in equations:
        if ref not in identity.lhs and ref not in identity.rhs:
            continue
        value = balance(report, identity, ref)
        if value is None:
            continue
        values.add(round(value, 6))
        speaking.append(identity)
    if len(values) != 1:
        return None
    value = values.pop()
    printed = None if cell.value is None else float(cell.value)  # type: ignore[arg-type]
    if printed is not None and abs(value - printed) < TOLERANCE:
        return None  # the printed value balances every identity that can judge it
    if value < 0 or not value.is_integer() or (printed is None and value == 0):
        return None
    return int(value), speaking


def suggest_values(report: Report, findings: Sequence[Finding]) -> list[Finding]:
    """The findings, each identity that one uncertain cell alone breaks (or leaves unassessable by reading
    blank) carrying a `suggestion`: the cell, its reading and the value that satisfies the identity.

    It is marked 推断值，需人工核对 in its evidence and message and never applied: the cell keeps its printed value
    (eval.doubt decides what the finding costs)."""
    equations = identities(findings)
    cells = {ref: ref.cell(report) for identity in equations for ref in (*identity.lhs, *identity.rhs)}
    out = list(findings)
    for ref, cell in cells.items():
        if cell is None or not doubtful(cell):
            continue
        found = _inferred(report, ref, cell, equations)
        if found is None:
            continue
        value, speaking = found
        suggestion = {
            "label": ref.label(),
            "address": [ref.table, ref.block, ref.row, ref.column],
            "printed": cell.value,
            "raw": cell.raw,
            "confidence": cell.confidence,
            "page": cell.page,
            "value": value,
            "rules": [i.rule for i in speaking],
            "note": INFERRED_VALUE,
            "applied": False,
        }
        note = (f"；{ref.label()}读取把握不大（读作{fmt(cell.value)}），按本式应为{value}"
                f"（{INFERRED_VALUE}）")
        for identity in speaking:
            f = out[identity.index]
            out[identity.index] = replace(f, message=f.message + note,
                                          evidence={**f.evidence, "suggestion": suggestion})
    return out
