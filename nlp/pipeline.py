"""`parse`: read any report file into a Report, from bytes to sections, tables and metadata."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from nlp.ingest.assemble import extracted_to_report
from nlp.ingest.detect import decode_text_counted, detect_format
from nlp.ingest.extracted import Extracted
from nlp.ingest.limits import InputTooLarge, too_large
from nlp.ingest.pdf import PdfSettings, read_pdf
from nlp.labels import SECTION_NAMES, TABLE_SECTIONS
from nlp.report import INTERNAL_ERROR, Report, ReportError, Source
from nlp.sentences import split_sentences
from nlp.structure.flattened import flattened_tables
from nlp.structure.meta import find_meta
from nlp.structure.sections import find_sections
from nlp.structure.tables import rows_to_tables

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ParseSettings:
    """Everything that changes how a document is read."""

    pdf: PdfSettings = field(default_factory=PdfSettings)
    max_bytes: int = 200 * 1024 * 1024
    # Lines of a text or HTML file, paragraphs of a DOCX: checked before the work, which grows with them.
    max_lines: int = 100_000
    # Slots of one HTML table once rowspan/colspan are expanded (a 76 KB page asked for 5.5 GB).
    max_grid_cells: int = 200_000


_UNSUPPORTED = {
    "empty": ("empty_file", "文件为空 (empty file)"),
    "doc": ("old_word_format", "旧版 Word（.doc）格式无法直接读取，请另存为 .docx 或 PDF (legacy .doc is not supported)"),
    "binary": ("unsupported_format", "无法识别的文件格式：不是 PDF、DOCX、HTML 或文本 (unsupported binary format)"),
}


_TAGS_PER_LINE = 10  # HTML tags allowed per allowed line: a report's markup is rarely denser


def _extract(data: bytes, fmt: str, settings: ParseSettings) -> Extracted:
    # Each reader is imported when its format comes: a cold `nianbao parse` of a PDF need not load
    # python-docx and BeautifulSoup (a tenth of a second together).
    if fmt == "pdf":
        return read_pdf(data, settings.pdf)
    if fmt == "docx":
        from nlp.ingest.docx import read_docx

        return read_docx(data, settings.max_lines)
    if fmt == "image":  # a scan saved as PNG, JPEG or TIFF: read by OCR
        from nlp.ingest.image import read_image

        return read_image(data, settings.pdf.ocr, settings.pdf.max_pages)
    text, invalid = decode_text_counted(data) or ("", 0)
    lines = text.count("\n") + 1
    if lines > settings.max_lines:
        raise too_large("行数", lines, settings.max_lines)
    # An HTML page can hold its paragraphs on one line: its tags bound the tree the parser would build.
    if fmt == "html" and (tags := text.count("<")) > settings.max_lines * _TAGS_PER_LINE:
        raise too_large("标签", tags, settings.max_lines * _TAGS_PER_LINE)
    if fmt == "html":
        from nlp.ingest.html import read_html

        extracted = read_html(text, settings.max_grid_cells)
    else:
        from nlp.ingest.text import read_text

        extracted = read_text(text)
    if not invalid:
        return extracted
    warning = ReportError("invalid_bytes", f"文件中有 {invalid} 处无法解码的字节，已替换为 � (invalid bytes replaced)",
                          "warning")
    return replace(extracted, errors=(*extracted.errors, warning))


def parse_bytes(data: bytes, path: str = "", settings: ParseSettings | None = None) -> Report:
    """Parse a document held in memory. Never raises for bad input: failures are in `status`/`errors`."""
    settings = settings or ParseSettings()
    fmt = detect_format(data, path)
    source = Source(path=path, format=fmt, sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    if len(data) > settings.max_bytes:
        error = ReportError("too_large", f"文件过大（{len(data) // 1048576} MB），超过 {settings.max_bytes // 1048576} MB 上限")
        return Report(source=source, status="failed", errors=(error,))
    if fmt in _UNSUPPORTED:
        code, message = _UNSUPPORTED[fmt]
        return Report(source=source, status="failed", errors=(ReportError(code, message),))
    try:
        return structure(_extract(data, fmt, settings), source)
    except InputTooLarge as exc:  # a cap reached before the work: the document's size, not our fault
        return Report(source=source, status="failed", errors=(exc.error,))
    except Exception as exc:  # readers return a broken file as errors: what anything raises is a bug of ours
        log.exception("internal error reading %s", path)
        message = f"程序内部读取错误（本程序的缺陷，并非文档本身的问题）：{type(exc).__name__}: {exc}"
        return Report(source=source, status="failed", errors=(ReportError(INTERNAL_ERROR, message),))


def structure(extracted: Extracted, source: Source) -> Report:
    """Sections, tables, metadata and sentences of an extracted document."""
    report = extracted_to_report(extracted, source)
    if report.status == "failed":
        return report
    report = find_sections(report)
    tables, template, table_errors = rows_to_tables(extracted.rows)
    known = tables.found + tuple(u.table for u in tables.unreadable)
    tables = replace(tables, unreadable=tables.unreadable + flattened_tables(report, known))
    report = replace(report, tables=tables, errors=report.errors + table_errors)
    report = find_meta(report, extracted.title, template)
    report = _check_kind(report)
    return split_sentences(_needs_review(report))


def _needs_review(report: Report) -> Report:
    """A report with tables it prints but we could not read is ours to review, not the report's to lose."""
    if report.status == "failed" or not report.tables.unreadable:
        return report
    errors = tuple(ReportError("table_unreadable", u.message, "warning", u.page) for u in report.tables.unreadable)
    return replace(report, status="needs_review", errors=report.errors + errors)


