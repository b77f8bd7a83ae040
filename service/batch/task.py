"""What a worker does with one report: parse, evaluate (with the previous year's report when paired)."""

from __future__ import annotations

import logging
import resource
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlp.pipeline import ParseSettings
from nlp.serialize import report_from_json, report_to_json
from service.analyze import Document, analyze, rubric_for, score, topics_for
from service.batch.inputs import Job
from service.batch.minhash import signature, to_hex
from service.batch.rows import Row, report_row

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Task:
    """One unit of work: score a file, or rescore an already-scored report against its previous year."""

    job: Job
    rubric: Path | None = None
    parse: ParseSettings = field(default_factory=ParseSettings)
    current_json: str | None = None  # set when rescoring: the report as scored alone
    previous_json: str | None = None
    previous_sha256: str = ""
    topics: str | None = None  # "default", a model directory, or None for no topic classification


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back: the row, the full score JSON and the text signature for reuse checks."""

    row: Row
    report_json: str | None
    signature: str = ""
    previous_sha256: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def narrative(report_text: str, spans: list[tuple[int, int]]) -> str:
    """The narrative sentences joined: what a reuse check compares (headings and tables left out)."""
    return "".join(report_text[s:e] for s, e in spans)


def run_task(task: Task) -> Outcome:
    """Do one task in this process. Never raises for a bad document: failures become rows."""
    rubric = rubric_for(task.rubric)
    previous = report_from_json(task.previous_json) if task.previous_json else None
    if task.current_json is not None:
        scored = score(report_from_json(task.current_json), previous, rubric)
    else:
        scored = analyze(Document.of_path(task.job.path), topics_for(task.topics), previous=previous,
                         rubric=rubric, settings=task.parse)
    sig = signature(narrative(scored.text, [(s.start, s.end) for s in scored.sentences]))
    row = report_row(task.job, scored)
    row["previous_sha256"] = task.previous_sha256 or None
    # Peak RSS goes to the journal only (it differs run to run), for the memory benchmark.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return Outcome(row, report_to_json(scored, indent=None), to_hex(sig), task.previous_sha256,
                   {"peak_rss_kb": peak})
