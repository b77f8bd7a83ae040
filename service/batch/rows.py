"""One flat results row per report: metadata (manifest first, then inferred), status, scores, failed rules."""

from __future__ import annotations

from collections import Counter
from typing import Any

from eval.common import counts_against
from eval.ranking import UNKNOWN, city_of, province_of
from nlp.report import Report
from service.batch.inputs import Job

Row = dict[str, Any]

# Statuses a worker failure produces; "failed" is a document the pipeline could not read.
WORKER_FAILURES = ("timeout", "memory", "crashed", "error")
BASE_COLUMNS = (
    "path", "sha256", "format", "pages", "province", "city", "level", "agency", "year", "published",
    "template", "status", "error_code", "error_reason", "score", "rubric", "failed_rules", "failed_errors",
)
TAIL_COLUMNS = ("previous_sha256", "previous_score", "score_change", "duplicate", "duplicate_share", "duplicate_of")


def _known(value: Any) -> bool:
    return value not in (None, "", UNKNOWN)


def metadata(job: Job, report: Report | None) -> Row:
    """Manifest values where given, else what the report says about itself."""
    meta = report.meta if report is not None else None
    inferred: Row = {
        "province": province_of(meta) if meta else None,
        "city": city_of(meta) if meta else None,
        "level": meta.level if meta else None,
        "agency": meta.agency if meta else None,
        "year": meta.year if meta else None,
        "published": meta.published if meta else None,
    }
    given = job.given()
    out = {k: given[k] if _known(given[k]) else inferred[k] for k in inferred}
    return {k: (v if _known(v) else None) for k, v in out.items()}


def report_row(job: Job, report: Report) -> Row:
    """The row of a report the pipeline read (ok), read but for parts we could not (needs_review, with the
    first such part as its reason), or could not read (failed)."""
    failed = [f for f in report.findings if counts_against(f)]
    first_error = next((e for e in report.errors if e.severity == "error"), None)
    if report.status == "needs_review":
        # What we could not read is the reason a reviewer must look: listed apart, never ranked.
        first_error = next((e for e in report.errors if e.code == "table_unreadable"), None)
    row: Row = {
        "path": job.path,
        "sha256": job.sha256,
        "format": report.source.format,
        "pages": report.source.pages,
        **metadata(job, report),
        "template": report.meta.template,
        "status": report.status,
        "error_code": first_error.code if report.status != "ok" and first_error else None,
        "error_reason": first_error.message if report.status != "ok" and first_error else None,
        "score": report.score.total if report.score else None,
        "rubric": report.score.rubric if report.score else None,
        "failed_rules": len(failed),
        "failed_errors": sum(1 for f in failed if f.severity == "error"),
    }
    if report.score:
        row.update({f"dim_{k}": v for k, v in report.score.dimensions.items()})
    row.update({f"fail_{rule}": n for rule, n in sorted(Counter(f.rule for f in failed).items())})
    return row


def failure_row(job: Job, status: str, reason: str, code: str | None = None) -> Row:
    """The row of a report whose worker timed out, ran out of memory, crashed or raised."""
    return {
        "path": job.path, "sha256": job.sha256, "format": None, "pages": None, **metadata(job, None),
        "template": None, "status": status, "error_code": code or status, "error_reason": reason,
        "score": None, "rubric": None, "failed_rules": None, "failed_errors": None,
    }


def columns(rows: list[Row], dimensions: list[str], rules: list[str]) -> list[str]:
    """Every column in a fixed order: base, one per rubric dimension, one per rule id, then tail."""
    extra_dims = sorted({k[4:] for r in rows for k in r if k.startswith("dim_")} - set(dimensions))
    extra_rules = sorted({k[5:] for r in rows for k in r if k.startswith("fail_")} - set(rules))
    return [
        *BASE_COLUMNS,
        *(f"dim_{d}" for d in [*dimensions, *extra_dims]),
        *(f"fail_{r}" for r in [*sorted(rules), *extra_rules]),
        *TAIL_COLUMNS,
    ]


def overlay(row: Row, job: Job) -> Row:
    """A cached row (keyed by content) as this job's row: its path, and manifest metadata over inferred."""
    given = {k: v for k, v in job.given().items() if _known(v)}
    return {**row, "path": job.path, "sha256": job.sha256, **given}


def complete(row: Row, cols: list[str]) -> Row:
    """The row with every column: failed-rule counts default to 0 for scored reports, others to None."""
    scored = row.get("score") is not None
    return {c: row.get(c, 0 if scored and c.startswith("fail_") else None) for c in cols}
