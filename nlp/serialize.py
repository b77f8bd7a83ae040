"""JSON for Reports: the design.md contract, plus the detail needed to rebuild an equal Report."""

from __future__ import annotations

import dataclasses
import json
import typing
from typing import Any

from pydantic import TypeAdapter
from typing_extensions import TypedDict  # pydantic needs this one, not typing's, before Python 3.12

from nlp.report import Cell, Report, Tables

CONTRACT_VERSION = "1"


class _TablesFound(TypedDict):
    found: tuple[str, ...]
    pages: tuple[tuple[str, tuple[int, ...]], ...]


_REPORT_FIELDS = typing.get_type_hints(Report)
# The stored layout: the Report's own fields, except that its Tables are kept as "cells" and "tables_found"
# (the contract's "tables" is the value-only view, left unread). pydantic rebuilds the frozen dataclasses from
# their annotations, cells keep int | float | str | None as written, and keys that no field names (the contract
# version, a sentence's "text") are ignored.
_STORED_FIELDS: dict[str, Any] = {f.name: _REPORT_FIELDS[f.name] for f in dataclasses.fields(Report)}
del _STORED_FIELDS["tables"]
_STORED_FIELDS |= {"cells": tuple[Cell, ...], "tables_found": _TablesFound}
_Stored = TypedDict("_Stored", _STORED_FIELDS, total=False)  # type: ignore[misc]
_STORED = TypeAdapter(_Stored)


def _plain(obj: Any) -> Any:
    """Dataclasses to dicts and tuples to lists, recursively."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, tuple | list):
        return [_plain(v) for v in obj]
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    return obj


def report_to_dict(report: Report) -> dict[str, Any]:
    """The JSON contract of design.md, with `cells`, `text`, `blocks` … so that it round-trips."""
    meta = _plain(report.meta)
    out: dict[str, Any] = {
        "contract": CONTRACT_VERSION,
        "source": _plain(report.source),
        "status": report.status,
        "errors": _plain(report.errors),
        "meta": meta,
        "sections": _plain(report.sections),
        "missing_sections": list(report.missing_sections),
        "tables": report.tables.to_contract(),
        "sentences": [
            {"text": report.span(s.start, s.end), **_plain(s)} for s in report.sentences
        ],
        "findings": _plain(report.findings),
        "score": _plain(report.score),
        "text": report.text,
        "blocks": _plain(report.blocks),
        "furniture": _plain(report.furniture),
        "cells": _plain(report.tables.cells),
        "tables_found": {"found": list(report.tables.found), "pages": _plain(report.tables.pages)},
    }
    return out


def _stored_to_report(stored: dict[str, Any]) -> Report:
    fields = dict(stored)
    tables = Tables(fields.pop("cells", ()), **fields.pop("tables_found", {}))
    return Report(tables=tables, **fields)


def report_from_dict(data: dict[str, Any]) -> Report:
    """Rebuild the Report that `report_to_dict` wrote."""
    return _stored_to_report(_STORED.validate_python(data))


def report_to_json(report: Report, *, indent: int | None = 2) -> str:
    """The Report as a JSON string (UTF-8 text, Chinese kept readable)."""
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=indent)


def report_from_json(text: str) -> Report:
    """The Report written by `report_to_json` (pydantic parses and validates the JSON in one pass)."""
    return _stored_to_report(_STORED.validate_json(text))
