"""Plain-text and Markdown reader, including text copied out of a PDF with tab-separated table rows."""

from __future__ import annotations

import re

from nlp.ingest.extracted import Extracted, GridCell, GridRow, Paragraph
from nlp.ingest.rows import is_table_row
from nlp.normalize import is_page_furniture
from nlp.report import Furniture

_RULE_LINE = re.compile(r"^[\s|:\-—=+\t]*$")  # markdown separators and "---\t---" debris
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")


def _split_row(line: str) -> list[str] | None:
    """The cells of a table line (tab-separated or a markdown pipe row), or None for prose."""
    stripped = line.strip()
    if stripped.startswith("|") and stripped.count("|") >= 2:
        return [c.strip() for c in stripped.strip("|").split("|")]
    if "\t" in line:
        return [c.strip() for c in line.rstrip("\n").split("\t")]
    return None


def read_text(text: str) -> Extracted:
    """Split lines into prose paragraphs and table rows; blank lines end a paragraph, but a paragraph
    that stops mid-sentence is marked as continuing so that page-width breaks are re-joined."""
    paragraphs: list[Paragraph] = []
    rows: list[GridRow] = []
    furniture: list[Furniture] = []
    title = None
    current: list[str] = []
    after_gap = False

    def flush() -> None:
        nonlocal after_gap
        if current:
            paragraphs.append(Paragraph("\n".join(current), continues=after_gap))
            current.clear()
        after_gap = False

    for raw in text.splitlines():
        line = raw.replace("\ufeff", "")
        if not line.strip():
            flush()
            after_gap = True
            continue
        if is_page_furniture(line):
            furniture.append(Furniture(line.strip()))
            continue
        cells = _split_row(line)
        if cells is not None:
            if _RULE_LINE.match(line):
                continue
            row = tuple(GridCell(c) for c in cells)
            # Prose has no tabs: a line split into three or more fields is a table row even when only
            # its label survived ("1. 属于国家秘密" followed by empty fields).
            if len(cells) >= 3 or is_table_row(row):
                flush()
                rows.append(row)
                continue
            line = next((c for c in cells if c), "")
        heading = bool(_MD_HEADING.match(line))
        if heading:
            flush()
            line = _MD_HEADING.sub("", line)
            paragraphs.append(Paragraph(line.strip(), heading=True))
            title = title or line.strip()
            continue
        if current and not after_gap:
            current.append(line)
        else:
            gap = after_gap
            flush()
            after_gap = gap
            current.append(line)
    flush()
    return Extracted("text", 0, tuple(paragraphs), tuple(rows), tuple(furniture))
