"""The report page's view model: sections with topic-coloured sentences, tables with failing cells marked."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from nlp.labels import (
    PLACEMENT_NAMES,
    RULE_DESCRIPTIONS,
    RULE_NAMES,
    SECTION_NAMES,
    SEVERITY_NAMES,
    TABLE2_BLOCK_NAMES,
    TABLE_TITLES,
    TOPIC_NAMES,
    for_people,
)
from nlp.report import is_uncertain
from nlp.vocabulary import LABEL_SETS, LABELS
from service.web.analyzer import (
    cell_key,
    cell_label,
    column_label,
    evidence_cells,
    row_label,
)

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
# Sentence topic colours, given out in label order to every topic of every label set (a report classified under
# an older set still shows its topics); 其他 stays uncoloured.
_TOPIC_PALETTE = ("#ffd9d9", "#d6f2da", "#dce8ff", "#f9e3b8", "#ead9f5", "#d4f0f0")
PAGES_WHEN_CLEAN = 2  # PDF pages shown when no checked cell failed: the first pages holding table cells


def topic_colours() -> dict[str, str]:
    """A background colour for each sentence topic of every label set, in label order."""
    labels = list(dict.fromkeys(label for labels in LABEL_SETS.values() for label in labels))
    coloured = [label for label in labels if label != "other"]
    return {label: _TOPIC_PALETTE[i % len(_TOPIC_PALETTE)] for i, label in enumerate(coloured)} | {"other": ""}


@dataclass
class TableView:
    """One statistical table laid out as a grid."""

    key: str
    title: str
    block: str | None
    columns: list[tuple[str, str]]
    rows: list[tuple[str, list[dict[str, Any] | None]]]


@dataclass
class PageImage:
    """A PDF page with the boxes of failing cells."""

    page: int
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    def query(self) -> str:
        """The query string asking the server to draw these boxes."""
        return "&".join("box=" + ",".join(f"{v:.1f}" for v in b) for b in self.boxes)


def _display(value: Any) -> str:
    if value is None:
        return "（空白）"
    if value == "NA":
        return "不适用"
    return str(value)


def _failing(findings: list[dict[str, Any]]) -> dict[str, list[tuple[str, str, str]]]:
    """cell key -> [(rule, severity, message)] for failed findings that name the cell."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for f in findings:
        if f.get("passed") is not False:
            continue
        for c in evidence_cells(f.get("evidence")):
            key = cell_key(c["table"], c.get("block"), c["row"], c["column"])
            entry = (f["rule"], f["severity"], f["message"])
            if entry not in out.setdefault(key, []):
                out[key].append(entry)
    return out


def tables_view(cells: list[dict[str, Any]], failing: dict[str, list[tuple[str, str, str]]]) -> list[TableView]:
    """Grids of the three tables in reading order (table 二 one grid per block)."""
    grids: OrderedDict[tuple[str, str | None], dict[str, Any]] = OrderedDict()
    for c in cells:
        grid = grids.setdefault((c["table"], c.get("block")), {"rows": OrderedDict(), "columns": OrderedDict()})
        grid["columns"].setdefault(c["column"], None)
        key = cell_key(c["table"], c.get("block"), c["row"], c["column"])
        problems = failing.get(key, [])
        severity = min((p[1] for p in problems), key=lambda s: _SEVERITY_ORDER.get(s, 9), default=None)
        grid["rows"].setdefault(c["row"], {})[c["column"]] = {
            **c, "key": key, "display": _display(c.get("value")), "severity": severity,
            "problems": problems, "label": cell_label(c["table"], c["row"], c["column"], c.get("block")),
            "uncertain": is_uncertain(c.get("confidence")),
            "placed": PLACEMENT_NAMES.get(c.get("placement") or "", ""),
        }
    out = []
    for (table, block), grid in sorted(grids.items(), key=lambda kv: kv[0][0]):
        columns = [(col, column_label(table, col)) for col in grid["columns"]]
        rows = [(row_label(table, row), [values.get(col) for col, _ in columns]) for row, values in grid["rows"].items()]
        title = TABLE_TITLES.get(table, table) + (f" · {TABLE2_BLOCK_NAMES.get(block, '')}" if block else "")
        out.append(TableView(table, title, block, columns, rows))
    return out


def page_images(cells: list[dict[str, Any]], failing: dict[str, Any]) -> list[PageImage]:
    """PDF pages that hold failing cells with known positions, each with its boxes."""
    pages: dict[int, PageImage] = {}
    for c in cells:
        key = cell_key(c["table"], c.get("block"), c["row"], c["column"])
        if key in failing and c.get("page") and c.get("bbox"):
            image = pages.setdefault(int(c["page"]), PageImage(int(c["page"])))
            image.boxes.append(tuple(c["bbox"]))  # type: ignore[arg-type]
            image.labels.append(cell_label(c["table"], c["row"], c["column"], c.get("block")))
    if not pages:
        # Nothing failed: the table pages still let a reviewer check the reading against the original.
        for c in cells:
            if c.get("page") and len(pages) < PAGES_WHEN_CLEAN:
                pages.setdefault(int(c["page"]), PageImage(int(c["page"])))
    return [pages[p] for p in sorted(pages)] or [PageImage(1)]


