"""What the jobs page says of each job: its state while it runs, then what became of its document."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from nlp.labels import JOB_STATUS_NAMES, STATUS_NAMES, reason_name
from service.web.models import Job, ReportRow

# Worker messages end with an English gloss for the log ("… (time limit exceeded)"); the page drops it.
_ENGLISH_GLOSS = re.compile(r"\s*\([A-Za-z][^()]*\)\s*$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Outcome:
    """A job's line on the page: a CSS status, a label in Chinese and, where there is one, why."""

    status: str
    label: str
    detail: str = ""


def _failure(body: str) -> tuple[str, str]:
    """The reason name and message of a failed report's first error."""
    errors = json.loads(body).get("errors") or []
    first = next((e for e in errors if e.get("severity", "error") == "error"), {})
    label, message = reason_name(first.get("code")), first.get("message") or ""
    # "不是政府信息公开工作年度报告：只有标题…" beside 不是年度报告 says it twice: keep what follows the colon.
    head, colon, rest = message.partition("：")
    return label, rest if colon and rest and set(label) <= set(head) else message


def job_outcome(job: Job, report_status: str | None, report_body: str | None) -> Outcome:
    """What the page shows for one job; a finished job names its document's outcome, never just 已完成 for a
    document that could not be read."""
    if job.status == "done" and report_status == "failed" and report_body:
        label, message = _failure(report_body)
        return Outcome("failed", label, message)
    if job.status == "done" and report_status == "needs_review":
        return Outcome("needs_review", STATUS_NAMES["needs_review"], reason_name("table_unreadable"))
    detail = _ENGLISH_GLOSS.sub("", job.error or "")
    if detail and not _CJK.search(detail):  # an exception's text is for the log, not for reviewers
        detail = reason_name("internal_error")
    return Outcome(job.status, JOB_STATUS_NAMES.get(job.status, job.status), detail)


def outcomes(db: Session, jobs: list[Job]) -> dict[int, Outcome]:
    """Each job's outcome; only failed reports' bodies are read (they hold no text and are small)."""
    report_ids = [j.report_id for j in jobs if j.report_id is not None]
    reports: dict[int, tuple[str, str | None]] = {}
    if report_ids:
        rows = db.execute(select(ReportRow.id, ReportRow.status).where(ReportRow.id.in_(report_ids))).all()
        failed = [rid for rid, status in rows if status == "failed"]
        bodies = dict(db.execute(select(ReportRow.id, ReportRow.body).where(ReportRow.id.in_(failed))).all()) \
            if failed else {}
        reports = {rid: (status, bodies.get(rid)) for rid, status in rows}
    return {j.id: job_outcome(j, *reports.get(j.report_id or -1, (None, None))) for j in jobs}
