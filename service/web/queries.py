"""Report queries: filters, sorting, paging, rankings and rule statistics over the stored reports."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from nlp.labels import STATUS_NAMES, reason_name
from service.web.analyzer import Ranked, rank_rows
from service.web.models import FindingRow, ReportRow
from service.web.rankcache import CACHE, RANKINGS

SORTABLE = {
    "id": ReportRow.id, "score": ReportRow.score, "year": ReportRow.year, "agency": ReportRow.agency,
    "province": ReportRow.province, "city": ReportRow.city, "level": ReportRow.level,
    "errors": ReportRow.errors, "status": ReportRow.status, "created": ReportRow.created,
}
GROUPINGS = ("province", "city", "level", "year")
# Scores that compare: only reports read whole. One with parts we could not read (needs_review), one that could
# not be read or is not a report (failed) is listed apart, never ranked or averaged.
COMPARABLE = ReportRow.score.is_not(None) & (ReportRow.status == "ok")
UNRANKED_SHOWN = 50  # reports listed apart on one page; the total is always given
LIST_COLUMNS = (ReportRow.id, ReportRow.filename, ReportRow.format, ReportRow.status, ReportRow.title,
                ReportRow.agency, ReportRow.region, ReportRow.province, ReportRow.city, ReportRow.level,
                ReportRow.year, ReportRow.template, ReportRow.score, ReportRow.errors, ReportRow.warnings,
                ReportRow.rubric, ReportRow.model_version, ReportRow.sha256, ReportRow.created)


@dataclass(frozen=True)
class Filters:
    """What a list, ranking or export is restricted to; every field is optional."""

    province: str | None = None
    city: str | None = None
    level: str | None = None
    year: int | None = None
    status: str | None = None
    min_score: float | None = None
    max_score: float | None = None
    q: str | None = None

    def apply(self, query: Select[Any]) -> Select[Any]:
        """The query restricted to matching reports."""
        for name in ("province", "city", "level", "year", "status"):
            value = getattr(self, name)
            if value not in (None, ""):
                query = query.where(getattr(ReportRow, name) == value)
        if self.min_score is not None:
            query = query.where(ReportRow.score >= self.min_score)
        if self.max_score is not None:
            query = query.where(ReportRow.score <= self.max_score)
        if self.q:
            like = f"%{self.q.replace('%', '').replace('_', '')}%"
            query = query.where(ReportRow.agency.like(like) | ReportRow.filename.like(like))
        return query

    def params(self) -> dict[str, Any]:
        """The non-empty filters, for links that keep them."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) not in (None, "")}


