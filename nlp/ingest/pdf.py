"""PDF reader: pdfminer.six layout for the text lines, pdfplumber's ruling-line geometry for tables, word
positions for tables drawn without ruling lines."""

from __future__ import annotations

import io
import logging
import re
from dataclasses import asdict, dataclass, field
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from nlp.ingest.extracted import Extracted, GridCell, GridRow, Paragraph
from nlp.ingest.limits import too_complex
from nlp.ingest.pdf_words import word_rows
from nlp.ingest.rows import is_table_row
from nlp.normalize import cid_share, is_page_furniture
from nlp.report import BBox, Furniture, ReportError
from nlp.vocabulary import ITEM_MARK

log = logging.getLogger(__name__)

# What the PDF libraries raise on a broken file, and nothing else: an error in our own layout code is a bug
# to be seen (nlp.pipeline reports it as internal_error), not a corrupt document. pdfplumber wraps whatever
# pdfminer raises while opening, listing pages and laying out a page in PdfminerException, and raises
# MalformedPDFException for a non-numeric page box; pdfminer's own errors (PDFSyntaxError, PDFObjectNotFound,
# PSEOF, the encryption errors, ...) all derive from PSException.
_BROKEN_PDF = (PdfminerException, MalformedPDFException, PSException)


@dataclass(frozen=True)
class LayoutParams:
    """pdfminer's LAParams, tuned for justified Chinese text (pinned by the golden tests)."""

    line_overlap: float = 0.5
    char_margin: float = 4.0
    line_margin: float = 0.3
    word_margin: float = 0.5
    # None: keep lines in reading order without pdfminer's costly hierarchical box grouping, which a
    # single-column report does not need.
    boxes_flow: float | None = None


@dataclass(frozen=True)
class PdfSettings:
    """How PDFs are read."""

    layout: LayoutParams = field(default_factory=LayoutParams)
    max_pages: int = 400
    # Lines whose top lies in these margins (share of page height) and that look like page numbers
    # are page furniture.
    furniture_margin: float = 0.1
    # A document whose text is mostly (cid:NN) garbage cannot be read.
    max_cid_share: float = 0.3
    # Fewer characters per page than this means no text layer (a scan).
    min_chars_per_page: int = 20
    # Text-showing operators (Tj, TJ) in the whole document: layout costs time and memory per operator,
    # and a real report of a few hundred pages shows far fewer (a 48 MB file with 2 million took 132 s).
    max_text_operators: int = 500_000


_HEADING_START = re.compile(rf"^\s*{ITEM_MARK}")


def _cell_rows(table: Any, page_no: int) -> list[GridRow]:
    """pdfplumber's table as rows of GridCells with bounding boxes (None cells become blanks)."""
    texts = table.extract()
    rows: list[GridRow] = []
    for row, values in zip(table.rows, texts, strict=True):
        cells = []
        for bbox, value in zip(row.cells, values, strict=True):
            box: BBox | None = tuple(round(v, 1) for v in bbox) if bbox else None  # type: ignore[assignment]
            cells.append(GridCell(value or "", page_no, box, span=(box[0], box[2]) if box else None))
        rows.append(tuple(cells))
    return rows


def _inside(box: BBox, area: BBox) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return area[0] - 1 <= cx <= area[2] + 1 and area[1] - 1 <= cy <= area[3] + 1


def _row_area(row: GridRow) -> BBox | None:
    boxes = [c.bbox for c in row if c.bbox]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


@dataclass
class _Line:
    text: str
    page: int
    bbox: BBox


def _page_lines(page: Any, page_no: int, skip: list[BBox]) -> list[_Line]:
    lines = []
    for obj in page.objects.get("textlinehorizontal", []):
        text = obj["text"].rstrip("\n")
        if not text.strip():
            continue
        box = (round(obj["x0"], 1), round(obj["top"], 1), round(obj["x1"], 1), round(obj["bottom"], 1))
        if any(_inside(box, area) for area in skip):
            continue
        lines.append(_Line(text, page_no, box))
    lines.sort(key=lambda ln: (round(ln.bbox[1] / 3), ln.bbox[0]))
    return lines


def _lines_to_paragraphs(lines: list[_Line], left: float, right: float) -> list[Paragraph]:
    """Group one page's lines into paragraphs: a new one starts at an indent, a heading, a gap or after
    a short line. The first paragraph is marked as continuing the previous page unless it is indented."""
    paragraphs: list[Paragraph] = []
    current: list[_Line] = []
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


def _open_error(exc: Exception) -> Extracted:
    """Name why a PDF could not be read; pdfplumber wraps pdfminer's errors in PdfminerException."""
    inner = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(inner, PDFPasswordIncorrect | PDFEncryptionError) or "password" in str(inner).lower():
        return _failed("encrypted", "PDF 已加密，需要密码才能读取 (the PDF is encrypted)")
    return _failed("unreadable", f"PDF 文件已损坏或不完整，无法读取 (corrupt or truncated PDF: {type(inner).__name__}: {inner})")