def _check_kind(report: Report) -> Report:
    """Say what is wrong with documents that are not (current-format) annual reports."""
    meta, errors = report.meta, []
    if not report.sections and not report.tables.found and not report.tables.unreadable:
        code = "not_a_report" if report.text.strip() else "no_text"
        message = (
            "不是政府信息公开工作年度报告：找不到六个部分的标题，也找不到统计表"
            if report.text.strip()
            else "文档没有可读取的文字"
        )
        return replace(report, status="failed", errors=(*report.errors, ReportError(code, message)))
    if _is_blank_template(report):
        message = "不是政府信息公开工作年度报告：只有标题和空白表格，没有填写任何内容（空白模板）"
        return replace(report, status="failed", errors=(*report.errors, ReportError("not_a_report", message)))
    if meta.year is not None and meta.year < 2019:
        errors.append(
            ReportError(
                "pre2019_format",
                f"{meta.year} 年度报告早于 2019 年统一格式（国办公开办函〔2019〕60号），不适用现行模板的表格和检查",
            )
        )
    elif meta.year is None or meta.year >= 2019:
        errors += _missing_tables(report)
    if meta.template and meta.template_expected and meta.template != meta.template_expected:
        errors.append(
            ReportError(
                "template_mismatch",
                f"{meta.year} 年度报告应使用 {meta.template_expected} 格式，实际表格为 {meta.template} 格式",
                "warning",
            )
        )
    return replace(report, errors=report.errors + tuple(errors))


# A written sentence: at least eight characters of Chinese running to a full stop. Headings, table labels and
# page furniture ("主办单位：…") have none; a template's bracketed instructions ("（文字描述…）") do not count.
_WRITTEN_SENTENCE = re.compile(r"[\u4e00-\u9fff][^。！？\n]{7,}[。！？]")
_BRACKETED = re.compile(r"[（(][^（()）\n]*[)）]")


def _is_blank_template(report: Report) -> bool:
    """Headings and tables, but every table cell blank and not one written sentence: an unfilled template."""
    if any(cell.value is not None for cell in report.tables.cells) or report.tables.unreadable:
        return False
    return not _WRITTEN_SENTENCE.search(_BRACKETED.sub("", report.text))


def _missing_tables(report: Report) -> list[ReportError]:
    return [
        ReportError("missing_table", f"未找到“{SECTION_NAMES[section]}”统计表", "warning")
        for table, section in TABLE_SECTIONS.items()
        if table not in report.tables.found and not report.tables.unread(table)
    ]


def parse_file(path: str | Path, settings: ParseSettings | None = None) -> Report:
    """Parse a file on disk; an unreadable path is a failed Report, not an exception."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        error = ReportError("cannot_open", f"无法打开文件：{exc.strerror or exc}")
        return Report(source=Source(path=str(path)), status="failed", errors=(error,))
    return parse_bytes(data, str(path), settings)
