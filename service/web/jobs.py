"""Persisted jobs: enqueue uploads idempotently and process them on background worker threads."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from eval.ranking import UNKNOWN
from nlp.report import READ_STATUSES, Meta, Report
from nlp.structure.body import body_key
from service.web.analyzer import Analyzer, findings_of, from_body, summarize, to_body
from service.web.models import FindingRow, Job, ReportRow, utcnow
from service.web.storage import BlobStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Enqueued:
    """A job created or found for one uploaded file."""

    job: Job
    duplicate: bool


def new_batch() -> str:
    """An id grouping the files of one upload."""
    return uuid.uuid4().hex


def enqueue(sessions: sessionmaker[Session], blobs: BlobStore, name: str, data: bytes, batch: str,
            user_id: int | None) -> Enqueued:
    """Store the file and queue it; the same bytes uploaded again return the existing job."""
    digest = blobs.put(data)
    with sessions() as db:
        existing = db.scalar(select(Job).where(Job.sha256 == digest))
        if existing is not None:
            return Enqueued(existing, True)
        job = Job(sha256=digest, filename=name, size=len(data), batch=batch, status="queued", attempts=0,
                  created_by=user_id)
        db.add(job)
        try:
            db.commit()
        except IntegrityError:
            # Another request stored the same bytes between our lookup and insert: theirs wins.
            db.rollback()
            return Enqueued(db.scalars(select(Job).where(Job.sha256 == digest)).one(), True)
        return Enqueued(job, False)


def store_report(db: Session, report: Report, filename: str, sha256: str) -> int:
    """Insert a scored report and its findings (inside the caller's transaction); returns its id."""
    s = summarize(report)
    row = ReportRow(
        sha256=sha256, filename=filename, format=report.source.format or "", status=report.status,
        title=s.title, agency=s.agency, region=s.region, province=s.province, city=s.city, level=s.level,
        year=s.year, template=s.template, score=s.score, errors=s.errors, warnings=s.warnings, rubric=s.rubric,
        model_version=s.model_version, body=json.dumps(to_body(report), ensure_ascii=False),
    )
    db.add(row)
    db.flush()
    rows = [{"report_id": row.id, "rule": r, "severity": sev, "passed": p} for r, sev, p in findings_of(report)]
    if rows:
        db.execute(insert(FindingRow), rows)
    return row.id


def _placed(agency: str | None, province: str | None, city: str | None) -> tuple[str | None, ...]:
    """A stored report's name and place, with the ranking's "unknown" placeholder read as not known."""
    return agency, *(None if name == UNKNOWN else name for name in (province, city))


class Worker:
    """Background threads that claim queued jobs one at a time; safe with several server processes."""

    def __init__(self, sessions: sessionmaker[Session], blobs: BlobStore, analyzer: Analyzer,
                 threads: int = 1, poll_interval: float = 0.5) -> None:
        self.sessions = sessions
        self.blobs = blobs
        self.analyzer = analyzer
        self.threads = max(1, threads)
        self.poll_interval = poll_interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._running: list[threading.Thread] = []

    def recover(self) -> int:
        """Requeue jobs a previous server left running (it stopped mid-batch); returns how many."""
        with self.sessions() as db:
            result = db.execute(update(Job).where(Job.status == "running").values(status="queued", started=None))
            db.commit()
            count = result.rowcount or 0
        if count:
            log.warning("requeued %d job(s) left running by a previous server", count)
        return count

    def start(self) -> None:
        """Recover, then start the threads (after the model has loaded, so topics are never skipped)."""
        self.recover()
        for i in range(self.threads):
            thread = threading.Thread(target=self._loop, name=f"nianbao-worker-{i}", daemon=True)
            thread.start()
            self._running.append(thread)

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the threads to finish their current job and exit."""
        self._stop.set()
        self._wake.set()
        for thread in self._running:
            thread.join(timeout)
        self._running.clear()

    def wake(self) -> None:
        """New work arrived: skip the rest of the poll wait."""
        self._wake.set()

    def _loop(self) -> None:
        self.analyzer.loaded.wait()
        while not self._stop.is_set():
            try:
                worked = self.run_once()
            except Exception:  # the database may be briefly unavailable; keep the worker alive
                log.exception("worker iteration failed")
                worked = False
            if not worked:
                self._wake.wait(self.poll_interval)
                self._wake.clear()

    def claim(self) -> int | None:
        """Atomically move the oldest queued job to running; None when the queue is empty."""
        with self.sessions() as db:
            for job_id in db.scalars(select(Job.id).where(Job.status == "queued").order_by(Job.id).limit(5)):
                result = db.execute(
                    update(Job).where(Job.id == job_id, Job.status == "queued")
                    .values(status="running", started=utcnow(), attempts=Job.attempts + 1)
                )
                db.commit()
                if result.rowcount == 1:
                    return job_id
        return None

    def run_once(self) -> bool:
        """Process one queued job; False when there was none."""
        job_id = self.claim()
        if job_id is None:
            return False
        self.process(job_id)
        return True

    def _previous(self, meta: Meta) -> Report | None:
        """The same body's report one year earlier (by body key; the lowest sha256 on ties, as the batch does)."""
        key = body_key(meta.agency, meta.province, meta.city)
        if not key or meta.year is None:
            return None
        with self.sessions() as db:
            rows = db.execute(select(ReportRow.id, ReportRow.sha256, ReportRow.agency, ReportRow.province,
                                     ReportRow.city)
                              .where(ReportRow.year == meta.year - 1, ReportRow.status.in_(READ_STATUSES))).all()
            same = sorted((sha, rid) for rid, sha, *names in rows if body_key(*_placed(*names)) == key)
            body = db.scalar(select(ReportRow.body).where(ReportRow.id == same[0][1])) if same else None
        return from_body(json.loads(body)) if body else None

    def process(self, job_id: int) -> None:
        """Parse and score the job's file and store the report, all or nothing."""
        with self.sessions() as db:
            job = db.get(Job, job_id)
            if job is None:
                return
            try:
                existing = db.scalar(select(ReportRow.id).where(ReportRow.sha256 == job.sha256))
                if existing is None:
                    report = self.analyzer.analyze(self.blobs.get(job.sha256), job.filename, self._previous)
                    existing = store_report(db, report, job.filename, job.sha256)
                job.report_id, job.status, job.error = existing, "done", None
            except Exception as exc:  # one bad file must not stop the queue: record it on the job
                log.exception("job %s failed", job_id)
                db.rollback()
                job = db.get(Job, job_id)
                if job is None:
                    return
                job.status, job.error = "failed", f"{type(exc).__name__}: {exc}"
            job.finished = utcnow()
            db.commit()
