"""Run a batch: find inputs, score what is not yet scored, pair years, find duplicates, write every output."""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from eval.scoring import load_rubric
from nlp.report import INTERNAL_ERROR
from service.batch.dedup import Pair, flags, near_duplicates
from service.batch.engine import Done, Engine, TaskFn
from service.batch.html_page import render_index
from service.batch.inputs import Job, expand_inputs, with_hashes
from service.batch.journal import Entry, Journal, read_journal
from service.batch.minhash import from_hex
from service.batch.outputs import (
    DUP_COLUMNS,
    RANK_COLUMNS,
    pair_rows,
    rankings,
    write_csv,
    write_parquet,
)
from service.batch.pairing import (
    Candidate,
    candidates_from_batch,
    candidates_from_rows,
    is_batch_output,
    pair_previous,
)
from service.batch.report_page import write_report_pages
from service.batch.rows import Row, columns, complete, failure_row, overlay
from service.batch.settings import BatchSettings, settings_hash
from service.batch.task import Outcome, Task, run_task

log = logging.getLogger(__name__)


class Progress(Protocol):
    """Where the runner reports how far it is (the CLI draws a rich progress bar)."""

    def start(self, phase: str, total: int) -> None:
        """A phase begins with this many tasks."""
        ...

    def advance(self, status: str) -> None:
        """One task finished with this status."""
        ...


class _Silent:
    def start(self, phase: str, total: int) -> None:
        pass

    def advance(self, status: str) -> None:
        pass


class BatchError(RuntimeError):
    """The batch itself cannot run (no inputs, an unusable rubric, an output folder that cannot be written)."""


@dataclass
class BatchResult:
    """What a finished batch produced, for the summary."""

    out: Path
    rows: list[Row]
    pairs: list[Pair]
    reused: int = 0
    computed: int = 0
    seconds: float = 0.0
    unmatched: list[str] = field(default_factory=list)

    @property
    def by_status(self) -> Counter[str]:
        """How many reports ended in each status."""
        return Counter(r["status"] for r in self.rows)

    @property
    def failures(self) -> Counter[tuple[str, str]]:
        """Reports that were not scored, by (status, reason code); needs_review ones were scored and are apart."""
        return Counter((r["status"], r.get("error_code") or "") for r in self.rows
                       if r["status"] not in ("ok", "needs_review"))


def make_engine(settings: BatchSettings) -> Engine:
    """The engine the settings name."""
    if settings.engine == "ray":
        from service.batch.ray_engine import RayEngine

        return RayEngine(settings.workers, settings.limits, settings.address)
    if settings.engine == "local":
        from service.batch.local_pool import LocalPool

        return LocalPool(settings.workers, settings.limits)
    raise BatchError(f"unknown engine {settings.engine!r}: use local or ray")


class _LazyTasks(Sequence[Task]):
    """Tasks built when dispatched, so that thousands of report JSONs are never all in memory at once."""

    def __init__(self, build: Callable[[int], Task], n: int) -> None:
        self.build, self.n = build, n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, index: int) -> Task:  # type: ignore[override]
        return self.build(index)


@dataclass
class _State:
    settings: BatchSettings
    key: str
    out: Path
    journal: Journal
    done: dict[tuple[str, str], Entry]
    progress: Progress
    computed: int = 0

    @property
    def reports(self) -> Path:
        return self.out / "reports"

    def record(self, job: Job, previous: str, outcome: Outcome | None, failure: Done | None,
               code: str | None = None) -> None:
        if outcome is not None:
            if outcome.report_json is not None:
                target = self.reports / f"{job.sha256}.json"
                tmp = target.with_suffix(".tmp")
                tmp.write_text(outcome.report_json, encoding="utf-8")
                tmp.replace(target)
            entry = Entry(job.sha256, self.key, previous, outcome.row, outcome.signature, extra=outcome.extra)
        else:
            assert failure is not None
            entry = Entry(job.sha256, self.key, previous, failure_row(job, failure.status, failure.reason, code))
        self.journal.append(entry)
        self.done[(job.sha256, previous)] = entry
        self.computed += 1
        self.progress.advance(entry.row["status"])


