"""Pair each report with the same body's report of the previous year (in the batch or a previous batch)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlp.report import READ_STATUSES
from nlp.structure.body import body_key


@dataclass(frozen=True)
class Candidate:
    """A scored report that can serve as someone's previous year."""

    sha256: str
    agency: str
    year: int
    json_path: Path
    score: float | None = None


def row_body_key(row: dict[str, Any]) -> str:
    """The body a results row belongs to, from its agency and the province and city it was placed in."""
    return body_key(row.get("agency"), row.get("province"), row.get("city"))


def candidates_from_rows(rows: list[dict[str, Any]], reports_dir: Path) -> list[Candidate]:
    """Rows that were read (status ok) and know their agency and year."""
    out = []
    for row in rows:
        if row.get("status") in READ_STATUSES and row.get("agency") and row.get("year") not in (None, ""):
            score = row.get("score")
            out.append(Candidate(row["sha256"], row_body_key(row), int(row["year"]),
                                 reports_dir / f"{row['sha256']}.json",
                                 float(score) if score not in (None, "") else None))
    return out


def is_batch_output(folder: Path) -> bool:
    """A folder written by `nianbao batch` (it has results.csv and reports/)."""
    return (folder / "results.csv").is_file() and (folder / "reports").is_dir()


def candidates_from_batch(folder: Path) -> list[Candidate]:
    """The scored reports of an earlier batch's output folder."""
    with (folder / "results.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [c for c in candidates_from_rows(rows, folder / "reports") if c.json_path.is_file()]


def pair_previous(rows: list[dict[str, Any]], candidates: list[Candidate]) -> dict[str, Candidate]:
    """For each row (by path): the candidate of the same agency one year earlier, the lowest sha on ties."""
    index: dict[tuple[str, int], Candidate] = {}
    for cand in sorted(candidates, key=lambda c: c.sha256, reverse=True):
        index[(cand.agency, cand.year)] = cand
    out = {}
    for row in rows:
        if row.get("status") not in READ_STATUSES or not row.get("agency") or row.get("year") in (None, ""):
            continue
        match = index.get((row_body_key(row), int(row["year"]) - 1))
        if match is not None and match.sha256 != row["sha256"]:
            out[row["path"]] = match
    return out
