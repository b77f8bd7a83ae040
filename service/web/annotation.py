"""Review items, model suggestions and reviewers' answers: sync from reports, the queue, answers, agreement, JSONL."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.topic_input import TopicInput
from models.topics import report_inputs
from nlp import vocabulary
from nlp.labels import SECTION_NAMES, TOPIC_NAMES
from service.web.analyzer import Analyzer, from_body
from service.web.labelsets import Standing, current, recheck_note, standing
from service.web.models import (
    Annotation,
    AnnotationItem,
    Assignment,
    ReportRow,
    ReportSplit,
    Suggestion,
    User,
    utcnow,
)
from training.active import diverse_order, uncertainty
from training.agreement import agreement
from training.data import DEPLOYMENT_TEST_SHARE, deployment_split
from training.retrain import Answer, is_frozen, text_key

STATUSES = ("draft", "submitted", "skipped")
FINAL = ("submitted", "skipped")
CONTEXT_CHARS = 240
RECHECK_FIRST = 4.0  # added to an item's queue score: answers to ask again about come before everything else
MINE_FIRST = 2.0  # items given to this reviewer come before open ones whatever their uncertainty


@dataclass(frozen=True)
class Frozen:
    """What marks a sentence as part of the frozen test split: the shipped (or configured) test sentences and
    reports are never offered; answers from `test_share` of the deployment's own reports only ever test."""

    test_keys: frozenset[str] = frozenset()
    report_hashes: frozenset[str] = frozenset()
    test_share: float = DEPLOYMENT_TEST_SHARE


@dataclass(frozen=True)
class QueueFilters:
    """Which items the queue offers."""

    report_id: int | None = None
    section: str | None = None
    topic: str | None = None
    min_confidence: float | None = None
    max_confidence: float | None = None


def _paragraph(body: dict[str, Any], start: int, end: int) -> tuple[str, str]:
    """The paragraph text before and after a sentence, cut to a readable length.

    PDF blocks are often single lines, so a paragraph is taken as the run of paragraph blocks between two
    headings around the sentence; without blocks, the line the sentence sits on.
    """
    text = body.get("text") or ""
    blocks = sorted(body.get("blocks") or [], key=lambda b: b.get("start", 0))
    hit = [i for i, b in enumerate(blocks) if b.get("start", 0) < end and b.get("end", 0) > start]
    if hit:
        first, last = hit[0], hit[-1]
        while first > 0 and blocks[first - 1].get("kind") == "paragraph" and blocks[first].get("kind") == "paragraph":
            first -= 1
        while (last + 1 < len(blocks) and blocks[last + 1].get("kind") == "paragraph"
               and blocks[last].get("kind") == "paragraph"):
            last += 1
        lo, hi = min(start, blocks[first]["start"]), max(end, blocks[last]["end"])
    else:
        lo = text.rfind("\n", 0, start) + 1
        nl = text.find("\n", end)
        hi = len(text) if nl < 0 else nl
    return text[max(lo, start - CONTEXT_CHARS) : start], text[end : min(hi, end + CONTEXT_CHARS)]


