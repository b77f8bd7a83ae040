"""Exports of the report list as CSV, Parquet or JSON Lines."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.web.models import ReportRow
from service.web.queries import LIST_COLUMNS, Filters, row_dict

FORMATS = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet",
           "jsonl": "application/x-ndjson; charset=utf-8"}
COLUMNS = [c.key for c in LIST_COLUMNS]
_SCHEMA = pa.schema([
    (name, pa.int64() if name in ("id", "year", "errors", "warnings") else
     pa.float64() if name == "score" else pa.string())
    for name in COLUMNS
])


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula (= + - @, tab, CR first) gets a leading
    apostrophe, so a report's filename or agency can never run as one; numbers and empty cells pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _rows(db: Session, filters: Filters) -> Iterator[dict[str, Any]]:
    query = filters.apply(select(*LIST_COLUMNS)).order_by(ReportRow.id).execution_options(yield_per=1000)
    for row in db.execute(query):
        yield row_dict(row)


def to_csv(db: Session, filters: Filters) -> Iterator[str]:
    """CSV text in chunks, with a BOM so that spreadsheet programs read the Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    buffer.write("\ufeff")
    writer.writeheader()
    for i, row in enumerate(_rows(db, filters)):
        writer.writerow({key: safe_cell(value) for key, value in row.items()})
        if i % 500 == 499:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def to_jsonl(db: Session, filters: Filters, *, full: bool = False) -> Iterator[str]:
    """One JSON object per line: the summary columns, or the whole report contract when `full`."""
    if full:
        query = filters.apply(select(ReportRow.id, ReportRow.body)).order_by(ReportRow.id)
        for rid, body in db.execute(query.execution_options(yield_per=200)):
            yield json.dumps({"id": rid, "report": json.loads(body)}, ensure_ascii=False) + "\n"
        return
    for row in _rows(db, filters):
        yield json.dumps(row, ensure_ascii=False) + "\n"


def to_parquet(db: Session, filters: Filters) -> bytes:
    """A Parquet file of the summary columns."""
    rows = list(_rows(db, filters))
    table = pa.Table.from_pylist(rows, schema=_SCHEMA) if rows else _SCHEMA.empty_table()
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()
