"""PDF reader: pdfminer.six layout for the text lines, pdfplumber's ruling-line geometry for tables, word
positions for tables drawn without ruling lines."""

from __future__ import annotations

import io
import logging
from dataclasses import asdict, dataclass, field
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from nlp.ingest.extracted import Extracted, GridCell, GridRow, Paragraph
from nlp.ingest.limits import too_complex
from nlp.ingest.lines import Line, page_body
from nlp.ingest.lines import lines_to_paragraphs as _lines_to_paragraphs
from nlp.ingest.ocr import PageRead
from nlp.ingest.ocr_engine import OcrSettings, OcrUnavailable
from nlp.ingest.ocr_pdf import PageRenderer, ocr_pdf_page, ocr_reason, page_ranges
from nlp.ingest.pdf_words import word_rows
from nlp.ingest.rows import is_table_row
from nlp.normalize import cid_share
from nlp.report import BBox, Furniture, ReportError

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
    # Pages without a usable text layer (a scan, or a (cid:…) / mojibake layer) are read by OCR.
    ocr: OcrSettings = field(default_factory=OcrSettings)


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


def _page_lines(page: Any, page_no: int, skip: list[BBox]) -> list[Line]:
    lines = []
    for obj in page.objects.get("textlinehorizontal", []):
        text = obj["text"].rstrip("\n")
        if not text.strip():
            continue
        box = (round(obj["x0"], 1), round(obj["top"], 1), round(obj["x1"], 1), round(obj["bottom"], 1))
        if any(_inside(box, area) for area in skip):
            continue
        lines.append(Line(text, page_no, box))
    lines.sort(key=lambda ln: (round(ln.bbox[1] / 3), ln.bbox[0]))
    return lines


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
            return _read_pages(pdfplumber.open(stream, laparams=asdict(settings.layout)), settings, data)
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


def _read_pages(pdf: Any, settings: PdfSettings, data: bytes) -> Extracted:
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
    ocr = _OcrPages(data, len(pages), settings)
    try:
        for index, page in enumerate(pages):
            page_no = index + 1
            operators += _text_operators(page)
            if operators > settings.max_text_operators:
                raise too_complex("文字绘制指令", operators, settings.max_text_operators)
            page_rows, lines = _text_layer(page, page_no)
            layer_text = "".join(ln.text for ln in lines) + "".join(c.text for r in page_rows for c in r)
            # A page without a usable text layer is read from its image, each page from its own best source.
            read = ocr.read(page, index, layer_text)
            if read is not None:
                paragraphs += read.paragraphs
                rows += read.rows
                furniture += read.furniture
                all_text += read.texts
                errors += read.errors
            else:
                rows += page_rows
                page_paragraphs, page_furniture, texts = page_body(
                    lines, page_no, page.height, settings.furniture_margin, _lines_to_paragraphs
                )
                paragraphs += page_paragraphs
                furniture += page_furniture
                all_text += texts
            page.flush_cache()
    finally:
        ocr.close()
    errors = ocr.notes() + errors
    text = "".join(all_text)
    chars = sum(len(t.strip()) for t in all_text) + sum(len(c.text) for r in rows for c in r)
    if chars < settings.min_chars_per_page * max(len(pages), 1) / 4:
        if ocr.read_pages:  # recognised and found (next to) nothing: a blank or photographed scan
            return Extracted("pdf", page_count, errors=(*errors, ReportError("no_text", "扫描页上没有识别出文字 (no text found by OCR)")), failed=True)
        errors.append(
            ReportError(
                "no_text_layer",
                "PDF 没有可提取的文字层（可能是扫描件），需要先做 OCR (no text layer: a scanned PDF needs OCR)"
                + (f"；{ocr.unavailable}" if ocr.unavailable else ""),
            )
        )
        return Extracted("pdf", page_count, errors=tuple(errors), failed=True)
    share = cid_share(text)
    if share > settings.max_cid_share:
        errors.append(
            ReportError(
                "cid_garbage",
                f"PDF 字体缺少 Unicode 映射，{share:.0%} 的文字为 (cid:…) 乱码，无法识别 "
                "(fonts without a Unicode map: text is (cid:NN) garbage)"
                + (f"；{ocr.unavailable}" if ocr.unavailable else ""),
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


def _text_layer(page: Any, page_no: int) -> tuple[list[GridRow], list[Line]]:
    """A page's table rows (ruled, then borderless) and its text lines outside them, from the text layer."""
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
    return page_rows, _page_lines(page, page_no, table_areas + borderless_areas)


class _OcrPages:
    """The pages of one PDF read by OCR, and what the report says about them."""

    def __init__(self, data: bytes, pages: int, settings: PdfSettings) -> None:
        self.renderer = PageRenderer(data)
        self.pages = pages
        self.settings = settings
        self.read_pages: list[int] = []
        self.garbage_pages: list[int] = []
        self.unavailable: str | None = None

    def read(self, page: Any, index: int, layer_text: str) -> PageRead | None:
        """The page's OCR reading, or None when its text layer is to be read (or OCR cannot run here)."""
        reason = ocr_reason(page, layer_text, self.settings.min_chars_per_page, self.settings.max_cid_share)
        if reason is None or not self.settings.ocr.enabled or self.unavailable:
            return None
        try:
            read = ocr_pdf_page(self.renderer, index, self.pages, self.settings.ocr, self.settings.furniture_margin)
        except OcrUnavailable as exc:
            self.unavailable = str(exc)
            return None
        self.read_pages.append(index + 1)
        if reason == "garbage":
            self.garbage_pages.append(index + 1)
        return read

    def notes(self) -> list[ReportError]:
        """One warning for the pages read by OCR, one for those whose text layer was garbage."""
        notes = []
        if self.garbage_pages:
            notes.append(ReportError(
                "text_layer_garbage",
                f"第 {page_ranges(self.garbage_pages)} 页的文字层是乱码（(cid:…) 或错误编码），已改用文字识别（OCR）读取",
                "warning", self.garbage_pages[0]))
        if self.read_pages:
            notes.append(ReportError(
                "ocr_used",
                f"第 {page_ranges(self.read_pages)} 页没有可用的文字层，已用文字识别（OCR）读取；识别把握不足的表格数字已标出，需人工核对",
                "warning", self.read_pages[0]))
        return notes

    def close(self) -> None:
        self.renderer.close()