def sync_items(db: Session, analyzer: Analyzer, frozen: Frozen, agreement_fraction: float = 0.0) -> int:
    """Create review items (with suggestions) for every stored report that has none yet; returns how many.

    Several requests may build at once (each queue request syncs first): the unique span of an item makes
    the second builder of a report fail on insert, and it then leaves that report to the first.
    """
    pending = db.execute(
        select(ReportRow.id, ReportRow.sha256, ReportRow.body).where(
            ReportRow.status == "ok", ~select(AnnotationItem.id).where(AnnotationItem.report_id == ReportRow.id).exists()
        )
    ).all()
    created = 0
    for report_id, sha256, raw in pending:
        body = json.loads(raw)
        items = []
        for s in body.get("sentences") or []:
            text = (s.get("text") or "").strip()
            if not text:
                continue
            before, after = _paragraph(body, s["start"], s["end"])
            key = text_key(text)
            items.append((AnnotationItem(
                report_id=report_id, start=s["start"], end=s["end"], section=s.get("section"), text=text,
                before=before, after=after, text_key=key, frozen=is_frozen(text, sha256, frozen.test_keys,
                                                                           frozen.report_hashes),
            ), s))
        if not items:
            continue
        try:
            _record_split(db, sha256, frozen.test_share)
            db.add_all([it for it, _ in items])
            db.flush()
        except IntegrityError:
            # Another request built this report's items between our read and our write: theirs stand.
            db.rollback()
            continue
        # With the section and previous sentence the report page's topics were given, so both agree.
        inputs = _inputs_by_span(body)
        predicted = analyzer.classify_texts([inputs.get((it.start, it.end), TopicInput(it.text, it.section))
                                             for it, _ in items])
        for n, (item, s) in enumerate(items):
            if predicted is not None:
                version, preds = predicted
                label, conf, scores = preds[n]
            elif s.get("topic") in current()[1]:
                # No model now, but the report was classified when it was stored: keep that suggestion.
                version, label, conf = s.get("model") or "unknown", s["topic"], float(s.get("confidence") or 0.0)
                scores = {label: conf}
            else:
                continue
            db.add(Suggestion(item_id=item.id, label=label, confidence=round(conf, 4), scores=json.dumps(scores),
                              uncertainty=uncertainty(scores), model_version=version, current=True))
        if agreement_fraction > 0:
            _assign_pairs(db, [it for it, _ in items if not it.frozen], agreement_fraction, seed=report_id)
        db.commit()  # one report at a time, so a conflict on the next one loses nothing here
        created += len(items)
    return created


def _record_split(db: Session, sha256: str, share: float) -> None:
    """Fix a report's side of the deployment's test split when it is first offered for review; never changed."""
    if db.get(ReportSplit, sha256) is None:
        db.add(ReportSplit(sha256=sha256, split=deployment_split(sha256, share)))


REVIEWER_ROLES = ("reviewer", "admin")


def active_reviewers(db: Session, names: Iterable[str] | None = None) -> list[int]:
    """Active accounts that may answer (reviewers and admins), all of them or those named."""
    query = select(User.id).where(User.active.is_(True), User.role.in_(REVIEWER_ROLES))
    if names is not None:
        query = query.where(User.username.in_(list(names)))
    return list(db.scalars(query.order_by(User.id)))


def _assign_pairs(db: Session, items: list[AnnotationItem], fraction: float, seed: int,
                  reviewers: list[int] | None = None) -> int:
    """Give a share of the items to two reviewers each, rotating through the pairs."""
    people = reviewers if reviewers is not None else active_reviewers(db)
    if len(people) < 2 or not items:
        return 0
    rng = random.Random(seed)
    chosen = [it for it in items if rng.random() < fraction]
    pairs = [(a, b) for i, a in enumerate(people) for b in people[i + 1 :]]
    for n, item in enumerate(chosen):
        a, b = pairs[n % len(pairs)]
        for reviewer in (a, b):
            if db.scalar(select(Assignment.id).where(Assignment.item_id == item.id,
                                                     Assignment.reviewer_id == reviewer)) is None:
                db.add(Assignment(item_id=item.id, reviewer_id=reviewer))
    return len(chosen)


def assign(db: Session, reviewer_ids: list[int], fraction: float, report_id: int | None = None,
           seed: int = 0) -> int:
    """Give a share of the items nobody has answered yet (of one report, or all) to pairs of these reviewers;
    returns how many."""
    query = select(AnnotationItem).where(AnnotationItem.frozen.is_(False),
                                         ~select(Assignment.id).where(Assignment.item_id == AnnotationItem.id).exists())
    if report_id is not None:
        query = query.where(AnnotationItem.report_id == report_id)
    answered = {item for (item, _), a in _latest_answers(db).items() if a.done}
    items = [it for it in db.scalars(query.order_by(AnnotationItem.id)) if it.id not in answered]
    count = _assign_pairs(db, items, fraction, seed, reviewer_ids)
    db.commit()
    return count


def _inputs_by_span(body: dict[str, Any]) -> dict[tuple[int, int], TopicInput]:
    """Each sentence of a stored report as the classifier reads it (section and previous sentence), by its span."""
    report = from_body(body)
    return {(s.start, s.end): x for s, x in zip(report.sentences, report_inputs(report), strict=True)}


