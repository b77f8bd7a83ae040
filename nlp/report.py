"""The Report: one immutable record of a document that every stage reads and extends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

NA = "NA"
# The error code of a document that failed through a bug of ours rather than its own fault: it is not scored,
# and a batch retries it.
INTERNAL_ERROR = "internal_error"
# Statuses of a report that was read: it has text and tables to score and to compare across years.
READ_STATUSES = ("ok", "needs_review")
# A cell placed with less confidence than this is marked for a second look (template order without a header,
# an alignment chosen by the table's arithmetic).
UNCERTAIN_BELOW = 0.85


def is_uncertain(confidence: float | None) -> bool:
    """Whether a cell placed with this confidence deserves a second look (None: placed before it was recorded)."""
    return confidence is not None and confidence < UNCERTAIN_BELOW


CellValue = int | float | str | None  # a number, None for blank, or NA for "/", "—", "不适用"
BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, origin top-left

Severity = Literal["error", "warning", "info"]
# How a table reader put a value under its column: the header's spans on the document's own grid (HTML,
# DOCX), the x position against the header's column extents (PDF), the one alignment under which the row's
# arithmetic holds, or the template's column order (copied text without geometry).
Placement = Literal["header_span", "geometry", "arithmetic_choice", "template_order"]


@dataclass(frozen=True)
class Source:
    """Where the document came from."""

    path: str = ""
    format: str = ""  # pdf | html | docx | text
    sha256: str = ""
    pages: int = 0
    size: int = 0


@dataclass(frozen=True)
class ReportError:
    """A structured problem met while reading: a machine code, a severity and a sentence for people."""

    code: str
    message: str
    severity: Severity = "error"
    page: int | None = None


@dataclass(frozen=True)
class Block:
    """A paragraph or heading of the canonical text, with where it came from before normalisation."""

    kind: Literal["heading", "paragraph"]
    start: int
    end: int
    page: int | None = None
    bbox: BBox | None = None
    original: str = ""


@dataclass(frozen=True)
class Furniture:
    """Page furniture (page numbers, running headers) kept out of the text."""

    text: str
    page: int | None = None
    bbox: BBox | None = None


@dataclass(frozen=True)
class SubItem:
    """A numbered sub-item inside a section, such as （一）主动公开情况 or 1. …"""

    label: str
    title: str
    start: int
    end: int


@dataclass(frozen=True)
class Section:
    """One of the six required sections, as a span of the text."""

    key: str
    title: str
    start: int
    end: int
    page: int | None = None
    items: tuple[SubItem, ...] = ()


@dataclass(frozen=True)
class Cell:
    """One data cell of a statistical table in the official schema."""

    table: Literal["table2", "table3", "table4"]
    row: str
    column: str
    value: CellValue
    raw: str = ""
    block: str | None = None  # table 二 only: art20_1, art20_5, …
    unit: str | None = None
    page: int | None = None
    bbox: BBox | None = None
    placement: Placement | None = None  # None in reports stored before placements were recorded
    confidence: float | None = None  # 0–1: how sure the reader is of the column (not of the value)

    @property
    def uncertain(self) -> bool:
        """Whether the reader was unsure which column the value belongs to: a reviewer should look."""
        return is_uncertain(self.confidence)


@dataclass(frozen=True)
class Unreadable:
    """A table, or some of its rows, that the document prints but we could not read: our failure, not the
    report's, so its rules are not assessable and cost nothing."""

    table: Literal["table2", "table3", "table4"]
    reason: str  # a machine code: flattened, misaligned, …
    message: str  # what a reviewer reads, naming the table and why
    rows: tuple[str, ...] = ()  # the rows concerned; empty for the whole table
    page: int | None = None


@dataclass(frozen=True)
class Tables:
    """The three statistical tables as a flat tuple of cells, plus which tables were found where and which
    the document has but could not be read."""

    cells: tuple[Cell, ...] = ()
    found: tuple[str, ...] = ()
    pages: tuple[tuple[str, tuple[int, ...]], ...] = ()
    unreadable: tuple[Unreadable, ...] = ()

    def unread(self, table: str) -> tuple[Unreadable, ...]:
        """What of one table the document has and we could not read."""
        return tuple(u for u in self.unreadable if u.table == table)

    def get(self, table: str, row: str, column: str, block: str | None = None) -> Cell | None:
        """The cell at (table, row, column), or None when the parser did not find it."""
        for cell in self.cells:
            if cell.table == table and cell.row == row and cell.column == column and cell.block == block:
                return cell
        return None

    def value(self, table: str, row: str, column: str, block: str | None = None) -> CellValue:
        """The value of a cell; None both for a blank cell and for a cell that was not found."""
        cell = self.get(table, row, column, block)
        return None if cell is None else cell.value

    def of(self, table: str) -> tuple[Cell, ...]:
        """All cells of one table in reading order."""
        return tuple(c for c in self.cells if c.table == table)

    def to_contract(self) -> dict[str, Any]:
        """The nested value-only view of the JSON contract (design.md)."""
        out: dict[str, Any] = {"table2": {}, "table3": {}, "table4": {}}
        for c in self.cells:
            target = out[c.table]
            if c.block is not None:
                target = target.setdefault(c.block, {})
            target.setdefault(c.row, {})[c.column] = c.value
        return out


@dataclass(frozen=True)
class Meta:
    """What the report is: its title, issuing body, place, level, year and template version."""

    title: str | None = None
    agency: str | None = None
    region: str | None = None
    province: str | None = None
    city: str | None = None  # the prefecture-level city, when the region lies in one
    level: str | None = None  # national | province | city | county | township | department
    year: int | None = None
    template: str | None = None  # v2019 | v2021, detected from the tables
    template_expected: str | None = None  # what the report year calls for
    period: tuple[str, str] | None = None  # statistics period as stated, ISO dates
    published: str | None = None  # ISO date when the document states one


@dataclass(frozen=True)
class Sentence:
    """A narrative sentence as a span of the text, with its section and topic once classified."""

    start: int
    end: int
    section: str | None = None
    topic: str | None = None
    confidence: float | None = None
    model: str | None = None


@dataclass(frozen=True)
class Finding:
    """The outcome of one evaluator rule on one subject, with the evidence behind it."""

    rule: str
    severity: Severity
    passed: bool | None  # None: not assessable (its inputs are blank or missing)
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Scorecard:
    """A 0–100 score with its per-dimension breakdown and the rubric version that produced it."""

    total: float
    dimensions: dict[str, float]
    rubric: str


@dataclass(frozen=True)
class Report:
    """Everything known about one document; stages return a new Report with their slot filled."""

    source: Source = Source()
    # needs_review: read, but something the document has (a table, rows of one) could not be: see tables.unreadable
    status: Literal["ok", "needs_review", "failed"] = "ok"
    errors: tuple[ReportError, ...] = ()
    text: str = ""
    blocks: tuple[Block, ...] = ()
    furniture: tuple[Furniture, ...] = ()
    meta: Meta = Meta()
    sections: tuple[Section, ...] = ()
    missing_sections: tuple[str, ...] = ()
    tables: Tables = Tables()
    sentences: tuple[Sentence, ...] = ()
    findings: tuple[Finding, ...] = ()
    score: Scorecard | None = None

    def section(self, key: str) -> Section | None:
        """The section with this key, if the report has it."""
        return next((s for s in self.sections if s.key == key), None)

    def section_text(self, key: str) -> str:
        """The text of one section ('' when missing)."""
        sec = self.section(key)
        return "" if sec is None else self.text[sec.start : sec.end]

    def span(self, start: int, end: int) -> str:
        """The text of a span."""
        return self.text[start:end]
