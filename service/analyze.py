"""The one analysis path that CLI, batch and web call: document → Report → topics → findings → score."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nlp.pipeline import ParseSettings, parse_bytes, parse_file
from nlp.report import Meta, Report, ReportError

if TYPE_CHECKING:
    from eval.scoring import Rubric

log = logging.getLogger(__name__)

DEFAULT_TOPICS = "default"

# The previous year: a report already read, a lookup by this year's metadata (the web's database), or none.
Previous = Report | Callable[[Meta], Report | None] | None


@dataclass(frozen=True)
class Document:
    """A report to analyse: a file on disk, or bytes held in memory with the name they were uploaded under."""

    name: str
    data: bytes | None = None

    @classmethod
    def of_path(cls, path: str | Path) -> Document:
        """A document read from disk when analysed (an unreadable path becomes a failed Report)."""
        return cls(str(path))


@dataclass
class Topics:
    """The topic model sentences are classified with, or why they stay unclassified."""

    classifier: Any = None
    unavailable: str | None = None  # the reason a requested model could not be used
    # One classification at a time across the web's worker threads: each batch already uses the BLAS threads.
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def off(cls) -> Topics:
        """No classification asked for (`--no-topics`): sentences stay unclassified, without a warning."""
        return cls()

    @classmethod
    def load(cls, spec: str | Path | None) -> Topics:
        """The model `spec` names ("default": the shipped one; a directory; None: off).

        A model that cannot be loaded leaves topics off with the reason kept, so every interface then
        produces the same report, with the same warning on it."""
        if spec is None:
            return cls.off()
        from models.topics import ModelError, load_classifier

        try:
            return cls(load_classifier(None if str(spec) == DEFAULT_TOPICS else spec))
        except ModelError as exc:
            log.warning("topic model unavailable, sentences stay unclassified: %s", exc)
            return cls(unavailable=str(exc))

    def classify(self, report: Report) -> Report:
        """The report with every sentence's topic filled, or a warning saying why that was not possible."""
        if report.status == "failed":
            return report
        if self.classifier is None:
            if self.unavailable is None:
                return report
            error = ReportError("topics_unavailable", f"主题模型无法加载，句子未分类：{self.unavailable}", "warning")
            return replace(report, errors=(*report.errors, error))
        from models.topics import classify_report

        # classify_report feeds each sentence with its section and the sentence before it (models.topics).
        with self.lock:
            return classify_report(report, self.classifier)


@lru_cache(maxsize=1)
def topics_for(spec: str | Path | None) -> Topics:
    """The topic model, loaded once per worker process (batch and web workers live long); a different spec, such
    as a model promoted by retraining, replaces the one kept."""
    return Topics.load(spec)


@lru_cache(maxsize=4)
def rubric_for(path: Path | None) -> Rubric:
    """The rubric, loaded once per worker process."""
    from eval.scoring import load_rubric  # the evaluator loads for scoring only, not for `parse`

    return load_rubric(path)


def read(document: Document, topics: Topics, settings: ParseSettings | None = None) -> Report:
    """Parse the document and classify its sentences; never raises for bad input."""
    if document.data is None:
        report = parse_file(document.name, settings)
    else:
        report = parse_bytes(document.data, document.name, settings)
    return topics.classify(report)


def score(report: Report, previous: Previous = None, rubric: Rubric | None = None) -> Report:
    """Findings and score of a report already read, against its previous year when there is one."""
    before = None
    if report.status != "failed":
        before = previous(report.meta) if callable(previous) else previous
    if before is not None and before.status == "failed":
        # An unreadable previous year has no text or tables to compare with: the report is scored alone.
        log.warning("previous year %s could not be read; scoring without it", before.source.path)
        before = None
    from eval.scoring import evaluate, load_rubric

    return evaluate(report, before, rubric or load_rubric())


def analyze(document: Document, topics: Topics, *, previous: Previous = None, rubric: Rubric | None = None,
            settings: ParseSettings | None = None) -> Report:
    """File → Report → topics → findings → score: the whole analysis of one report."""
    return score(read(document, topics, settings), previous, rubric)
