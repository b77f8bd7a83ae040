"""Inferred values: where one uncertain cell alone breaks the table's identities, the value they call for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from eval.common import Ref, fmt, is_number
from nlp.labels import INFERRED_VALUE
from nlp.report import Cell, Finding, Report

_TOLERANCE = 1e-6


@dataclass(frozen=True)
class _Identity:
    """One equation finding: its cells on each side, whether it held, and by how much it missed."""

    index: int  # position in the findings list
    rule: str
    passed: bool | None
    lhs: tuple[Ref, ...]
    rhs: tuple[Ref, ...]
    difference: float  # Σlhs − Σrhs as printed (0 unless it failed)

    def side(self, ref: Ref) -> int:
        """+1 when the cell is added on the left, −1 on the right, 0 when it is not in the identity."""
        return 1 if ref in self.lhs else -1 if ref in self.rhs else 0


def _refs(cells: Any) -> tuple[Ref, ...]:
    return tuple(Ref(c["table"], c["row"], c["column"], c.get("block")) for c in cells)


def _identities(findings: Sequence[Finding]) -> list[_Identity]:
    """The equation findings (those whose evidence has both sides), in order."""
    out = []
    for i, f in enumerate(findings):
        ev = f.evidence
        if isinstance(ev.get("lhs"), list) and isinstance(ev.get("rhs"), list):
            out.append(_Identity(i, f.rule, f.passed, _refs(ev["lhs"]), _refs(ev["rhs"]),
                                 float(ev.get("difference") or 0)))
    return out


def _uncertain(report: Report, ref: Ref) -> Cell | None:
    """The cell at ref when it holds a number read with low confidence, else None."""
    cell = ref.cell(report)
    return cell if cell is not None and cell.uncertain and is_number(cell.value) else None


def _inferred(report: Report, ref: Ref, cell: Cell, identities: list[_Identity]) -> tuple[int, list[_Identity]] | None:
    """The value every identity through ref calls for, or None when they do not all point at this one cell.

    Conservative on purpose: an identity through the cell that holds vouches for its printed value; a broken
    one with a second uncertain cell cannot say which of them is wrong; the identities must agree on one
    non-negative whole number (every cell of tables 三 and 四 is a count)."""
    through = [i for i in identities if i.side(ref) and i.passed is not None]
    broken = [i for i in through if i.passed is False]
    if not broken or len(broken) < len(through):
        return None
    values = set()
    for identity in broken:
        others = [r for r in (*identity.lhs, *identity.rhs) if r != ref]
        if any(_uncertain(report, r) for r in others):
            return None
        # Σlhs − Σrhs = difference: moving this cell by −difference (left) or +difference (right) balances it.
        values.add(round(float(cell.value) - identity.side(ref) * identity.difference, 6))  # type: ignore[arg-type]
    if len(values) != 1:
        return None
    value = values.pop()
    if value < 0 or not value.is_integer() or abs(value - float(cell.value)) < _TOLERANCE:  # type: ignore[arg-type]
        return None
    return int(value), broken


def suggest_values(report: Report, findings: Sequence[Finding]) -> list[Finding]:
    """The findings, each broken identity that one uncertain cell alone explains carrying a `suggestion`.

    The suggestion names the cell, its printed value and the value the identities call for, marked
    推断值，需人工核对 in its evidence and message. Nothing else changes: the finding still fails, the cell keeps
    its printed value, and the score is the same as without it."""
    identities = _identities(findings)
    candidates: dict[Ref, Cell] = {}
    for identity in identities:
        if identity.passed is False:
            for ref in (*identity.lhs, *identity.rhs):
                cell = _uncertain(report, ref)
                if cell is not None:
                    candidates.setdefault(ref, cell)
    out = list(findings)
    for ref, cell in candidates.items():
        found = _inferred(report, ref, cell, identities)
        if found is None:
            continue
        value, broken = found
        suggestion = {
            "label": ref.label(),
            "address": [ref.table, ref.block, ref.row, ref.column],
            "printed": cell.value,
            "raw": cell.raw,
            "confidence": cell.confidence,
            "page": cell.page,
            "value": value,
            "rules": [i.rule for i in broken],
            "note": INFERRED_VALUE,
            "applied": False,
        }
        for identity in broken:
            f = out[identity.index]
            note = (f"；{ref.label()}读取把握不大（读作{fmt(cell.value)}），按本式应为{value}"
                    f"（{INFERRED_VALUE}，不计入评分）")
            out[identity.index] = replace(f, message=f.message + note,
                                          evidence={**f.evidence, "suggestion": suggestion})
    return out
