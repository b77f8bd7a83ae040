"""Persisted jobs: enqueue uploads idempotently; background threads hand each job to a guarded worker process."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from nlp.report import Report
from nlp.serialize import report_from_json
from service.batch.engine import TaskFn
from service.batch.settings import Limits
from service.web.analyzer import Analyzer, findings_of, summarize, to_body
from service.web.jobprocess import JobProcess
from service.web.jobtask import JobTask, analyze_job
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


FINISHED = ("done", "failed", "cancelled")
_OVERDUE_GRACE_S = 60.0  # past its time limit, a running job's process is being killed and replaced


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite hands back naive UTC


def queue_problems(db: Session, stall_s: float, time_limit_s: float) -> list[str]:
    """Why the queue is not healthy: its oldest job has waited longer than `stall_s`, or a job has run past
    its time limit (its worker is stuck or dead). Empty when it is healthy."""
    now = utcnow()
    problems = []
    oldest = db.scalar(select(func.min(Job.created)).where(Job.status == "queued"))
    if oldest is not None and (waited := (now - _aware(oldest)).total_seconds()) > stall_s:
        problems.append(f"队列积压：最早的排队任务已等待 {waited:.0f} 秒（上限 {stall_s:g} 秒）")
    overdue = now - timedelta(seconds=time_limit_s + _OVERDUE_GRACE_S)
    stuck = db.scalars(select(Job.id).where(Job.status == "running", Job.started < overdue)).all()
    if stuck:
        problems.append(f"任务运行超过时限 {time_limit_s:g} 秒仍未结束：" + "、".join(f"#{i}" for i in stuck))
    return problems


class Worker:
    """Background threads that claim queued jobs one at a time and run each in a guarded worker process
    (time limit, memory cap, recycling); safe with several server processes."""

    def __init__(self, sessions: sessionmaker[Session], blobs: BlobStore, analyzer: Analyzer, *, database_url: str,
                 threads: int = 1, poll_interval: float = 0.5, limits: Limits | None = None,
                 max_attempts: int = 3) -> None:
        self.sessions = sessions
        self.blobs = blobs
        self.analyzer = analyzer
        self.threads = max(1, threads)
        self.poll_interval = poll_interval
        self.limits = limits or Limits()
        self.max_attempts = max(1, max_attempts)
        self.database_url = database_url  # the worker processes open their own connections
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._running: list[threading.Thread] = []
        self._local = threading.local()  # each thread's own worker process
        self.task_fn: TaskFn = analyze_job  # what the worker processes run on a JobTask

    def recover(self) -> int:
        """Requeue jobs a previous server left running (it stopped mid-job); a job it has already been
        interrupted on `max_attempts` times fails instead, so that a file that kills the server is not
        retried forever. Returns how many were requeued."""
        with self.sessions() as db:
            db.execute(update(Job).where(Job.status == "running", Job.attempts >= self.max_attempts)
                       .values(status="failed", finished=utcnow(),
                               error=f"处理已中断 {self.max_attempts} 次（服务器在处理时退出），不再重试"))
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
        try:
            while not self._stop.is_set():
                try:
                    worked = self.run_once()
                except Exception:  # the database may be briefly unavailable; keep the worker alive
                    log.exception("worker iteration failed")
                    worked = False
                if not worked:
                    self._wake.wait(self.poll_interval)
                    self._wake.clear()
        finally:
            self._process().close()

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

    def cancel(self, job_id: int) -> bool:
        """Cancel a queued or running job (a running one's process is killed within a second, by whichever
        server runs it); False when it has already finished."""
        with self.sessions() as db:
            result = db.execute(update(Job).where(Job.id == job_id, Job.status.in_(("queued", "running")))
                                .values(status="cancelled", error="已被管理员取消", finished=utcnow()))
            db.commit()
        return bool(result.rowcount)

    def _process(self) -> JobProcess:
        process = getattr(self._local, "process", None)
        if process is None:
            process = self._local.process = JobProcess(self.task_fn, self.limits)
        return process

    def _cancelled(self, job_id: int) -> bool:
        with self.sessions() as db:
            return db.scalar(select(Job.status).where(Job.id == job_id)) != "running"

    def _analyze(self, job_id: int, sha256: str, filename: str) -> Report | str:
        """The scored report, or why the worker process gave none."""
        task = JobTask(str(self.blobs.path(sha256)), filename, self.analyzer.topics_spec, self.database_url)
        outcome = self._process().run(task, lambda: self._cancelled(job_id))
        if outcome.status == "ok":
            return report_from_json(outcome.value)
        log.warning("job %s ended %s: %s", job_id, outcome.status, outcome.reason)
        return outcome.reason

    def process(self, job_id: int) -> None:
        """Parse and score the job's file in a worker process and store the report, all or nothing."""
        with self.sessions() as db:
            job = db.get(Job, job_id)
            if job is None:
                return
            sha256, filename = job.sha256, job.filename
            existing = db.scalar(select(ReportRow.id).where(ReportRow.sha256 == sha256))
        # No session stays open while the worker process runs (up to the time limit).
        result: Report | str | None = None if existing is not None else self._analyze(job_id, sha256, filename)
        with self.sessions() as db:
            job = db.get(Job, job_id)
            if job is None or job.status != "running":  # cancelled meanwhile: its record says so already
                return
            try:
                if isinstance(result, Report):
                    existing = store_report(db, result, filename, sha256)
                if isinstance(result, str):
                    job.status, job.error = "failed", result
                else:
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
