"""DOCX reader: body paragraphs and tables in document order through python-docx."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph as DocxParagraph

from nlp.ingest.extracted import Extracted, GridCell, GridRow, Paragraph
from nlp.ingest.rows import is_table_row
from nlp.report import ReportError


def _table_rows(table: Table) -> list[list[str]]:
    """Rows of cell texts; python-docx repeats a merged cell in every grid slot it covers."""
    out = []
    for row in table.rows:
        try:
            out.append([cell.text.strip() for cell in row.cells])
        except (IndexError, ValueError):
            continue
    return out


def read_docx(data: bytes) -> Extracted:
    """Read a .docx file; a broken package comes back as an error."""
    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        return Extracted(
            "docx", errors=(ReportError("unreadable", f"DOCX 文件已损坏，无法读取 (broken DOCX: {exc})"),), failed=True
        )
    paragraphs: list[Paragraph] = []
    rows: list[GridRow] = []
    for item in document.iter_inner_content():
        if isinstance(item, DocxParagraph):
            text = item.text.strip()
            if text:
                style = (item.style.name if item.style is not None else "") or ""
                paragraphs.append(Paragraph(text, heading=style.startswith(("Heading", "Title", "标题"))))
        elif isinstance(item, Table):
            for values in _table_rows(item):
                row = tuple(GridCell(v) for v in values)
                if is_table_row(row):
                    rows.append(row)
                elif any(values):
                    paragraphs.append(Paragraph(next(v for v in values if v)))
    title = document.core_properties.title or None
    return Extracted("docx", 0, tuple(paragraphs), tuple(rows), title=title)