def _run(engine: Engine, fn: TaskFn, state: _State, phase: str, jobs: list[tuple[Job, str]],
         build: Callable[[int], Task]) -> None:
    state.progress.start(phase, len(jobs))
    if not jobs:
        return
    for done in engine.map(fn, _LazyTasks(build, len(jobs))):
        job, previous = jobs[done.index]
        if done.status == "ok":
            state.record(job, previous, done.value, None)
        else:
            log.warning("%s: %s (%s)", job.path, done.status, done.reason)
            state.record(job, previous, None, done)


def _bare(job: Job) -> Job:
    """The job without manifest metadata: rows are cached by content and metadata is laid over them per path."""
    return replace(job, province=None, city=None, level=None, agency=None, year=None, published=None)


def _unique(jobs: list[Job]) -> list[Job]:
    """One job per content hash: the same bytes under two names are scored once."""
    seen: dict[str, Job] = {}
    for job in jobs:
        seen.setdefault(job.sha256, job)
    return list(seen.values())


# What --retry-failed scores again: worker failures (by status) and reports that failed through a bug of
# ours (by error code). A document that cannot be read fails the same way every time and is kept.
_RETRYABLE = frozenset({"timeout", "crashed", "memory", "error"})
_RETRYABLE_CODES = frozenset({INTERNAL_ERROR})


def _retryable(row: Row) -> bool:
    return row.get("status") in _RETRYABLE or row.get("error_code") in _RETRYABLE_CODES


def run_batch(
    inputs: list[str],
    out: Path,
    settings: BatchSettings | None = None,
    previous: Path | None = None,
    progress: Progress | None = None,
    task_fn: TaskFn = run_task,
    engine: Engine | None = None,
) -> BatchResult:
    """Score every report of the inputs into `out`, reusing what an earlier run of the same settings scored."""
    started = time.monotonic()
    settings = settings or BatchSettings()
    progress = progress or _Silent()
    try:
        load_rubric(settings.rubric)
        key = settings_hash(settings)
    except (OSError, ValueError) as exc:
        raise BatchError(f"评分细则不可用：{exc}") from exc
    found = expand_inputs(inputs)
    external: list[Candidate] = []
    if previous is not None:
        if is_batch_output(previous):
            external = candidates_from_batch(previous)
        else:
            found.jobs += expand_inputs([str(previous)], role="previous").jobs
    if not found.jobs:
        raise BatchError(f"没有找到可评价的报告：{', '.join(inputs)}")
    try:
        (out / "reports").mkdir(parents=True, exist_ok=True)
        journal = Journal(out)
    except OSError as exc:
        raise BatchError(f"无法写入输出目录 {out}：{exc}") from exc

    jobs = with_hashes(found.jobs)
    entries = [e for e in read_journal(out)
               if e.settings == key and not (settings.retry_failed and _retryable(e.row))]
    state = _State(settings, key, out, journal, {(e.sha256, e.previous): e for e in entries}, progress)
    reused = 0
    own_engine = engine is None
    engine = engine or make_engine(settings)
    try:
        # Phase 1: every distinct file, scored on its own.
        for job in jobs:
            if job.error and (job.sha256, "") not in state.done:
                state.record(job, "", None, Done(0, status="failed", reason=job.error), code="cannot_open")
        readable = _unique([j for j in jobs if not j.error])
        todo = [_bare(j) for j in readable if (j.sha256, "") not in state.done]
        reused += len(readable) - len(todo)
        _run(engine, task_fn, state, "评分", [(j, "") for j in todo],
             lambda i: Task(todo[i], settings.rubric, settings.parse, topics=settings.topics))

        alone = {j.path: overlay(state.done[(j.sha256, "")].row, j) for j in jobs}
        # Phase 2: reports whose previous year is known are scored again with the cross-year rules.
        pairs = pair_previous([alone[j.path] for j in jobs if j.role == "target"],
                              candidates_from_rows(list(alone.values()), state.reports) + external)
        second: dict[tuple[str, str], tuple[Job, Candidate]] = {}
        for job in jobs:
            cand = pairs.get(job.path)
            if cand is not None and (job.sha256, cand.sha256) not in second:
                second[(job.sha256, cand.sha256)] = (_bare(job), cand)
        reused += sum(1 for k in second if k in state.done)
        work = [v for k, v in second.items() if k not in state.done]

        def build_second(i: int) -> Task:
            job, cand = work[i]
            return Task(job, settings.rubric, settings.parse,
                        current_json=(state.reports / f"{job.sha256}.json").read_text(encoding="utf-8"),
                        previous_json=cand.json_path.read_text(encoding="utf-8"), previous_sha256=cand.sha256)

        _run(engine, task_fn, state, "跨年度比对", [(j, c.sha256) for j, c in work], build_second)
    finally:
        if own_engine:
            engine.close()
        journal.close()

    rows, dup_pairs = _final_rows(jobs, pairs, state, external)
    _write_outputs(out, rows, dup_pairs, settings, started, reused, state.computed)
    return BatchResult(out, rows, dup_pairs, reused, state.computed, time.monotonic() - started, found.unmatched)


