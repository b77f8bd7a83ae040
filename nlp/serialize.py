"""JSON for Reports: the design.md contract, plus the detail needed to rebuild an equal Report."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from functools import cache
from typing import Any

from nlp.report import Cell, Report, Tables

CONTRACT_VERSION = "1"


def _plain(obj: Any) -> Any:
    """Dataclasses to dicts and tuples to lists, recursively."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, tuple | list):
        return [_plain(v) for v in obj]
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    return obj


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _build(tp: Any, data: Any) -> Any:
    """Rebuild a value of annotated type `tp` from its plain JSON form."""
    if data is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        for option in options:
            if dataclasses.is_dataclass(option) or typing.get_origin(option) is tuple:
                return _build(option, data)
        return data
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_build(args[0], v) for v in data)
        return tuple(_build(a, v) for a, v in zip(args, data, strict=True))
    if dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        names = {f.name for f in dataclasses.fields(tp)}
        return tp(**{k: _build(hints[k], v) for k, v in data.items() if k in names})
    return data


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


def report_from_dict(data: dict[str, Any]) -> Report:
    """Rebuild the Report that `report_to_dict` wrote."""
    hints = _hints(Report)
    found = data.get("tables_found", {})
    tables = Tables(
        cells=tuple(_build(Cell, c) for c in data.get("cells", [])),
        found=tuple(found.get("found", [])),
        pages=_build(_hints(Tables)["pages"], found.get("pages", [])),
    )
    fields: dict[str, Any] = {}
    for name in ("source", "status", "errors", "text", "blocks", "furniture", "meta", "sections",
                 "missing_sections", "findings", "score"):
        if name in data:
            fields[name] = _build(hints[name], data[name])
    sentences = [{k: v for k, v in s.items() if k != "text"} for s in data.get("sentences", [])]
    fields["sentences"] = _build(hints["sentences"], sentences)
    return Report(tables=tables, **fields)


def report_to_json(report: Report, *, indent: int | None = 2) -> str:
    """The Report as a JSON string (UTF-8 text, Chinese kept readable)."""
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=indent)


def report_from_json(text: str) -> Report:
    """The Report written by `report_to_json`."""
    return report_from_dict(json.loads(text))