def read_pdf(data: bytes, settings: PdfSettings | None = None) -> Extracted:
    """Read a PDF's text lines, tables and furniture. A broken file comes back as errors; any other exception
    is a bug of ours and is raised."""
    settings = settings or PdfSettings()
    # Not `with pdfplumber.open(...)`: for a stream it did not open, pdfplumber's close() only clears caches
    # (each page's are cleared as it is read) and lists the pages again, which raises for a broken page tree.
    with io.BytesIO(data) as stream:
        try:
            return _read_pages(pdfplumber.open(stream, laparams=asdict(settings.layout)), settings)
        except _BROKEN_PDF as exc:
            log.warning("PDF cannot be read: %s: %s", type(exc).__name__, exc)
            return _open_error(exc)


def _page_list(pdf: Any) -> list[Any] | Extracted:
    """pdfplumber's pages, or why they cannot be listed. pdfplumber builds a Page from the raw page dictionary
    without checking it: a missing MediaBox or a non-numeric /Rotate raises a bare TypeError there, a MediaBox
    of fewer than four numbers an IndexError."""
    try:
        return list(pdf.pages)
    except (TypeError, IndexError) as exc:
        log.warning("PDF page tree is broken: %s", exc)
        return _open_error(exc)


def _text_operators(page: Any) -> int:
    """How many text-showing operators the page's content streams hold, counted on the decoded bytes
    (which pdfminer keeps for the layout that follows), before any layout work is done."""
    count = 0
    for ref in page.page_obj.contents:
        try:
            stream = resolve1(ref)
            data = stream.get_data() if isinstance(stream, PDFStream) else b""
        except _BROKEN_PDF:  # the layout meets the same broken stream and reports it
            continue
        count += data.count(b"Tj") + data.count(b"TJ")
    return count


def _title(pdf: Any) -> str | None:
    """The document-information title when it is text; an array, stream, number or undecodable value
    (pdfplumber passes such values through as they are) is no title."""
    value = (pdf.metadata or {}).get("Title") if isinstance(pdf.metadata, dict) else None
    if not isinstance(value, str):
        return None
    value = "".join(ch for ch in value if ch.isprintable()).strip()
    return value or None


def _failed(code: str, message: str) -> Extracted:
    return Extracted("pdf", errors=(ReportError(code, message),), failed=True)


def _read_pages(pdf: Any, settings: PdfSettings) -> Extracted:
    pages = _page_list(pdf)
    if isinstance(pages, Extracted):
        return pages
    page_count = len(pages)
    errors: list[ReportError] = []
    if page_count > settings.max_pages:
        errors.append(
            ReportError(
                "too_many_pages",
                f"文档共 {page_count} 页，只读取前 {settings.max_pages} 页 (read the first {settings.max_pages} pages)",
                "warning",
            )
        )
        pages = pages[: settings.max_pages]
    paragraphs: list[Paragraph] = []
    rows: list[GridRow] = []
    furniture: list[Furniture] = []
    all_text: list[str] = []
    operators = 0
    for index, page in enumerate(pages):
        page_no = index + 1
        operators += _text_operators(page)
        if operators > settings.max_text_operators:
            raise too_complex("文字绘制指令", operators, settings.max_text_operators)
        table_areas: list[BBox] = []
        page_rows: list[GridRow] = []
        for table in page.find_tables():
            for row in _cell_rows(table, page_no):
                if is_table_row(row):
                    page_rows.append(row)
                    area = _row_area(row)
                    if area:
                        table_areas.append(area)
        # Tables drawn without ruling lines: pdfplumber's line strategy cannot see them, their words can.
        borderless, borderless_areas = word_rows(page, page_no, table_areas)
        if borderless:
            page_rows = sorted(page_rows + borderless, key=lambda r: (_row_area(r) or (0, 0, 0, 0))[1])
        rows.extend(page_rows)
        lines = _page_lines(page, page_no, table_areas + borderless_areas)
        body: list[_Line] = []
        for line in lines:
            all_text.append(line.text)
            in_margin = (
                line.bbox[1] > page.height * (1 - settings.furniture_margin)
                or line.bbox[3] < page.height * settings.furniture_margin
            )
            if in_margin and is_page_furniture(line.text):
                furniture.append(Furniture(line.text.strip(), page_no, line.bbox))
            else:
                body.append(line)
        if body:
            left = min(ln.bbox[0] for ln in body)
            right = max(ln.bbox[2] for ln in body)
            paragraphs.extend(_lines_to_paragraphs(body, left, right))
        page.flush_cache()
    text = "".join(all_text)
    chars = sum(len(t.strip()) for t in all_text) + sum(len(c.text) for r in rows for c in r)
    if chars < settings.min_chars_per_page * max(len(pages), 1) / 4:
        errors.append(
            ReportError(
                "no_text_layer",
                "PDF 没有可提取的文字层（可能是扫描件），需要先做 OCR (no text layer: a scanned PDF needs OCR)",
            )
        )
        return Extracted("pdf", page_count, errors=tuple(errors), failed=True)
    share = cid_share(text)
    if share > settings.max_cid_share:
        errors.append(
            ReportError(
                "cid_garbage",
                f"PDF 字体缺少 Unicode 映射，{share:.0%} 的文字为 (cid:…) 乱码，无法识别 "
                "(fonts without a Unicode map: text is (cid:NN) garbage)",
            )
        )
        return Extracted("pdf", page_count, errors=tuple(errors), failed=True)
    return Extracted(
        "pdf",
        page_count,
        tuple(paragraphs),
        tuple(rows),
        tuple(furniture),
        tuple(errors),
        title=_title(pdf),
    )
