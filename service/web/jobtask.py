"""What a job worker process does with one upload: the one analysis path (`service.analyze.analyze`) with
its own topic model, rubric and database connection, loaded once per process."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from eval.ranking import UNKNOWN
from nlp.report import READ_STATUSES, Meta, Report
from nlp.serialize import report_from_dict, report_to_json
from nlp.structure.body import body_key
from service.analyze import Document, analyze, rubric_for, topics_for
from service.web.models import ReportRow


@dataclass(frozen=True)
class JobTask:
    """One stored upload to analyse, and what the process needs to analyse it as the server would."""

    path: str  # the stored file
    filename: str
    topics: str | None  # the serving model's directory, the configured spec, or None for off
    database_url: str  # where the previous year's report is looked up


@lru_cache(maxsize=1)
def _sessions(url: str) -> sessionmaker[Session]:
    # NullPool: a worker process holds no connection between its jobs.
    args = {"timeout": 30} if url.startswith("sqlite") else {}
    return sessionmaker(create_engine(url, poolclass=NullPool, connect_args=args), expire_on_commit=False)


def _placed(agency: str | None, province: str | None, city: str | None) -> tuple[str | None, ...]:
    """A stored report's name and place, with the ranking's "unknown" placeholder read as not known."""
    return agency, *(None if name == UNKNOWN else name for name in (province, city))


def previous_report(sessions: sessionmaker[Session], meta: Meta) -> Report | None:
    """The same body's report one year earlier (by body key; the lowest sha256 on ties, as the batch does)."""
    key = body_key(meta.agency, meta.province, meta.city)
    if not key or meta.year is None:
        return None
    with sessions() as db:
        rows = db.execute(select(ReportRow.id, ReportRow.sha256, ReportRow.agency, ReportRow.province,
                                 ReportRow.city)
                          .where(ReportRow.year == meta.year - 1, ReportRow.status.in_(READ_STATUSES))).all()
        same = sorted((sha, rid) for rid, sha, *names in rows if body_key(*_placed(*names)) == key)
        body = db.scalar(select(ReportRow.body).where(ReportRow.id == same[0][1])) if same else None
    return report_from_dict(json.loads(body)) if body else None


def analyze_job(task: JobTask) -> str:
    """The scored report of one upload as JSON (runs in a job worker process)."""
    sessions = _sessions(task.database_url)
    report = analyze(Document(task.filename, Path(task.path).read_bytes()), topics_for(task.topics),
                     previous=lambda meta: previous_report(sessions, meta), rubric=rubric_for(None))
    return report_to_json(report, indent=None)
