"""Reading scored Reports back from JSON: pydantic (nlp.serialize) against the hand-written reader it replaced.

Run: .venv/bin/python benchmarks/serialize_speed.py [--repeat 5] [--loops 20]
Both readers are timed in this process on one core, best of --repeat runs, on the same JSON strings: every
fixture report and every report of ../shared/corpus (when present), parsed and scored once beforehand.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import time
import types
import typing
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from eval.scoring import evaluate, load_rubric
from nlp.pipeline import parse_file
from nlp.report import Cell, Report, Tables
from nlp.serialize import report_from_dict, report_from_json, report_to_json

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (ROOT / "tests" / "fixtures" / "reports", ROOT.parent / "shared" / "corpus")


# ---- the peer: the hand-written reader nlp/serialize.py used before pydantic, kept only for this comparison
@cache
def _peer_hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _peer_build(tp: Any, data: Any) -> Any:
    if data is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        for option in options:
            if dataclasses.is_dataclass(option) or typing.get_origin(option) is tuple:
                return _peer_build(option, data)
        return data
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_peer_build(args[0], v) for v in data)
        return tuple(_peer_build(a, v) for a, v in zip(args, data, strict=True))
    if dataclasses.is_dataclass(tp):
        hints = _peer_hints(tp)
        names = {f.name for f in dataclasses.fields(tp)}
        return tp(**{k: _peer_build(hints[k], v) for k, v in data.items() if k in names})
    return data


def hand_written_report_from_dict(data: dict[str, Any]) -> Report:
    """The old hand-written reader: walks the annotations with typing.get_type_hints."""
    hints = _peer_hints(Report)
    found = data.get("tables_found", {})
    tables = Tables(
        cells=tuple(_peer_build(Cell, c) for c in data.get("cells", [])),
        found=tuple(found.get("found", [])),
        pages=_peer_build(_peer_hints(Tables)["pages"], found.get("pages", [])),
    )
    fields: dict[str, Any] = {}
    for name in ("source", "status", "errors", "text", "blocks", "furniture", "meta", "sections",
                 "missing_sections", "findings", "score"):
        if name in data:
            fields[name] = _peer_build(hints[name], data[name])
    sentences = [{k: v for k, v in s.items() if k != "text"} for s in data.get("sentences", [])]
    fields["sentences"] = _peer_build(hints["sentences"], sentences)
    return Report(tables=tables, **fields)


def hand_written_report_from_json(text: str) -> Report:
    """The old reader of JSON text: the standard json module, then the walk above."""
    return hand_written_report_from_dict(json.loads(text))


# ---- the measurement
def scored_reports() -> list[Report]:
    """Every fixture and corpus document that could be read, parsed and scored."""
    rubric = load_rubric()
    paths = [p for folder in SOURCES if folder.exists() for p in sorted(folder.rglob("*"))
             if p.is_file() and p.suffix in {".pdf", ".html", ".docx", ".txt", ".md"} and p.name != "README.md"]
    reports = [evaluate(parse_file(p), None, rubric) for p in paths]
    return [r for r in reports if r.status != "failed"]


def best_of(repeat: int, loops: int, read: Callable[[Any], Report], inputs: list[Any]) -> float:
    """Seconds for one pass over all inputs, best of `repeat` runs of `loops` passes."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(loops):
            for one in inputs:
                read(one)
        times.append((time.perf_counter() - start) / loops)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--loops", type=int, default=20)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    reports = scored_reports()
    texts = [report_to_json(r, indent=None) for r in reports]
    for report, text in zip(reports, texts, strict=True):
        # Both readers must rebuild the same Report, or the timing compares different work.
        assert report_from_json(text) == report == hand_written_report_from_json(text), report.source.path
        assert report_from_dict(json.loads(text)) == report, report.source.path
    findings = sum(len(r.findings) for r in reports)
    size = sum(len(t.encode()) for t in texts)
    print(f"{len(texts)} scored reports, {findings} findings, {size / 1024:.0f} KiB of JSON")
    per = 1000 / len(texts)
    dicts = [json.loads(t) for t in texts]
    rows = (("JSON text -> Report", hand_written_report_from_json, report_from_json, texts),
            ("dict -> Report (json.loads not timed)", hand_written_report_from_dict, report_from_dict, dicts))
    for label, peer, ours, inputs in rows:
        old = best_of(args.repeat, args.loops, peer, inputs)
        new = best_of(args.repeat, args.loops, ours, inputs)
        print(f"{label}: hand-written {old * per:.2f} ms/report, pydantic {new * per:.2f} ms/report, "
              f"ratio {old / new:.1f}x")


if __name__ == "__main__":
    main()