def _item_inputs(db: Session, items: list[tuple[int, int, int, str, str | None]]) -> list[TopicInput]:
    """Items given as (report id, start, end, text, section), each as the classifier reads it: with the section
    and previous sentence of its stored report (one read of each report's body)."""
    bodies = dict(db.execute(select(ReportRow.id, ReportRow.body)
                             .where(ReportRow.id.in_({report_id for report_id, *_ in items}))).all())
    spans = {report_id: _inputs_by_span(json.loads(body)) for report_id, body in bodies.items()}
    return [spans.get(report_id, {}).get((start, end), TopicInput(text, section))
            for report_id, start, end, text, section in items]


def refresh_suggestions(db: Session, analyzer: Analyzer, batch: int = 512) -> int:
    """Re-score every item whose current suggestion comes from another model version; returns how many."""
    version = analyzer.model_version
    stale = list(db.scalars(
        select(AnnotationItem).where(~select(Suggestion.id).where(
            Suggestion.item_id == AnnotationItem.id, Suggestion.current.is_(True),
            Suggestion.model_version == version).exists()).order_by(AnnotationItem.id)))
    done = 0
    for i in range(0, len(stale), batch):
        chunk = stale[i : i + batch]
        predicted = analyzer.classify_texts(_item_inputs(
            db, [(it.report_id, it.start, it.end, it.text, it.section) for it in chunk]))
        if predicted is None:
            return done
        version, preds = predicted
        db.execute(update(Suggestion).where(Suggestion.item_id.in_([it.id for it in chunk]))
                   .values(current=False))
        for item, (label, conf, scores) in zip(chunk, preds, strict=True):
            db.add(Suggestion(item_id=item.id, label=label, confidence=round(conf, 4), scores=json.dumps(scores),
                              uncertainty=uncertainty(scores), model_version=version, current=True))
        db.commit()
        done += len(chunk)
    return done


@dataclass(frozen=True)
class Latest:
    """A reviewer's latest answer to an item, and whether it stands under the label set now in use.

    Plain columns, not ORM rows: the progress table is recomputed after every answer, over every answer.
    """

    id: int
    item_id: int
    reviewer_id: int
    label: str | None
    status: str
    label_set: int
    section: str | None

    @cached_property
    def standing(self) -> Standing:
        """valid, recheck (the current set split its label here) or void (its label is gone)."""
        return standing(self.label, self.label_set, self.section)

    @property
    def done(self) -> bool:
        """Final and standing: the item needs nothing more from this reviewer."""
        return self.status in FINAL and self.standing == "valid"

    @property
    def stale(self) -> bool:
        """Final but given under a label set that no longer lets it stand: it is asked again."""
        return self.status in FINAL and self.standing != "valid"

    @property
    def note(self) -> str | None:
        """Why the queue asks again, in Chinese (None for a standing or unfinished answer)."""
        return recheck_note(self.label, self.label_set, self.section) if self.stale else None


def _latest_answers(db: Session, kind: str = "review",
                    item_ids: Iterable[int] | None = None) -> dict[tuple[int, int], Latest]:
    """The latest answer per (item, reviewer) of one kind, with the item's section (label sets need it)."""
    latest = (select(func.max(Annotation.id)).where(Annotation.kind == kind)
              .group_by(Annotation.item_id, Annotation.reviewer_id))
    query = (select(Annotation.id, Annotation.item_id, Annotation.reviewer_id, Annotation.label, Annotation.status,
                    Annotation.label_set, AnnotationItem.section)
             .join(AnnotationItem, AnnotationItem.id == Annotation.item_id).where(Annotation.id.in_(latest)))
    if item_ids is not None:
        query = query.where(Annotation.item_id.in_(list(item_ids)))
    return {(row.item_id, row.reviewer_id): Latest(*row) for row in db.execute(query)}


