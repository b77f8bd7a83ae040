"""The service's analyzer (topic model and rubric; jobs are analysed by `service.analyze` in worker processes,
see service/web/jobtask.py) and what it stores of a report."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.common import counts_against
from eval.ranking import Entry, Ranked, city_of, province_of, rank
from eval.scoring import load_rubric
from models.topic_input import TopicInput
from nlp.ingest.detect import detect_format
from nlp.labels import T3_COLUMN_LABELS, T4_CELL_LABELS, T4_GROUP_LABELS, t3_row_label
from nlp.report import Meta, Report, Scorecard
from nlp.serialize import report_from_dict, report_to_dict
from service.analyze import DEFAULT_TOPICS, Topics

log = logging.getLogger(__name__)

UNSUPPORTED_FORMATS = frozenset({"binary", "empty", "doc"})


class Analyzer:
    """Holds the topic model and the rubric the service scores with; analysis itself is `service.analyze`."""

    def __init__(self, topic_model: str = DEFAULT_TOPICS, versions_dir: Path | None = None) -> None:
        self.topic_model = topic_model
        self.versions_dir = versions_dir
        self.rubric = load_rubric()
        self.topics = Topics.off()
        self.loaded = threading.Event()

    def load(self) -> None:
        """Load the topic model; a missing or broken model leaves topics off but the service working."""
        try:
            if self.topic_model != "off":
                self.topics = Topics.load(self._configured_path())
        finally:
            self.loaded.set()

    def _configured_path(self) -> str | Path:
        # A version promoted or rolled back to by retraining outranks the configured model after a restart.
        if self.versions_dir is not None:
            from training.versions import VersionStore

            current = VersionStore(self.versions_dir).current()
            if current is not None and current.path.is_dir():
                return current.path
        return self.topic_model

    @property
    def classifier(self) -> Any:
        """The loaded topic classifier, or None when topics are off or the model is missing."""
        return self.topics.classifier

    @property
    def model_version(self) -> str:
        """The version of the model serving now ("none" without one)."""
        return self.classifier.version if self.classifier is not None else "none"

    @property
    def model_path(self) -> Path | None:
        """Where the serving model was loaded from."""
        return Path(self.classifier.path) if self.classifier is not None else None

    @property
    def topics_spec(self) -> str | None:
        """What a job worker process loads to classify as this analyzer does: the serving model's directory,
        the configured one when it could not be loaded (so that the report carries the same warning), or
        None when topics are off."""
        if self.classifier is not None:
            return str(self.model_path)
        return None if self.topic_model == "off" else str(self._configured_path())

    @property
    def model_error(self) -> str | None:
        """Why no model is serving, if none is."""
        if self.classifier is not None:
            return None
        return "disabled" if self.topic_model == "off" else self.topics.unavailable

    def switch(self, path: Path) -> str:
        """Serve the model in `path` from now on, without a restart; returns its version."""
        from models.topics import load_classifier

        self.topics = Topics(load_classifier(path))
        log.info("now serving topic model %s from %s", self.model_version, path)
        return self.model_version

    def classify_texts(self, items: Sequence[str | TopicInput]) -> tuple[str, list[tuple[str, float, dict[str, float]]]] | None:
        """(model version, predictions) for sentences (with their context where given) with the current model;
        None when no model is loaded."""
        topics = self.topics
        if topics.classifier is None:
            return None
        with topics.lock:
            return topics.classifier.version, topics.classifier.classify(list(items))


def is_supported(data: bytes, filename: str) -> bool:
    """Whether the bytes look like a document we can read at all (PDF, DOCX, HTML, text)."""
    return detect_format(data, filename) not in UNSUPPORTED_FORMATS


def to_body(report: Report) -> dict[str, Any]:
    """The JSON contract stored for a report."""
    return report_to_dict(report)


def from_body(body: dict[str, Any]) -> Report:
    """The Report back from its stored JSON."""
    return report_from_dict(body)


@dataclass(frozen=True)
class Summary:
    """The columns of a report we filter, sort and rank on."""

    title: str | None
    agency: str | None
    region: str | None
    province: str
    city: str
    level: str | None
    year: int | None
    template: str | None
    score: float | None
    errors: int
    warnings: int
    rubric: str | None
    model_version: str | None


def summarize(report: Report) -> Summary:
    """The filterable columns of a scored report."""
    failed = [f for f in report.findings if counts_against(f)]
    models = {s.model for s in report.sentences if s.model}
    return Summary(
        title=report.meta.title, agency=report.meta.agency, region=report.meta.region,
        province=province_of(report.meta), city=city_of(report.meta), level=report.meta.level,
        year=report.meta.year, template=report.meta.template,
        score=report.score.total if report.score else None,
        errors=sum(1 for f in failed if f.severity == "error"),
        warnings=sum(1 for f in failed if f.severity == "warning"),
        rubric=report.score.rubric if report.score else None,
        model_version=next(iter(sorted(models)), None),
    )


def findings_of(report: Report) -> Iterator[tuple[str, str, bool | None]]:
    """(rule, severity, passed) of every finding, for rule statistics."""
    for f in report.findings:
        yield f.rule, f.severity, f.passed


def evidence_cells(evidence: Any) -> list[dict[str, Any]]:
    """Every table cell named anywhere in a finding's evidence (lhs, rhs, cells, …)."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if {"table", "row", "column"} <= node.keys():
                found.append(node)
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(evidence)
    return found


def cell_key(table: str, block: str | None, row: str, column: str) -> str:
    """One string naming a cell, used to mark it in the page."""
    return f"{table}|{block or ''}|{row}|{column}"


RankRow = tuple[int, float, str | None, str | None, str | None, str | None, str | None, str | None, int | None, int]


def rank_rows(rows: Iterable[RankRow], by: tuple[str, ...]) -> list[Ranked]:
    """Rank (id, score, rubric, agency, region, province, city, level, year, errors) rows with eval.ranking.

    The stored province and city go into the Meta, so groups match the ones the list shows (they come
    from the gazetteer and cannot be re-derived from the region alone)."""
    entries = (
        Entry(str(rid), Scorecard(score, {}, rubric or ""),
              Meta(agency=agency, region=region, province=province, city=city, level=level, year=year), errors)
        for rid, score, rubric, agency, region, province, city, level, year, errors in rows
    )
    return rank(entries, by)


def cell_label(table: str, row: str, column: str, block: str | None = None) -> str:
    """A reviewer's name for a cell (the evaluator's wording)."""
    from eval.common import cell_label as label

    return label(table, row, column, block)


def row_label(table: str, row: str) -> str:
    """A short label for a table row."""
    if table == "table3":
        return t3_row_label(row)
    if table == "table4":
        return T4_GROUP_LABELS.get(row, row)
    return row


def column_label(table: str, column: str) -> str:
    """A short label for a table column."""
    if table == "table3":
        return T3_COLUMN_LABELS.get(column, column)
    if table == "table4":
        return T4_CELL_LABELS.get(column, column)
    return column
