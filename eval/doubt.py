"""Findings that rest on a cell we read with low confidence cost the report nothing: our reading is in doubt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from eval.common import Ref
from eval.suggest import TOLERANCE, Identity, balance, doubtful, identities
from nlp.labels import DOUBTFUL_READING, LAST_YEAR_CELL, NOT_CHARGED
from nlp.report import Finding, Report

# Evidence keys that point at cells of the report itself (cross-year findings also point at last year's).
_OWN_CELLS = ("lhs", "rhs", "cells", "cell")
_PREVIOUS_CELLS = ("previous_cell",)


def _cells(evidence: dict[str, Any], keys: tuple[str, ...]) -> list[Ref]:
    out: list[Ref] = []
    for key in keys:
        value = evidence.get(key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict) and {"table", "row", "column"} <= item.keys():
                out.append(Ref(item["table"], item["row"], item["column"], item.get("block")))
    return list(dict.fromkeys(out))


def _may_explain(report: Report, identity: Identity, doubtful_refs: list[Ref]) -> bool:
    """Whether misreading the doubtful cells could be why the identity breaks: always with two or more of them;
    with one, when the value that balances it is a whole number, not negative (a count the cell could print)."""
    if len(doubtful_refs) != 1:
        return bool(doubtful_refs)
    value = balance(report, identity, doubtful_refs[0])
    return value is None or (value > -TOLERANCE and abs(value - round(value)) < TOLERANCE)


def excuse_doubtful(report: Report, findings: Sequence[Finding], previous: Report | None = None) -> list[Finding]:
    """The findings, each failure that a cell read with low confidence may explain made not assessable (passed
    None), its message naming the cells. A failure none of whose cells is in doubt keeps its verdict."""
    equations = {identity.index: identity for identity in identities(findings)}
    out = list(findings)
    for index, finding in enumerate(findings):
        if finding.passed is not False:
            continue
        own = [ref for ref in _cells(finding.evidence, _OWN_CELLS) if doubtful(ref.cell(report))]
        then = [ref for ref in _cells(finding.evidence, _PREVIOUS_CELLS)
                if previous is not None and doubtful(ref.cell(previous))]
        if index in equations and not then:
            excused = _may_explain(report, equations[index], own)
        else:
            excused = bool(own or then)
        if not excused:
            continue
        cells = [ref.label() for ref in own] + [LAST_YEAR_CELL.format(cell=ref.label()) for ref in then]
        # A suggestion has already said its cell was read with little confidence.
        suggested = finding.evidence.get("suggestion", {}).get("label")
        named = [cell for cell in cells if cell != suggested]
        note = DOUBTFUL_READING.format(cells="、".join(named)) if named else NOT_CHARGED
        out[index] = replace(finding, passed=None, message=f"{finding.message}；{note}",
                             evidence={**finding.evidence, "doubtful": cells})
    return out
