"""Plain-text and Markdown reader, including text copied out of a PDF with tab-separated table rows."""

from __future__ import annotations

import re

from nlp.ingest.assemble import HEADING_MARK
from nlp.ingest.extracted import Extracted, GridCell, GridRow, Paragraph
from nlp.ingest.rows import is_table_row
from nlp.normalize import is_page_furniture
from nlp.report import Furniture

_RULE_LINE = re.compile(r"^[\s|:\-—=+\t]*$")  # markdown separators and "---\t---" debris
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_TERMINAL = tuple("。！？；：!?;:”）)")
_MIN_PROSE = 40  # longer than any title or heading line


def _split_row(line: str) -> list[str] | None:
    """The cells of a table line (tab-separated or a markdown pipe row), or None for prose."""
    stripped = line.strip()
    if stripped.startswith("|") and stripped.count("|") >= 2:
        return [c.strip() for c in stripped.strip("|").split("|")]
    if "\t" in line:
        return [c.strip() for c in line.rstrip("\n").split("\t")]
    return None


def _wrap_width(lines: list[str]) -> int:
    """The line length at which the source wrapped prose (the 80th percentile of prose line lengths)."""
    lengths = sorted(len(ln.strip()) for ln in lines if ln.strip() and "\t" not in ln and "|" not in ln)
    return lengths[int(len(lengths) * 0.8)] if lengths else 0


def read_text(text: str) -> Extracted:
    """Split lines into prose paragraphs and table rows. A line carries on the previous one only when
    that one filled the wrap width and stopped mid-sentence: this re-joins lines (and blank-line page
    breaks) that the page width cut, without gluing a title to the paragraph under it."""
    lines = [raw.replace("\ufeff", "") for raw in text.splitlines()]
    width = _wrap_width(lines)
    paragraphs: list[Paragraph] = []
    rows: list[GridRow] = []
    furniture: list[Furniture] = []
    current: list[str] = []
    continues = False  # whether the paragraph being built carries on the one before a blank line
    last_prose = ""
    after_blank = False

    def flush() -> None:
        if current:
            paragraphs.append(Paragraph("\n".join(current), continues=continues))
            current.clear()

    def wrapped(previous: str) -> bool:
        previous = previous.strip()
        return bool(previous) and len(previous) >= 0.85 * width and not previous.endswith(_TERMINAL)

    def cut_mid_sentence(previous: str) -> bool:
        previous = previous.strip()
        return len(previous) >= _MIN_PROSE and not previous.endswith(_TERMINAL)

    for line in lines:
        if not line.strip():
            after_blank = True
            continue
        if is_page_furniture(line):
            furniture.append(Furniture(line.strip()))
            continue
        cells = _split_row(line)
        if cells is None and is_table_row((GridCell(line.strip()),)):
            cells = [line.strip()]
        if cells is not None:
            if _RULE_LINE.match(line):
                continue
            row = tuple(GridCell(c) for c in cells)
            # Prose has no tabs or pipes: a markdown row, or a line split into three or more fields, is a
            # table row even when only its label survived ("1. 属于国家秘密" followed by empty fields).
            if line.lstrip().startswith("|") or len(cells) >= 3 or is_table_row(row):
                flush()
                last_prose, after_blank = "", False
                rows.append(row)
                continue
            line = next((c for c in cells if c), "")
        if _MD_HEADING.match(line):
            flush()
            paragraphs.append(Paragraph(_MD_HEADING.sub("", line).strip(), heading=True))
            last_prose, after_blank = "", False
            continue
        starts_item = bool(HEADING_MARK.match(line))
        carries_on = wrapped(last_prose) and not starts_item
        if not (current and carries_on and not after_blank):
            flush()
            # Across a blank line (a page break in copied text) a long prose line that stopped
            # mid-sentence carries on, even when it is shorter than the wrap width.
            continues = after_blank and not starts_item and cut_mid_sentence(last_prose)
        current.append(line)
        last_prose, after_blank = line, False
    flush()
    return Extracted("text", 0, tuple(paragraphs), tuple(rows), tuple(furniture))
