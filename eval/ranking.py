"""Rank scored reports within groups (province, city, year, level): competition ranks, stable order, percentiles."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from nlp.report import Meta, Report, Scorecard
from nlp.vocabulary import CITY_SUFFIXES, PROVINCE_SUFFIXES, alternation

UNKNOWN = "未知"
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
_PROVINCE = re.compile(rf"^(.+?(?:{alternation(PROVINCE_SUFFIXES)}|特别行政区))")
_CITY = re.compile(rf"^(?:.+?(?:{alternation(PROVINCE_SUFFIXES)}))?(.+?(?:{alternation(CITY_SUFFIXES)}))")


@dataclass(frozen=True)
class Entry:
    """One scored report to rank: an id, its scorecard, its metadata and how many errors it has."""

    id: str
    scorecard: Scorecard
    meta: Meta
    errors: int = 0


@dataclass(frozen=True)
class Ranked:
    """A report's place in its group: rank 1 is best; percentile 100 is the top, 0 the bottom."""

    id: str
    group: tuple[str, ...]
    rank: int
    size: int
    percentile: float
    total: float
    errors: int


def entry_from_report(id: str, report: Report) -> Entry:
    """An Entry for a scored report: errors are its failed error-severity findings."""
    if report.score is None:
        raise ValueError(f"report {id} has no score: run eval.scoring.evaluate first")
    errors = sum(1 for f in report.findings if f.passed is False and f.severity == "error")
    return Entry(id, report.score, report.meta, errors)


def province_of(meta: Meta) -> str:
    """The province (or municipality) the parser located, else one the region or agency name states."""
    if meta.province:
        return meta.province
    for name in (meta.region or "", meta.agency or ""):
        if name.startswith(_MUNICIPALITIES):
            return name[:3]
        match = _PROVINCE.match(name)
        if match:
            return match.group(1)
    return UNKNOWN


def city_of(meta: Meta) -> str:
    """The prefecture-level city the parser located, else one the region or agency name states."""
    if meta.city:
        return meta.city
    for name in (meta.region or "", meta.agency or ""):
        if name.startswith(_MUNICIPALITIES):
            return name[:3]
        match = _CITY.match(name)
        if match:
            return match.group(1)
    return UNKNOWN


GROUP_KEYS: dict[str, Callable[[Meta], str]] = {
    "province": province_of,
    "city": city_of,
    "region": lambda m: m.region or UNKNOWN,
    "year": lambda m: str(m.year) if m.year is not None else UNKNOWN,
    "level": lambda m: m.level or UNKNOWN,
    "template": lambda m: m.template or UNKNOWN,
}


def group_key(meta: Meta, by: Sequence[str]) -> tuple[str, ...]:
    """The group a report falls in for the given keys (province, city, region, year, level, template)."""
    unknown = [k for k in by if k not in GROUP_KEYS]
    if unknown:
        raise ValueError(f"unknown grouping keys {unknown}; use {sorted(GROUP_KEYS)}")
    return tuple(GROUP_KEYS[k](meta) for k in by)


def _entry(item: Entry | tuple) -> Entry:
    if isinstance(item, Entry):
        return item
    return Entry(*item)


def sort_key(entry: Entry) -> tuple[float, int, str]:
    """Higher score first, then fewer errors, then id: the same input always lists the same way."""
    return (-entry.scorecard.total, entry.errors, entry.id)


def _tied_key(entry: Entry) -> tuple[float, int]:
    """What two reports must share to share a rank: the score and the number of errors."""
    return (entry.scorecard.total, entry.errors)


def _percentile(total: float, scores: Sequence[float]) -> float:
    """Mid-rank percentile of a score among the group's sorted scores: ties share one value, the top is
    100 and the bottom 0. Bisection keeps ranking 10,000 reports to milliseconds."""
    if len(scores) == 1:
        return 100.0
    below = bisect.bisect_left(scores, total)
    equal = bisect.bisect_right(scores, total) - below - 1
    return round(100.0 * (below + equal / 2) / (len(scores) - 1), 1)


def rank(entries: Iterable[Entry | tuple], by: Sequence[str] = ()) -> list[Ranked]:
    """Rank entries (Entry or (id, Scorecard, Meta[, errors]) tuples) within the groups named by `by`."""
    items = [_entry(e) for e in entries]
    ids = [e.id for e in items]
    if len(set(ids)) != len(ids):
        raise ValueError("report ids must be unique to rank them")
    groups: dict[tuple[str, ...], list[Entry]] = {}
    for entry in items:
        groups.setdefault(group_key(entry.meta, by), []).append(entry)
    out = []
    for key in sorted(groups):
        members = sorted(groups[key], key=sort_key)
        scores = sorted(e.scorecard.total for e in members)
        place = 0
        for position, entry in enumerate(members, start=1):
            # Competition ranking (1, 1, 3): a tie on score and errors shares a rank; the id only orders the list.
            if position == 1 or _tied_key(members[position - 2]) != _tied_key(entry):
                place = position
            out.append(Ranked(entry.id, key, place, len(members), _percentile(entry.scorecard.total, scores),
                              entry.scorecard.total, entry.errors))
    return out


def rank_groups(entries: Iterable[Entry | tuple], by: Sequence[str]) -> dict[tuple[str, ...], list[Ranked]]:
    """Rankings grouped by key, each list best first."""
    out: dict[tuple[str, ...], list[Ranked]] = {}
    for ranked in rank(entries, by):
        out.setdefault(ranked.group, []).append(ranked)
    return out
