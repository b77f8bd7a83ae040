"""Turn a reader's paragraphs into the Report's canonical text and blocks."""

from __future__ import annotations

import re
from dataclasses import replace

from nlp.ingest.extracted import Extracted, Paragraph
from nlp.ingest.runon import split_run_on
from nlp.normalize import normalize_text
from nlp.report import BBox, Block, Report, Source
from nlp.vocabulary import ITEM_MARK

HEADING_MARK = re.compile(rf"^\s*{ITEM_MARK}")
_TERMINAL = tuple("。！？；：!?;:”）)")


def _join_lines(text: str) -> str:
    """Re-join lines that the page width broke: Chinese wraps without a space, Latin words keep one."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    out = ""
    for line in lines:
        if out and out[-1].isascii() and out[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            out += " "
        out += line
    return out


def _union(a: BBox | None, b: BBox | None) -> BBox | None:
    if a is None or b is None:
        return a or b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _merge_continuations(paragraphs: tuple[Paragraph, ...]) -> list[tuple[str, Paragraph, str]]:
    """(normalised text, first paragraph, original text) with page- and blank-line breaks re-joined."""
    merged: list[tuple[str, Paragraph, str]] = []
    for p in paragraphs:
        text = normalize_text(_join_lines(p.text))
        if not text:
            continue
        if (
            merged
            and p.continues
            and not p.heading
            and not merged[-1][1].heading
            and not (len(merged[-1][0]) <= 40 and HEADING_MARK.match(merged[-1][0]))
            and not merged[-1][0].endswith(_TERMINAL)
            and not HEADING_MARK.match(text)
        ):
            prev_text, first, original = merged[-1]
            bbox = first.bbox if first.page != p.page else _union(first.bbox, p.bbox)
            merged[-1] = (normalize_text(prev_text + text), replace(first, bbox=bbox), original + "\n" + p.text)
            continue
        merged.append((text, p, p.text))
    return merged


def extracted_to_report(extracted: Extracted, source: Source) -> Report:
    """The Report's text, blocks and furniture from what a reader extracted."""
    parts: list[str] = []
    blocks: list[Block] = []
    offset = 0
    for text, first, original in _merge_continuations(split_run_on(extracted.paragraphs)):
        kind = "heading" if first.heading or (len(text) <= 40 and HEADING_MARK.match(text)) else "paragraph"
        blocks.append(Block(kind, offset, offset + len(text), first.page, first.bbox, original))
        parts.append(text)
        offset += len(text) + 1
    return Report(
        source=replace(source, pages=extracted.pages),
        status="failed" if extracted.failed else "ok",
        errors=extracted.errors,
        text="\n".join(parts),
        blocks=tuple(blocks),
        furniture=extracted.furniture,
    )