def queue(db: Session, reviewer_id: int, filters: QueueFilters, limit: int = 50,
          penalty: float = 1.0) -> list[dict[str, Any]]:
    """The next items for a reviewer: answers to ask again about under the current label set first, then items
    given to them, then open items, most uncertain first, near-duplicates of already-queued sentences pushed
    back."""
    query = (select(AnnotationItem, Suggestion, ReportRow.filename, ReportRow.agency, ReportRow.year)
             .join(ReportRow, ReportRow.id == AnnotationItem.report_id)
             .outerjoin(Suggestion, (Suggestion.item_id == AnnotationItem.id) & Suggestion.current.is_(True))
             .where(AnnotationItem.frozen.is_(False)))
    if filters.report_id is not None:
        query = query.where(AnnotationItem.report_id == filters.report_id)
    if filters.section:
        query = query.where(AnnotationItem.section == filters.section)
    if filters.topic:
        query = query.where(Suggestion.label == filters.topic)
    if filters.min_confidence is not None:
        query = query.where(Suggestion.confidence >= filters.min_confidence)
    if filters.max_confidence is not None:
        query = query.where(Suggestion.confidence <= filters.max_confidence)
    rows = db.execute(query).all()
    answers = _latest_answers(db)
    assigned: dict[int, set[int]] = {}
    for item_id, reviewer in db.execute(select(Assignment.item_id, Assignment.reviewer_id)):
        assigned.setdefault(item_id, set()).add(reviewer)
    done_by: dict[int, set[int]] = {}
    notes: dict[int, str] = {}
    for (item_id, reviewer), a in answers.items():
        if a.done:
            done_by.setdefault(item_id, set()).add(reviewer)
        elif a.note and (reviewer == reviewer_id or item_id not in notes):
            notes[item_id] = a.note  # the reviewer's own old answer explains best; else anyone's
    candidates, texts, scores = [], [], []
    for item, sugg, filename, agency, year in rows:
        if reviewer_id in done_by.get(item.id, set()):
            continue
        people = assigned.get(item.id, set())
        own = answers.get((item.id, reviewer_id))
        mine = reviewer_id in people
        # A reviewer whose own answer no longer stands is asked again whoever else has answered since.
        if not (own and own.stale):
            if people and not mine:
                continue  # given to other reviewers
            if not people and done_by.get(item.id):
                continue  # answered once and not meant for a second opinion
        candidates.append((item, sugg, filename, agency, year, own))
        texts.append(item.text)
        scores.append((sugg.uncertainty if sugg else 1.0) + (MINE_FIRST if mine else 0.0)
                      + (RECHECK_FIRST if item.id in notes else 0.0))
    picked = diverse_order(candidates, texts, scores, limit, penalty)
    return [_entry(item, sugg, filename, agency, year, mine, notes.get(item.id))
            for item, sugg, filename, agency, year, mine in picked]


def _entry(item: AnnotationItem, sugg: Suggestion | None, filename: str, agency: str | None, year: int | None,
           mine: Latest | None, note: str | None) -> dict[str, Any]:
    return {
        "id": item.id, "report_id": item.report_id, "report": agency or filename, "year": year,
        "section": item.section, "section_label": SECTION_NAMES.get(item.section or "", "（未归入部分）"),
        "text": item.text, "before": item.before, "after": item.after,
        "suggestion": _suggestion_dict(sugg),
        "answer": ({"label": mine.label, "status": mine.status, "label_set": mine.label_set}
                   if mine else None),
        "recheck": note,
    }


def _suggestion_dict(sugg: Suggestion | None) -> dict[str, Any] | None:
    if sugg is None:
        return None
    return {"label": sugg.label, "label_zh": TOPIC_NAMES.get(sugg.label, sugg.label), "confidence": sugg.confidence,
            "scores": json.loads(sugg.scores), "uncertainty": sugg.uncertainty, "model_version": sugg.model_version}


def label_choices(labels: Iterable[str]) -> str:
    """What a refused label should have been: each topic's Chinese name with the code the API takes."""
    return "标签应为：" + "、".join(f"{TOPIC_NAMES.get(k, k)}（{k}）" for k in labels)


class AnswerError(ValueError):
    """An answer that cannot be recorded (unknown item, label or status)."""


def answer(db: Session, item_id: int, reviewer_id: int, label: str | None, status: str,
           kind: str = "review") -> Annotation:
    """Append a reviewer's answer under the current label set; a submitted answer needs a label, a skip has
    none."""
    item = db.get(AnnotationItem, item_id)
    if item is None:
        raise AnswerError("条目不存在")
    if item.frozen:
        raise AnswerError("该句属于冻结测试集，不能标注")
    if status not in STATUSES:
        raise AnswerError(f"status 应为 {'/'.join(STATUSES)}")
    version, labels = current()
    if (status == "submitted" or label is not None) and label not in labels:
        raise AnswerError(label_choices(labels))
    sugg = db.scalar(select(Suggestion.id).where(Suggestion.item_id == item_id, Suggestion.current.is_(True)))
    row = Annotation(item_id=item_id, reviewer_id=reviewer_id, label=None if status == "skipped" else label,
                     status=status, kind=kind, label_set=version, suggestion_id=sugg, created=utcnow())
    db.add(row)
    db.commit()
    return row


