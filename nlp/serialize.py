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


def _fields_but(cls: type, left_out: str) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls) if f.name != left_out}


# The stored layout: the Report's own fields, except that its Tables are kept as "cells" and "tables_found"
# (every other Tables field); the contract's "tables" is the value-only view and is left unread. pydantic
# rebuilds the frozen dataclasses from their annotations, cells keep int | float | str | None as written, and
# keys that no field names (the contract version, a sentence's "text") are ignored.
_TablesFound = TypedDict("_TablesFound", _fields_but(Tables, "cells"), total=False)  # type: ignore[misc]
_Stored = TypedDict(  # type: ignore[misc]
    "_Stored", _fields_but(Report, "tables") | {"cells": tuple[Cell, ...], "tables_found": _TablesFound},
    total=False)
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
        "tables_found": {name: _plain(getattr(report.tables, name)) for name in _TablesFound.__annotations__},
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
