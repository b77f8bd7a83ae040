"""Errors that tell the truth: a broken file is the document's fault, an exception in our code is ours."""

from __future__ import annotations

import io
import logging
import zipfile

import pikepdf
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement

from nlp.ingest import pdf as pdf_reader
from nlp.ingest.docx import read_docx
from nlp.pipeline import parse_bytes
from nlp.report import INTERNAL_ERROR
from tests.conftest import FIXTURES


def _blank_pdf(edit_page: object) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    edit_page(pdf.pages[0].obj)  # type: ignore[operator]
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_truncated_pdf_is_unreadable() -> None:
    data = (FIXTURES / "v2021-complete.pdf").read_bytes()
    report = parse_bytes(data[: len(data) // 3], "cut.pdf")
    assert report.status == "failed"
    assert [e.code for e in report.errors] == ["unreadable"]
    assert "PDF 文件已损坏或不完整" in report.errors[0].message


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda page: page.__delitem__("/MediaBox"), id="no-mediabox"),
        pytest.param(lambda page: page.__setitem__("/Rotate", pikepdf.String("x")), id="text-rotate"),
    ],
)
def test_broken_page_dictionary_is_unreadable_not_internal(edit: object) -> None:
    # pdfplumber raises a bare TypeError for these pages: it is still the document that is broken.
    report = parse_bytes(_blank_pdf(edit), "broken.pdf")
    assert [e.code for e in report.errors] == ["unreadable"]
    assert "TypeError" in report.errors[0].message


def test_bug_in_our_paragraph_code_is_an_internal_error(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> list[object]:
        # A TypeError: the kind pdfplumber also raises, so only where it is raised tells them apart.
        raise TypeError("bug in the paragraph grouping")

    monkeypatch.setattr(pdf_reader, "_lines_to_paragraphs", broken)
    with caplog.at_level(logging.ERROR, logger="nlp.pipeline"):
        report = parse_bytes((FIXTURES / "v2021-complete.pdf").read_bytes(), "good.pdf")
    assert report.status == "failed"
    assert [e.code for e in report.errors] == [INTERNAL_ERROR] == ["internal_error"]
    assert "内部读取错误" in report.errors[0].message and "并非文档本身的问题" in report.errors[0].message
    assert "PDF 文件已损坏" not in report.errors[0].message
    (record,) = [r for r in caplog.records if r.name == "nlp.pipeline"]
    assert record.levelno == logging.ERROR and "good.pdf" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is TypeError
    assert "in broken" in caplog.text and "bug in the paragraph grouping" in caplog.text  # the traceback


def _docx_with_broken_merge() -> bytes:
    document = Document()
    document.add_paragraph("表格前的段落")
    table = document.add_table(rows=3, cols=3)
    for r, values in enumerate([("项目", "本年新制作数量", "本年废止数量"), ("规章", "3", "1"), ("规范性文件", "7", "2")]):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    second = document.add_table(rows=2, cols=2)
    second.cell(0, 0).text, second.cell(0, 1).text = "行政许可", "12"
    second.cell(1, 0).text, second.cell(1, 1).text = "行政处罚", "5"
    # The second table's top-left cell continues a vertical merge with nothing above it.
    tc_pr = second.rows[0]._tr.tc_lst[0].get_or_add_tcPr()
    merge = OxmlElement("w:vMerge")
    merge.set(qn("w:val"), "continue")
    tc_pr.append(merge)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_row_that_cannot_be_read_is_a_warning_naming_table_and_row() -> None:
    extracted = read_docx(_docx_with_broken_merge())
    assert not extracted.failed
    assert [[c.text for c in row] for row in extracted.rows] == [
        ["项目", "本年新制作数量", "本年废止数量"],
        ["规章", "3", "1"],
        ["规范性文件", "7", "2"],
        ["行政处罚", "5"],
    ]
    (warning,) = extracted.errors
    assert warning.code == "table_row_skipped" and warning.severity == "warning"
    assert "第 2 个表格第 1 行" in warning.message
    report = parse_bytes(_docx_with_broken_merge(), "merged.docx")
    assert warning in report.errors  # the reviewer sees it on the report


def test_docx_with_a_truncated_part_is_unreadable() -> None:
    whole = io.BytesIO()
    Document().save(whole)
    source = zipfile.ZipFile(io.BytesIO(whole.getvalue()))
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, data[: len(data) // 2] if name == "word/document.xml" else data)
    report = parse_bytes(broken.getvalue(), "cut.docx")
    assert [e.code for e in report.errors] == ["unreadable"]


def test_bug_after_reading_is_an_internal_error_and_is_not_scored(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from eval.scoring import evaluate
    from nlp import pipeline

    def broken(*_: object) -> None:
        raise KeyError("a bug in our table code")

    monkeypatch.setattr(pipeline, "rows_to_tables", broken)
    with caplog.at_level(logging.ERROR, logger="nlp.pipeline"):
        report = parse_bytes((FIXTURES / "v2021-complete.txt").read_bytes(), "report.txt")
    assert report.status == "failed" and [e.code for e in report.errors] == [INTERNAL_ERROR]
    assert "a bug in our table code" in caplog.text and "Traceback" in caplog.text
    scored = evaluate(report)
    assert scored.score is None and scored.findings == ()  # our failure is never a 0 in a ranking