def _without_heading(sentences: list[dict[str, Any]], title: str) -> list[dict[str, Any]]:
    """The section's sentences without its heading, which the page shows once as the section's title."""
    if not sentences:
        return sentences
    first, heading = sentences[0]["text"].strip(), title.strip()
    if first == heading:
        return sentences[1:]
    if heading and first.startswith(heading):
        # A heading run on into the paragraph ("六、其他需要报告的事项本年度…"): keep the paragraph's words.
        return [{**sentences[0], "text": first[len(heading) :].lstrip("。：: ")}, *sentences[1:]]
    return sentences


def is_heading(text: str, section: dict[str, Any]) -> bool:
    """Whether a sentence is the section's heading or one of its sub-item headings ("（一）主动公开情况。")."""
    bare = text.strip().rstrip("。：: ")
    return bare == section["title"].strip() or bare in {f"{i['label']}{i['title']}" for i in section.get("items", [])}


def prose(body: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(text, section) of the report's sentences without headings: the words a body wrote, not the template's."""
    sections = {sec["key"]: sec for sec in body.get("sections", [])}
    return [(s["text"], s.get("section")) for s in body.get("sentences", [])
            if s.get("section") not in sections or not is_heading(s["text"], sections[s["section"]])]


def sections_view(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Each section with its sentences (topic-coloured when classified)."""
    sentences = body.get("sentences", [])
    out = []
    for sec in body.get("sections", []):
        inside = [
            {**s, "topic_label": TOPIC_NAMES.get(s.get("topic") or "", "")}
            for s in sentences if s.get("section") == sec["key"]
        ]
        # A sub-item's own heading line ("（一）主动公开情况") reads as a heading, not as a sentence.
        inside = [{**s, "subheading": is_heading(s["text"], sec)} for s in _without_heading(inside, sec["title"])]
        out.append({**sec, "label": SECTION_NAMES.get(sec["key"], sec["title"]), "sentences": inside})
    return out


def findings_view(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Failed findings first (errors, warnings, info), each with its cells and quoted sentence."""
    out = []
    for f in findings:
        evidence = f.get("evidence") or {}
        sentence = evidence.get("sentence") if isinstance(evidence, dict) else None
        out.append({
            **f,
            # Stored messages may name table formats by key ("v2021格式"): people read the format's name.
            "message": for_people(f["message"]),
            "rule_name": RULE_NAMES.get(f["rule"], ""),
            "rule_description": RULE_DESCRIPTIONS.get(f["rule"], ""),
            "severity_label": SEVERITY_NAMES.get(f["severity"], f["severity"]),
            "cells": [
                {"label": c.get("label") or cell_label(c["table"], c["row"], c["column"], c.get("block")),
                 "display": _display(c.get("value")), "page": c.get("page"),
                 "key": cell_key(c["table"], c.get("block"), c["row"], c["column"])}
                for c in evidence_cells(evidence)
            ],
            "sentence": sentence.get("text") if isinstance(sentence, dict) else None,
            "formula": evidence.get("formula") if isinstance(evidence, dict) else None,
        })
    rank = {False: 0, None: 1, True: 2}
    out.sort(key=lambda f: (rank[f["passed"]], _SEVERITY_ORDER.get(f["severity"], 9), f["rule"]))
    return out


def report_view(body: dict[str, Any]) -> dict[str, Any]:
    """Everything the report template shows."""
    findings = body.get("findings", [])
    failing = _failing(findings)
    cells = body.get("cells", [])
    shown = findings_view(findings)
    present = {s.get("topic") for s in body.get("sentences", [])}
    return {
        "sections": sections_view(body),
        "tables": tables_view(cells, failing),
        "pages": page_images(cells, failing) if body.get("source", {}).get("format") == "pdf" else [],
        "findings": shown,
        "failing": [f for f in shown if f["passed"] is False],
        "passing": [f for f in shown if f["passed"] is True],
        "undecided": [f for f in shown if f["passed"] is None],
        "failed": sum(1 for f in findings if f.get("passed") is False and f.get("severity") != "info"),
        "topics": any(s.get("topic") for s in body.get("sentences", [])),
        # The legend: the served label set's topics, and any other topic this report's sentences carry.
        "topic_labels": {k: TOPIC_NAMES.get(k, k) for k in topic_colours() if k in LABELS or k in present},
        "topic_colours": topic_colours(),
    }
