"""What a reader hands to the structure stage: paragraphs and table grids with provenance."""

from __future__ import annotations

from dataclasses import dataclass

from nlp.report import BBox, Furniture, ReportError


@dataclass(frozen=True)
class Paragraph:
    """A run of text lines that belong together, before normalisation."""

    text: str
    page: int | None = None
    bbox: BBox | None = None
    heading: bool = False  # the reader knows it is a heading (HTML <h1>, DOCX heading style, markdown #)
    continues: bool = False  # the reader thinks it carries on the previous paragraph (broken by a page)


@dataclass(frozen=True)
class GridCell:
    """One cell of a table as laid out in the document, merged cells already expanded."""

    text: str
    page: int | None = None
    bbox: BBox | None = None
    # The merged source cell a slot was copied from, as its (row, column) in the table's grid: the slots of a
    # colspan=2 cell share one origin, so the cell counts once. None where the reader has no grid (PDF, text).
    origin: tuple[int, int] | None = None
    # The horizontal extent of the source cell, [start, end): grid columns for HTML and DOCX, points for PDF.
    # Header and data cells of one table share the unit, so a data cell belongs to the header column it
    # overlaps. None where the reader knows no extent (copied text).
    span: tuple[float, float] | None = None
    # How sure OCR is of the cell's text (0–1); None where the text comes from the document itself. A table
    # cell takes the lower of this and its placement's confidence, so a doubtful reading is flagged for review.
    confidence: float | None = None


GridRow = tuple[GridCell, ...]


def source_cells(cells: list[GridCell]) -> list[GridCell]:
    """The cells with the copies of a merged cell dropped: a colspan=2 value counts once."""
    seen: set[tuple[int, int]] = set()
    out = []
    for cell in cells:
        if cell.origin is not None:
            if cell.origin in seen:
                continue
            seen.add(cell.origin)
        out.append(cell)
    return out


@dataclass(frozen=True)
class Extracted:
    """Everything a reader could take out of one document."""

    format: str
    pages: int = 0
    paragraphs: tuple[Paragraph, ...] = ()
    rows: tuple[GridRow, ...] = ()  # every table row of the document in reading order
    furniture: tuple[Furniture, ...] = ()
    errors: tuple[ReportError, ...] = ()
    title: str | None = None  # a title the container states (HTML <title>, DOCX core properties)
    failed: bool = False
