"""Write the batch's tables: results.csv and results.parquet, rankings.csv and duplicates.csv."""

from __future__ import annotations

import csv
import logging
from pathlib import Path
from typing import Any

from eval.ranking import UNKNOWN, Entry, rank
from nlp.report import Meta, Scorecard
from service.batch.dedup import Pair

log = logging.getLogger(__name__)

RANK_BY = ("province", "year", "level")
RANK_COLUMNS = ("path", "sha256", "province", "year", "level", "agency", "score", "rank", "size", "percentile")
DUP_COLUMNS = ("kind", "share", "path_a", "path_b", "agency_a", "agency_b", "year_a", "year_b")


def write_csv(path: Path, rows: list[dict[str, Any]], columns: list[str] | tuple[str, ...]) -> None:
    """A UTF-8 CSV (with BOM, so that spreadsheet programs read the Chinese correctly)."""
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)  # readers never see a half-written file


def write_parquet(path: Path, rows: list[dict[str, Any]], columns: list[str]) -> None:
    """The results as Parquet (pyarrow infers the types; all-empty columns become nulls)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows])
    pq.write_table(table, path)


def rankable(row: dict[str, Any]) -> bool:
    """Reports the rubric scored in full (ok). A document we could not read (failed, not a report), a worker
    failure or a report with parts we could not read (needs_review) is listed apart, never ranked: a 0 for an
    unreadable file says nothing about the body's disclosure work."""
    return row.get("status") == "ok" and row.get("score") is not None


def rankings(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rank and percentile of each scored report within its province, year and level (eval.ranking)."""
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for row in rows:
        if rankable(row):
            key = tuple(str(row.get(k)) if row.get(k) not in (None, "") else UNKNOWN for k in RANK_BY)
            groups.setdefault(key, []).append(row)  # type: ignore[arg-type]
    out = []
    for key in sorted(groups):
        members = {r["path"]: r for r in groups[key]}
        entries = [
            Entry(r["path"], Scorecard(float(r["score"]), {}, str(r.get("rubric") or "")),
                  Meta(agency=r.get("agency"), level=r.get("level")), int(r.get("failed_errors") or 0))
            for r in groups[key]
        ]
        for ranked in rank(entries):
            row = members[ranked.id]
            out.append({
                "path": row["path"], "sha256": row["sha256"], "province": key[0], "year": key[1], "level": key[2],
                "agency": row.get("agency"), "score": ranked.total, "rank": ranked.rank, "size": ranked.size,
                "percentile": ranked.percentile,
            })
    return out


def pair_rows(pairs: list[Pair]) -> list[dict[str, Any]]:
    """Duplicate pairs as CSV rows."""
    return [{"kind": p.kind, "share": p.share, "path_a": p.a, "path_b": p.b, "agency_a": p.agency_a,
             "agency_b": p.agency_b, "year_a": p.year_a, "year_b": p.year_b} for p in pairs]
