"""HTML reader: paragraphs in document order and tables with rowspan/colspan expanded into a grid."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag

from nlp.ingest.extracted import Extracted, GridCell, GridRow, Paragraph
from nlp.ingest.limits import too_complex
from nlp.ingest.rows import is_table_row

_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "section", "article",
           "td", "th", "tr", "ul", "ol", "table", "center", "dd", "dt"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def _cell_text(tag: Tag) -> str:
    return re.sub(r"[ \t\r\f\v\xa0\u3000]+", " ", tag.get_text("\n")).strip()


def _span(tag: Tag, name: str) -> int:
    try:
        return max(1, min(int(str(tag.get(name, 1)).strip() or 1), 200))
    except ValueError:
        return 1


def table_to_grid(table: Tag, max_cells: int = 200_000) -> list[list[GridCell]]:
    """The table as a rectangular grid, a merged cell's text copied into every slot it covers; each slot
    names its source cell (`origin`) and that cell's column extent (`span`), so a spanned value counts once.
    A grid over `max_cells` slots raises InputTooLarge before it is built (spans of 200 multiply fast)."""
    slots = sum(_span(cell, "rowspan") * _span(cell, "colspan") for cell in table.find_all(["td", "th"]))
    if slots > max_cells:
        raise too_complex("表格单元格", slots, max_cells)
    grid: dict[tuple[int, int], GridCell] = {}
    for r, tr in enumerate(table.find_all("tr")):
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, c) in grid:
                c += 1
            text = _cell_text(cell)
            colspan = _span(cell, "colspan")
            source = GridCell(text, origin=(r, c), span=(c, c + colspan))
            for dr in range(_span(cell, "rowspan")):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = source
            c += colspan
    if not grid:
        return []
    height = max(r for r, _ in grid) + 1
    width = max(c for _, c in grid) + 1
    if height * width > max_cells:
        raise too_complex("表格单元格", height * width, max_cells)
    # A slot no cell covers (a short row) is a blank of its own.
    return [[grid.get((r, c), GridCell("", origin=(r, c), span=(c, c + 1))) for c in range(width)] for r in range(height)]


def _has_block_child(tag: Tag) -> bool:
    return any(isinstance(ch, Tag) and ch.name in _BLOCKS for ch in tag.children)


def read_html(text: str, max_grid_cells: int = 200_000) -> Extracted:
    """Read paragraphs and table rows of an HTML page in document order (tables over `max_grid_cells` slots
    raise InputTooLarge)."""
    soup = BeautifulSoup(text, "lxml")
    for junk in soup(["script", "style", "noscript", "head"]):
        if junk.name == "head":
            continue
        junk.decompose()
    title_tag = soup.find("title")
    title = _cell_text(title_tag) if title_tag else None
    paragraphs: list[Paragraph] = []
    rows: list[GridRow] = []

    def walk(tag: Tag) -> None:
        for child in tag.children:
            if isinstance(child, NavigableString):
                if child.strip() and tag.name not in ("head", "title", "[document]", "html"):
                    paragraphs.append(Paragraph(child.strip()))
                continue
            if not isinstance(child, Tag) or child.name in ("head", "title"):
                continue
            if child.name == "table" and child.find("table") is None:
                for row in map(tuple, table_to_grid(child, max_grid_cells)):
                    if is_table_row(row):
                        rows.append(row)
                    elif any(c.text for c in row):
                        paragraphs.append(Paragraph(next(c.text for c in row if c.text)))
            elif child.name in _BLOCKS and not _has_block_child(child):
                content = _cell_text(child)
                if content:
                    paragraphs.append(Paragraph(content, heading=child.name in _HEADINGS))
            elif child.name == "br":
                continue
            else:
                walk(child)

    walk(soup)
    return Extracted("html", 0, tuple(paragraphs), tuple(rows), title=title)