def _final_rows(jobs: list[Job], pairs: dict[str, Candidate], state: _State,
                external: list[Candidate]) -> tuple[list[Row], list[Pair]]:
    targets = [j for j in jobs if j.role == "target"]
    rows: dict[str, Row] = {}
    for job in targets:
        prev = pairs[job.path].sha256 if job.path in pairs else ""
        entry = state.done.get((job.sha256, prev)) or state.done[(job.sha256, "")]
        rows[job.path] = overlay(entry.row, job)
    final_score = {r["sha256"]: r.get("score") for r in rows.values()}
    external_score = {c.sha256: c.score for c in external}
    for path, cand in pairs.items():
        row = rows[path]
        prev_score = final_score.get(cand.sha256, external_score.get(cand.sha256, cand.score))
        row["previous_sha256"] = cand.sha256
        row["previous_score"] = prev_score
        if prev_score is not None and row.get("score") is not None:
            row["score_change"] = round(float(row["score"]) - float(prev_score), 1)
    signatures: dict[str, np.ndarray] = {}
    for job in targets:
        sig = from_hex(state.done[(job.sha256, "")].signature)
        if sig is not None:
            signatures[job.path] = sig
    dup_pairs = near_duplicates(list(rows.values()), signatures, state.settings.dup_threshold)
    for path, (kind, share, other) in flags(dup_pairs).items():
        rows[path].update(duplicate=kind, duplicate_share=share, duplicate_of=other)
    return [rows[p] for p in sorted(rows)], dup_pairs


def _write_outputs(out: Path, rows: list[Row], dup_pairs: list[Pair], settings: BatchSettings, started: float,
                   reused: int, computed: int) -> None:
    rubric = load_rubric(settings.rubric)
    cols = columns(rows, [d.key for d in rubric.dimensions], list(rubric.rules))
    full = [complete(r, cols) for r in rows]
    write_csv(out / "results.csv", full, cols)
    write_parquet(out / "results.parquet", full, cols)
    write_csv(out / "rankings.csv", rankings(full), RANK_COLUMNS)
    write_csv(out / "duplicates.csv", pair_rows(dup_pairs), DUP_COLUMNS)
    status = Counter(r["status"] for r in full)
    # A report that failed through a bug of ours is not the document's fault: it counts as a processing failure.
    internal = sum(1 for r in full if r["status"] == "failed" and r.get("error_code") == INTERNAL_ERROR)
    summary: dict[str, Any] = {
        "报告总数": len(full), "评分成功": status.get("ok", 0),
        "需人工复核": status.get("needs_review", 0),  # read, but parts we could not: listed apart, not ranked
        "无法读取": status.get("failed", 0) - internal,
        "处理失败": internal + sum(n for s, n in status.items() if s not in ("ok", "needs_review", "failed")),
        "雷同对数": len(dup_pairs), "评分细则": rubric.version,
    }
    write_report_pages(out / "reports", [str(r["sha256"]) for r in full if r.get("sha256")], rubric)
    (out / "index.html").write_text(render_index(full, dup_pairs, summary), encoding="utf-8")
    stats = {"rows": len(full), "by_status": dict(status), "reused": reused, "computed": computed,
             "seconds": round(time.monotonic() - started, 2), "settings": settings_hash(settings)}
    (out / "summary.json").write_text(json.dumps(stats, ensure_ascii=False, indent=2), encoding="utf-8")