@dataclass(frozen=True)
class Page:
    """One page of results."""

    items: list[dict[str, Any]]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages there are."""
        return max(1, -(-self.total // self.per_page))


def row_dict(row: Any) -> dict[str, Any]:
    """A result row as a plain dict (dates as ISO strings)."""
    out = dict(row._mapping)
    if out.get("created") is not None:
        out["created"] = out["created"].isoformat()
    return out


def list_reports(db: Session, filters: Filters, sort: str = "id", order: str = "desc", page: int = 1,
                 per_page: int = 50) -> Page:
    """One page of reports, sorted by a whitelisted column (ties broken by id)."""
    column = SORTABLE.get(sort, ReportRow.id)
    direction = column.asc() if order == "asc" else column.desc()
    base = filters.apply(select(*LIST_COLUMNS))
    total = db.scalar(filters.apply(select(func.count(ReportRow.id)))) or 0
    query = base.order_by(direction.nulls_last(), ReportRow.id.desc()).offset((page - 1) * per_page).limit(per_page)
    return Page([row_dict(r) for r in db.execute(query)], total, page, per_page)


def grouping(group_by: list[str], group: str = "") -> tuple[str, ...]:
    """The grouping keys asked for: the API's repeated `group_by`, or the comma list `group` of older links;
    unknown keys are dropped, each key counts once, in the order of GROUPINGS."""
    asked = {g.strip() for g in [*group_by, *group.split(",")]}
    return tuple(g for g in GROUPINGS if g in asked)


def _ranked(db: Session, filters: Filters, by: tuple[str, ...]) -> list[Ranked]:
    query = filters.apply(
        select(ReportRow.id, ReportRow.score, ReportRow.rubric, ReportRow.agency, ReportRow.region,
               ReportRow.province, ReportRow.city, ReportRow.level, ReportRow.year, ReportRow.errors)
        .where(COMPARABLE)
    )
    return rank_rows(db.execute(query), by)  # type: ignore[arg-type]


def rankings(db: Session, filters: Filters, by: tuple[str, ...] = (), page: int = 1, per_page: int = 50) -> Page:
    """Reports read whole, ranked within groups (eval.ranking: score, then fewer errors; ties share a rank).
    The ranking is cached until a report changes (service.web.rankcache), so paging 10,000 is cheap."""
    return CACHE.get(db, ("page", filters, by, page, per_page), lambda: _rankings_page(db, filters, by, page, per_page))


def _rankings_page(db: Session, filters: Filters, by: tuple[str, ...], page: int, per_page: int) -> Page:
    ranked = RANKINGS.get(db, (filters, by), lambda: _ranked(db, filters, by))
    start = (page - 1) * per_page
    chosen = ranked[start : start + per_page]
    ids = [int(r.id) for r in chosen]
    info = {r.id: row_dict(r) for r in db.execute(select(*LIST_COLUMNS).where(ReportRow.id.in_(ids)))} if ids else {}
    items = [
        {**info[int(r.id)], "group": dict(zip(by, r.group, strict=True)), "rank": r.rank, "group_size": r.size,
         "percentile": r.percentile}
        for r in chosen
    ]
    return Page(items, len(ranked), page, per_page)


def _reason(status: str, body: str | None) -> str:
    """Why a report is not ranked, in Chinese: the first error of a failed one, else its status."""
    if status == "failed" and body:
        errors = json.loads(body).get("errors") or []
        code = next((e.get("code") for e in errors if e.get("severity", "error") == "error"), None)
        return reason_name(code)
    if status == "needs_review":
        return reason_name("table_unreadable")
    return STATUS_NAMES.get(status, status)


def _unranked(db: Session, filters: Filters) -> Page:
    not_ranked = ~COMPARABLE  # no score, or not read whole
    total = db.scalar(filters.apply(select(func.count(ReportRow.id))).where(not_ranked)) or 0
    columns = (*LIST_COLUMNS, ReportRow.body)
    # Only a failed report's body is read for its reason; those bodies hold no text and are small.
    query = filters.apply(select(*columns)).where(not_ranked).order_by(ReportRow.id.desc()).limit(UNRANKED_SHOWN)
    items = []
    for row in db.execute(query):
        item = row_dict(row)
        body = item.pop("body")
        item["status_name"] = STATUS_NAMES.get(item["status"], item["status"])
        item["reason"] = _reason(item["status"], body if item["status"] == "failed" else None)
        items.append(item)
    return Page(items, total, 1, UNRANKED_SHOWN)


def unranked(db: Session, filters: Filters) -> Page:
    """Reports that match the filters but are not ranked (could not be read, not a report, tables unread),
    newest first, each with its status and reason in Chinese; at most UNRANKED_SHOWN, with the total."""
    return CACHE.get(db, ("unranked", filters), lambda: _unranked(db, filters))


def rule_statistics(db: Session, filters: Filters) -> list[dict[str, Any]]:
    """Per rule: how many reports it failed, passed or could not assess, worst first."""
    ids = filters.apply(select(ReportRow.id)).subquery()
    failed = func.sum(case((FindingRow.passed.is_(False), 1), else_=0))
    query = (
        select(
            FindingRow.rule,
            func.max(FindingRow.severity).label("severity"),
            failed.label("failed"),
            func.sum(case((FindingRow.passed.is_(True), 1), else_=0)).label("passed"),
            func.sum(case((FindingRow.passed.is_(None), 1), else_=0)).label("not_assessable"),
            func.count(func.distinct(case((FindingRow.passed.is_(False), FindingRow.report_id)))).label(
                "reports_failed"),
        )
        .where(FindingRow.report_id.in_(select(ids.c.id)))
        .group_by(FindingRow.rule)
        .order_by(failed.desc(), FindingRow.rule)
    )
    return [dict(r._mapping) for r in db.execute(query)]


def distinct_values(db: Session, column: str) -> list[Any]:
    """The values a filter can take (for the UI's drop-downs)."""
    col = getattr(ReportRow, column)
    return [v for v in db.scalars(select(col).distinct().order_by(col)) if v is not None]


def score_histogram(db: Session, filters: Filters) -> list[int]:
    """Counts of ranked reports' scores in ten bins 0–10, …, 90–100."""
    bins = [0] * 10
    for s in db.scalars(filters.apply(select(ReportRow.score)).where(COMPARABLE)):
        bins[min(9, max(0, int(s // 10)))] += 1
    return bins


def mean_by(db: Session, filters: Filters, column: str) -> list[tuple[str, float, int]]:
    """(group, mean score, count) of ranked reports for a grouping column, best first."""
    col = getattr(ReportRow, column)
    query = filters.apply(select(col, func.avg(ReportRow.score), func.count(ReportRow.id))
                          .where(COMPARABLE)).group_by(col)
    out = [(str(g) if g is not None else "未知", round(float(m), 1), int(n)) for g, m, n in db.execute(query)]
    return sorted(out, key=lambda t: (-t[1], t[0]))


@dataclass(frozen=True)
class Overview:
    """What the rankings page draws and offers besides the ranking: the charts' data and the filters' values."""

    histogram: list[int]
    by_province: list[tuple[str, float, int]]
    by_level: list[tuple[str, float, int]]
    options: dict[str, list[Any]]


def overview(db: Session, filters: Filters) -> Overview:
    """The rankings page's charts and filter options, cached until a report changes."""
    return CACHE.get(db, ("overview", filters), lambda: Overview(
        score_histogram(db, filters), mean_by(db, filters, "province"), mean_by(db, filters, "level"),
        {name: distinct_values(db, name) for name in GROUPINGS}))


@dataclass(frozen=True)
class RankingsView:
    """Everything the rankings page shows: one page of the ranking, the charts' data and the unranked reports."""

    page: Page
    overview: Overview
    unranked: Page


def rankings_view(db: Session, filters: Filters, by: tuple[str, ...], page: int, per_page: int) -> RankingsView:
    """The rankings page's data under one cache entry, so a repeated page costs one fingerprint query."""
    return CACHE.get(db, ("view", filters, by, page, per_page), lambda: RankingsView(
        rankings(db, filters, by, page, per_page), overview(db, filters), unranked(db, filters)))
