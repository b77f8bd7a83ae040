"""Run every evaluator rule over a Report (and, when given, the same body's previous report)."""

from __future__ import annotations

from eval.arithmetic import check_arithmetic
from eval.common import make
from eval.cross import check_cross
from eval.doubt import excuse_doubtful
from eval.narrative import check_narrative
from eval.outline import check_outline
from eval.period import check_period
from eval.quality import check_quality
from nlp.report import Finding, Report


def failed_finding(report: Report) -> Finding:
    """REPORT-FAILED: why a document that could not be read scores 0."""
    reasons = "；".join(e.message for e in report.errors if e.severity == "error") or "原因未知"
    return make("REPORT-FAILED", "error", False, f"文档无法读取，评分为0：{reasons}",
                errors=[{"code": e.code, "message": e.message, "page": e.page} for e in report.errors],
                path=report.source.path)


def run_rules(report: Report, previous: Report | None = None) -> tuple[Finding, ...]:
    """All findings for a report, in a stable order: outline, tables, narrative, period, quality, cross-year; a
    failure that a cell read with low confidence may explain is not charged (eval.doubt)."""
    if report.status == "failed":
        return (failed_finding(report),)
    findings = [
        *check_outline(report),
        *check_arithmetic(report),
        *check_narrative(report),
        *check_period(report),
        *check_quality(report),
    ]
    if previous is not None:
        findings += check_cross(report, previous)
    return tuple(excuse_doubtful(report, findings, previous))
