"""A page's text lines grouped into paragraphs, with page numbers and running headers set apart as furniture."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from nlp.ingest.extracted import Paragraph
from nlp.normalize import is_page_furniture
from nlp.report import BBox, Furniture
from nlp.vocabulary import ITEM_MARK

_HEADING_START = re.compile(rf"^\s*{ITEM_MARK}")


@dataclass
class Line:
    """One printed line of a page, in reading order."""

    text: str
    page: int
    bbox: BBox


def lines_to_paragraphs(lines: list[Line], left: float, right: float) -> list[Paragraph]:
    """Group one page's lines into paragraphs: a new one starts at an indent, a heading, a gap or after
    a short line. The first paragraph is marked as continuing the previous page unless it is indented."""
    paragraphs: list[Paragraph] = []
    current: list[Line] = []
    continues = False

    def flush() -> None:
        if current:
            box = (
                min(ln.bbox[0] for ln in current),
                min(ln.bbox[1] for ln in current),
                max(ln.bbox[2] for ln in current),
                max(ln.bbox[3] for ln in current),
            )
            text = "\n".join(ln.text for ln in current)
            paragraphs.append(Paragraph(text, current[0].page, box, continues=continues and not paragraphs))
            current.clear()

    for line in lines:
        height = max(line.bbox[3] - line.bbox[1], 6.0)
        indented = line.bbox[0] > left + 1.2 * height
        heading = bool(_HEADING_START.match(line.text))
        if not current and not paragraphs:
            continues = not indented and not heading
        if current:
            prev = current[-1]
            gap = line.bbox[1] - prev.bbox[3]
            short = prev.bbox[2] < right - 2.5 * height
            if indented or short or gap > 1.2 * height or heading:
                flush()
        current.append(line)
    flush()
    return paragraphs



def page_body(
    lines: list[Line], page_no: int, height: float, margin: float,
    group: Callable[[list[Line], float, float], list[Paragraph]] | None = None,
) -> tuple[list[Paragraph], list[Furniture], list[str]]:
    """A page's paragraphs and furniture (page numbers in the top or bottom `margin`, a share of the page
    height), and the texts of all its lines; `group` makes the paragraphs (lines_to_paragraphs by default)."""
    body: list[Line] = []
    furniture: list[Furniture] = []
    for line in lines:
        in_margin = line.bbox[1] > height * (1 - margin) or line.bbox[3] < height * margin
        if in_margin and is_page_furniture(line.text):
            furniture.append(Furniture(line.text.strip(), page_no, line.bbox))
        else:
            body.append(line)
    paragraphs: list[Paragraph] = []
    if body:
        left = min(ln.bbox[0] for ln in body)
        right = max(ln.bbox[2] for ln in body)
        paragraphs = (group or lines_to_paragraphs)(body, left, right)
    return paragraphs, furniture, [ln.text for ln in lines]
