"""DOCX reader: body paragraphs and tables in document order through python-docx."""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import Any

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml.etree import XMLSyntaxError

from nlp.ingest.extracted import Extracted, GridCell, GridRow, Paragraph
from nlp.ingest.limits import too_large
from nlp.ingest.rows import is_table_row
from nlp.report import ReportError


def _grid_row(cells: list[_Cell], index: int, origins: dict[Any, tuple[int, int]]) -> GridRow:
    """One row's slots, each naming its source cell: python-docx repeats a merged cell's object in every
    slot it covers, so a value spanning two grid columns counts once."""
    elements = [cell._tc for cell in cells]
    slots = []
    for cell in cells:
        first = next(i for i, tc in enumerate(elements) if tc is cell._tc)
        width = sum(1 for tc in elements if tc is cell._tc)
        origin = origins.setdefault(cell._tc, (index, first))
        slots.append(GridCell(cell.text.strip(), origin=origin, span=(first, first + width)))
    return tuple(slots)


def _table_rows(table: Table, number: int) -> tuple[list[GridRow], list[ReportError]]:
    """Rows of cell texts, and a warning for each row that cannot be laid out on the table's grid.

    python-docx repeats a merged cell in every grid slot it covers; a vertical-merge continuation with no
    cell above it (a broken merge) makes `row.cells` raise ValueError (IndexError before python-docx 1.2).
    """
    out: list[GridRow] = []
    warnings: list[ReportError] = []
    origins: dict[Any, tuple[int, int]] = {}  # source cell element -> its first (row, column)
    for index, row in enumerate(table.rows, start=1):
        try:
            out.append(_grid_row(row.cells, index - 1, origins))
        except (IndexError, ValueError) as exc:
            warnings.append(
                ReportError(
                    "table_row_skipped",
                    f"第 {number} 个表格第 {index} 行的合并单元格结构有误，无法读取，该行未收录 "
                    f"(DOCX table {number}, row {index} skipped: {exc})",
                    "warning",
                )
            )
    return out, warnings


_PARAGRAPH_TAGS = (b"<w:p>", b"<w:p ", b"<w:p/>")


def _check_paragraphs(data: bytes, limit: int) -> None:
    """Count the body's paragraphs on the raw XML, streamed, before python-docx builds a tree of them all:
    a 538 KB file can hold two million empty paragraphs."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package, package.open("word/document.xml") as xml:
            count, tail = 0, b""
            while chunk := xml.read(1 << 20):
                window = tail + chunk
                # The tail (4 bytes, shorter than a tag) joins a tag cut by the chunk boundary; it cannot
                # hold a whole tag counted before.
                count += sum(window.count(tag) for tag in _PARAGRAPH_TAGS)
                if count > limit:
                    raise too_large("段落", count, limit)
                tail = chunk[-4:]
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error, NotImplementedError):
        return  # python-docx reports the broken package below


def _core_title(document: Any) -> str | None:
    """The core-properties title; a broken docProps part is no title, not a failed document."""
    try:
        title = document.core_properties.title
    except (KeyError, ValueError, XMLSyntaxError):
        return None
    return (title.strip() or None) if isinstance(title, str) else None


def read_docx(data: bytes, max_paragraphs: int | None = None) -> Extracted:
    """Read a .docx file; a broken package comes back as an error, a table row it cannot read as a warning.
    More than `max_paragraphs` paragraphs raise InputTooLarge before the package is parsed."""
    if max_paragraphs is not None:
        _check_paragraphs(data, max_paragraphs)
    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError, zlib.error, EOFError) as exc:
        # XMLSyntaxError: a part of the package (word/document.xml, ...) is truncated or not XML.
        return Extracted(
            "docx", errors=(ReportError("unreadable", f"DOCX 文件已损坏，无法读取 (broken DOCX: {exc})"),), failed=True
        )
    paragraphs: list[Paragraph] = []
    rows: list[GridRow] = []
    errors: list[ReportError] = []
    tables = 0
    for item in document.iter_inner_content():
        if isinstance(item, DocxParagraph):
            text = item.text.strip()
            if text:
                style = (item.style.name if item.style is not None else "") or ""
                paragraphs.append(Paragraph(text, heading=style.startswith(("Heading", "Title", "标题"))))
        elif isinstance(item, Table):
            tables += 1
            grid_rows, warnings = _table_rows(item, tables)
            errors += warnings
            for row in grid_rows:
                if is_table_row(row):
                    rows.append(row)
                elif any(c.text for c in row):
                    paragraphs.append(Paragraph(next(c.text for c in row if c.text)))
    title = _core_title(document)
    return Extracted("docx", 0, tuple(paragraphs), tuple(rows), errors=tuple(errors), title=title)