def undo(db: Session, item_id: int, reviewer_id: int) -> Annotation | None:
    """Take back a reviewer's final answer: a new draft row keeps the label (unless the current label set has
    no such label), so history shows both steps."""
    latest = _latest_answers(db, item_ids=[item_id]).get((item_id, reviewer_id))
    if latest is None or latest.status == "draft":
        return db.get(Annotation, latest.id) if latest else None
    label = latest.label if latest.label in current()[1] else None
    return answer(db, item_id, reviewer_id, label, "draft")


def history(db: Session, item_id: int) -> dict[str, Any]:
    """Every suggestion and every answer step of one item."""
    names = dict(db.execute(select(User.id, User.username)).all())
    suggestions = db.scalars(select(Suggestion).where(Suggestion.item_id == item_id).order_by(Suggestion.id))
    answers = db.scalars(select(Annotation).where(Annotation.item_id == item_id).order_by(Annotation.id))
    return {
        "item_id": item_id,
        "suggestions": [{**(_suggestion_dict(s) or {}), "current": s.current, "created": _iso(s.created)}
                        for s in suggestions],
        "answers": [{"reviewer": names.get(a.reviewer_id), "label": a.label, "status": a.status, "kind": a.kind,
                     "label_set": a.label_set, "created": _iso(a.created)} for a in answers],
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def progress(db: Session) -> list[dict[str, Any]]:
    """Per reviewer: submitted, skipped and draft items, answers to give again under the current label set
    (recheck, not counted as submitted), and what is still open to them."""
    names = dict(db.execute(select(User.id, User.username)).all())
    # Counted by the database per kind of answer (it runs after every answer, over every answer); whether an
    # answer stands depends only on its label, label set and section, so each kind is judged once.
    latest = (select(func.max(Annotation.id)).where(Annotation.kind == "review")
              .group_by(Annotation.item_id, Annotation.reviewer_id))
    kinds = (Annotation.reviewer_id, Annotation.status, Annotation.label, Annotation.label_set, AnnotationItem.section)
    counts: dict[int, dict[str, int]] = {}
    for reviewer, status, label, label_set, section, n in db.execute(
            select(*kinds, func.count()).join(AnnotationItem, AnnotationItem.id == Annotation.item_id)
            .where(Annotation.id.in_(latest)).group_by(*kinds)):
        stale = status in FINAL and standing(label, label_set, section) != "valid"
        counts.setdefault(reviewer, dict.fromkeys((*STATUSES, "recheck"), 0))["recheck" if stale else status] += n
    total = db.scalar(select(func.count(AnnotationItem.id)).where(AnnotationItem.frozen.is_(False))) or 0
    assigned = dict(db.execute(select(Assignment.reviewer_id, func.count(Assignment.id))
                               .group_by(Assignment.reviewer_id)).all())
    return [{"reviewer": names.get(r, str(r)), "reviewer_id": r, **c, "assigned": assigned.get(r, 0),
             "items": total} for r, c in sorted(counts.items())]


@dataclass
class Resolved:
    """The training label of every answered item, and the items two reviewers disagree on."""

    labels: dict[int, str] = field(default_factory=dict)
    disagreements: dict[int, dict[str, str]] = field(default_factory=dict)
    by_reviewer: dict[int, dict[str, str]] = field(default_factory=dict)


def resolve(db: Session) -> Resolved:
    """Only submitted answers that stand under the current label set count: an adjudication decides; otherwise
    reviewers who agree decide; a disagreement without adjudication trains nothing until an admin settles it."""
    names = dict(db.execute(select(User.id, User.username)).all())
    out = Resolved()
    for (item_id, reviewer), a in _latest_answers(db).items():
        if a.status == "submitted" and a.label and a.done:
            out.by_reviewer.setdefault(item_id, {})[names.get(reviewer, str(reviewer))] = a.label
    adjudicated = {item_id: a.label for (item_id, _), a in _latest_answers(db, "adjudication").items()
                   if a.status == "submitted" and a.label and a.done}
    for item_id, labels in out.by_reviewer.items():
        distinct = set(labels.values())
        if item_id in adjudicated:
            out.labels[item_id] = adjudicated[item_id]
        elif len(distinct) == 1:
            out.labels[item_id] = distinct.pop()
        else:
            out.disagreements[item_id] = labels
    for item_id, label in adjudicated.items():
        out.labels.setdefault(item_id, label)
    return out


def _answers_by_split(db: Session) -> dict[str, list[Answer]]:
    """The resolved submitted answers (frozen items never), by the side of the deployment's split their report
    is on."""
    out: dict[str, list[Answer]] = {"train": [], "test": []}
    resolved = resolve(db)
    if not resolved.labels:
        return out
    rows = db.execute(select(AnnotationItem.id, AnnotationItem.text, AnnotationItem.frozen, AnnotationItem.start,
                             AnnotationItem.end, AnnotationItem.section, ReportRow.id, ReportRow.sha256, ReportSplit.split)
                      .join(ReportRow, ReportRow.id == AnnotationItem.report_id)
                      .outerjoin(ReportSplit, ReportSplit.sha256 == ReportRow.sha256)
                      .where(AnnotationItem.id.in_(list(resolved.labels)))).all()
    kept = [row for row in rows if not row[2]]  # frozen items never train or test
    # Answers train and test with the context the classifier reads them in when it serves.
    inputs = _item_inputs(db, [(report_id, start, end, text, section)
                               for _, text, _, start, end, section, report_id, _, _ in kept])
    for (item_id, text, _, _, _, _, _, sha, split), x in zip(kept, inputs, strict=True):
        answer = Answer(text, resolved.labels[item_id], sha, str(item_id), x.section, x.previous)
        # Only a recorded test report tests; reports reviewed before splits existed were marked train.
        out["test" if split == "test" else "train"].append(answer)
    return out


def training_answers(db: Session) -> list[Answer]:
    """The resolved submitted answers as training examples (frozen items and the deployment's test reports
    never)."""
    return _answers_by_split(db)["train"]


def heldout_answers(db: Session) -> list[Answer]:
    """The resolved submitted answers of the deployment's test reports: its own frozen test split."""
    return _answers_by_split(db)["test"]


def agreement_report(db: Session) -> dict[str, Any]:
    """Cohen's kappa per reviewer pair and per label, over items two or more reviewers submitted."""
    resolved = resolve(db)
    return agreement({k: v for k, v in resolved.by_reviewer.items() if len(v) >= 2}, current()[1])


def disagreements(db: Session) -> list[dict[str, Any]]:
    """Items whose reviewers disagree and no admin has adjudicated, with each reviewer's label."""
    resolved = resolve(db)
    if not resolved.disagreements:
        return []
    rows = db.execute(select(AnnotationItem, Suggestion)
                      .outerjoin(Suggestion, (Suggestion.item_id == AnnotationItem.id) & Suggestion.current.is_(True))
                      .where(AnnotationItem.id.in_(list(resolved.disagreements))).order_by(AnnotationItem.id)).all()
    return [{"id": item.id, "report_id": item.report_id, "text": item.text, "before": item.before,
             "after": item.after, "section_label": SECTION_NAMES.get(item.section or "", "（未归入部分）"),
             "labels": resolved.disagreements[item.id], "suggestion": _suggestion_dict(sugg)} for item, sugg in rows]


def export_jsonl(db: Session) -> Iterator[str]:
    """Every answer step (full history) as JSON Lines, each with its sentence and the suggestion shown."""
    names = dict(db.execute(select(User.id, User.username)).all())
    rows = db.execute(select(Annotation, AnnotationItem, ReportRow.sha256, ReportRow.filename, Suggestion)
                      .join(AnnotationItem, AnnotationItem.id == Annotation.item_id)
                      .join(ReportRow, ReportRow.id == AnnotationItem.report_id)
                      .outerjoin(Suggestion, Suggestion.id == Annotation.suggestion_id)
                      .order_by(Annotation.id))
    for a, item, sha, filename, sugg in rows:
        record = {"report_sha256": sha, "filename": filename, "start": item.start, "end": item.end,
                  "section": item.section, "text": item.text, "reviewer": names.get(a.reviewer_id),
                  "label": a.label, "label_set": a.label_set, "status": a.status, "kind": a.kind,
                  "created": _iso(a.created),
                  "suggestion": _suggestion_dict(sugg)}
        yield json.dumps(record, ensure_ascii=False) + "\n"


@dataclass
class Imported:
    """What an import did."""

    added: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"added": self.added, "duplicates": self.duplicates, "errors": self.errors[:50],
                "n_errors": len(self.errors)}


