"""Small assertions shared by the evaluator tests."""

from __future__ import annotations

from collections.abc import Iterable

from eval.checks import run_rules
from nlp.report import Finding, Report


def failed_rules(report: Report, previous: Report | None = None) -> set[str]:
    """Rule ids with at least one failed finding."""
    return {f.rule for f in run_rules(report, previous) if f.passed is False}


def of_rule(findings: Iterable[Finding], rule: str) -> list[Finding]:
    """The findings of one rule."""
    return [f for f in findings if f.rule == rule]


def failing(findings: Iterable[Finding], rule: str) -> list[Finding]:
    """The failed findings of one rule."""
    return [f for f in findings if f.rule == rule and f.passed is False]