class ImportRow(BaseModel):
    """One imported answer, as `export_jsonl` writes it; anything else is reported for its line."""

    model_config = ConfigDict(extra="ignore")

    reviewer: str = Field(max_length=64)
    status: Literal["draft", "submitted", "skipped"]
    label: str | None = None
    kind: Literal["review", "adjudication"] = "review"
    label_set: int = 1  # exports made before label sets existed were all answered under set 1
    report_sha256: str | None = Field(None, max_length=64)
    start: int | None = None
    end: int | None = None
    text: str | None = Field(None, max_length=10000)
    created: datetime | None = None

    @model_validator(mode="after")
    def _known_label(self) -> ImportRow:
        """The label must belong to the set the answer was given under; whether it still stands is decided
        where answers are read, as for answers given here."""
        labels = vocabulary.LABEL_SETS.get(self.label_set)
        if labels is None:
            raise ValueError(f"label_set 应为 {'/'.join(map(str, vocabulary.LABEL_SETS))}")
        if self.label is not None and self.label not in labels:
            raise ValueError(label_choices(labels))
        return self


def _parse_row(line: str) -> ImportRow | str:
    """The validated row, or why it was refused."""
    try:
        rec = json.loads(line)
    except ValueError:
        return "不是有效的 JSON"
    if not isinstance(rec, dict):
        return "不是 JSON 对象"
    try:
        row = ImportRow.model_validate(rec)
    except ValidationError as exc:
        fields = sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]})
        if not fields:  # a check across fields (a label outside its label set) says what it wants itself
            return "；".join(str(e.get("ctx", {}).get("error") or e["msg"]) for e in exc.errors())
        return f"字段 {'、'.join(fields)} 无效"
    if row.status == "submitted" and row.label is None:
        return "submitted 的答复需要 label"
    return row


def import_jsonl(db: Session, lines: Iterable[str]) -> Imported:
    """Load answers exported by `export_jsonl` (here or from another server): sentences are found by report
    hash and span, else by text; reviewers by name, and only active reviewers' and admins' answers (an
    adjudication only an admin's); rows already present are skipped, bad rows reported by line number."""
    out = Imported()
    users = {name: (uid, role) for uid, name, role in db.execute(select(User.id, User.username, User.role)
                                                                 .where(User.active.is_(True)))}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        row = _parse_row(line)
        if isinstance(row, str):
            out.errors.append(f"第 {n} 行：{row}")
            continue
        if row.reviewer not in users:
            out.errors.append(f"第 {n} 行：评审员 {row.reviewer!r} 不存在或已停用")
            continue
        reviewer, role = users[row.reviewer]
        if role not in REVIEWER_ROLES:
            out.errors.append(f"第 {n} 行：{row.reviewer!r} 不是评审员，其答复不导入")
            continue
        if row.kind == "adjudication" and role != "admin":
            out.errors.append(f"第 {n} 行：裁决只能来自管理员")
            continue
        item_id = None
        if row.report_sha256 and row.start is not None and row.end is not None:
            item_id = db.scalar(select(AnnotationItem.id).join(ReportRow, ReportRow.id == AnnotationItem.report_id)
                                .where(ReportRow.sha256 == row.report_sha256, AnnotationItem.start == row.start,
                                       AnnotationItem.end == row.end))
        if item_id is None and row.text:
            item_id = db.scalar(select(AnnotationItem.id).where(AnnotationItem.text_key == text_key(row.text))
                                .order_by(AnnotationItem.id).limit(1))
        if item_id is None:
            out.errors.append(f"第 {n} 行：找不到该句")
            continue
        created = row.created or utcnow()
        same = select(Annotation.id).where(Annotation.item_id == item_id, Annotation.reviewer_id == reviewer,
                                           Annotation.status == row.status, Annotation.kind == row.kind,
                                           Annotation.created == created)
        same = same.where(Annotation.label.is_(None) if row.label is None else Annotation.label == row.label)
        if db.scalar(same) is not None:
            out.duplicates += 1
            continue
        db.add(Annotation(item_id=item_id, reviewer_id=reviewer, label=row.label, status=row.status, kind=row.kind,
                          label_set=row.label_set, created=created))
        out.added += 1
    db.commit()
    return out
