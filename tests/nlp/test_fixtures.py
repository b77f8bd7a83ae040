"""Synthetic reports (tests/fixtures) in both templates and every format, and every kind of bad input."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from nlp.ingest.ocr_engine import OcrSettings
from nlp.ingest.pdf import PdfSettings
from nlp.pipeline import ParseSettings, parse_bytes, parse_file
from nlp.report import Report
from tests.conftest import FIXTURES
from tests.fixtures.reportgen import make_long_pdf

GOOD = [
    "v2021-complete.pdf",
    "v2021-complete.html",
    "v2021-complete.docx",
    "v2021-complete.txt",
    "v2019-complete.pdf",
    "v2019-complete.html",
    "v2019-complete.docx",
    "v2019-complete.txt",
    "v2021-missing-sections.pdf",
    "v2021-missing-sections.txt",
    "v2021-blanks-broken.pdf",
    "v2021-blanks-broken.html",
    "v2019-year-2022.txt",
    "not-a-pdf.pdf",
]


@cache
def parsed(name: str) -> Report:
    return parse_file(FIXTURES / name)


def expected(name: str) -> dict:
    stem = name.rsplit(".", 1)[0]
    return json.loads((FIXTURES / f"{stem}.expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", GOOD)
def test_every_cell_of_the_synthetic_reports(name: str) -> None:
    report, truth = parsed(name), expected(name)
    assert report.status == "ok", report.errors
    tables = report.tables.to_contract()
    for table in ("table2", "table3", "table4"):
        assert tables[table] == truth[table], table


@pytest.mark.parametrize("name", GOOD)
def test_sections_template_and_year(name: str) -> None:
    report, truth = parsed(name), expected(name)
    assert [s.key for s in report.sections] == truth["sections_present"]
    assert list(report.missing_sections) == truth["sections_missing"]
    assert report.meta.template == truth["template"]
    assert report.meta.year == truth["year"]


def test_missing_sections_are_named() -> None:
    report = parsed("v2021-missing-sections.pdf")
    assert report.missing_sections == ("s5_problems", "s6_other")
    error = next(e for e in report.errors if e.code == "missing_sections")
    assert "五、存在的主要问题及改进情况" in error.message and "六、其他需要报告的事项" in error.message


def test_blank_and_not_applicable_cells_stay_apart() -> None:
    truth = expected("v2021-blanks-broken.pdf")
    report = parsed("v2021-blanks-broken.pdf")
    flat = [(t, c.row, c.column, c.value) for t in ("table3", "table4") for c in report.tables.of(t)]
    assert any(v is None for *_, v in flat)
    assert sum(1 for *_, v in flat if v == "NA") == sum(
        1 for t in ("table3", "table4") for row in truth[t].values() for v in row.values() if v == "NA"
    )


def test_template_year_mismatch_is_reported() -> None:
    report = parsed("v2019-year-2022.txt")
    assert report.meta.template == "v2019" and report.meta.template_expected == "v2021"
    assert any(e.code == "template_mismatch" for e in report.errors)


def test_pdf_cells_carry_page_and_position() -> None:
    report = parsed("v2021-complete.pdf")
    cell = report.tables.get("table3", "r1_new", "total")
    assert cell is not None and cell.page is not None and cell.bbox is not None
    assert report.furniture, "page numbers should be kept apart as furniture"
    assert all("- " not in report.text[b.start : b.end][:3] for b in report.blocks)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("empty.pdf", "empty_file"),
        ("empty.txt", "empty_file"),
        ("article.txt", "not_a_report"),
        ("encrypted.pdf", "encrypted"),
        ("truncated.pdf", "unreadable"),
    ],
)
def test_bad_input_fails_with_a_named_reason(name: str, code: str) -> None:
    report = parsed(name)
    assert report.status == "failed"
    assert [e.code for e in report.errors] == [code]
    assert report.errors[0].message
    assert report.tables.cells == ()


@pytest.mark.parametrize(("name", "code"), [("scanned.pdf", "no_text_layer"), ("cid-garbage.pdf", "cid_garbage")])
def test_pages_without_usable_text_fail_with_a_named_reason_when_ocr_is_off(name: str, code: str) -> None:
    settings = ParseSettings(pdf=PdfSettings(ocr=OcrSettings(enabled=False)))
    report = parse_file(FIXTURES / name, settings)
    assert report.status == "failed"
    assert [e.code for e in report.errors] == [code]
    assert report.tables.cells == ()


@pytest.mark.parametrize("name", ["scanned.pdf", "cid-garbage.pdf"])
def test_pages_without_usable_text_are_read_by_ocr_and_say_so(name: str) -> None:
    report = parsed(name)
    assert report.status == "ok", report.errors
    assert "ocr_used" in [e.code for e in report.errors]
    truth = expected("v2021-complete.pdf")
    assert report.meta.year == truth["year"] and report.sections[0].key == truth["sections_present"][0]


def test_html_without_tables_keeps_sections_and_names_the_missing_tables() -> None:
    report = parsed("no-tables.html")
    assert report.status == "ok"
    assert len(report.sections) == 6
    assert sorted(e.message for e in report.errors if e.code == "missing_table") == sorted(
        ["未找到“二、主动公开政府信息情况”统计表", "未找到“三、收到和处理政府信息公开申请情况”统计表", "未找到“四、政府信息公开行政复议、行政诉讼情况”统计表"]
    )
    assert report.tables.cells == ()


def test_pre2019_report_is_recognised_as_old_format() -> None:
    report = parsed("pre2019.txt")
    assert report.meta.year == 2017
    assert any(e.code == "pre2019_format" for e in report.errors)
    assert report.tables.cells == ()


def test_content_beats_the_file_extension() -> None:
    assert parsed("not-a-pdf.pdf").source.format == "html"


def test_legacy_word_and_random_bytes() -> None:
    assert parse_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old.doc").errors[0].code == "old_word_format"
    assert parse_bytes(bytes(range(256)) * 8, "x.bin").errors[0].code == "unsupported_format"
    assert parse_file(FIXTURES / "does-not-exist.pdf").errors[0].code == "cannot_open"


def test_a_200_page_pdf_is_read(tmp_path: Path) -> None:
    long_pdf = tmp_path / "long.pdf"
    make_long_pdf(FIXTURES / "v2021-complete.pdf", long_pdf, pages=200)
    report = parse_file(long_pdf)
    assert report.status == "ok"
    assert report.source.pages == 200
    assert report.tables.to_contract()["table4"] == expected("v2021-complete.pdf")["table4"]


def test_table3_columns_printed_in_another_order_are_mapped_by_header() -> None:
    header = "\t".join(["项目", "", "自然人", "商业企业", "科研机构", "法律服务机构", "社会公益组织", "其他", "总计"])
    rows = [
        header,
        "\t".join(["一、本年新收政府信息公开申请数量", "", "5", "1", "0", "3", "2", "0", "11"]),
        "\t".join(["二、上年结转政府信息公开申请数量", "", "0", "0", "0", "0", "0", "0", "0"]),
    ]
    text = "某区人民政府2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n" + "\n".join(rows) + "\n"
    report = parse_bytes(text.encode(), "reordered.txt")
    assert report.tables.to_contract()["table3"]["r1_new"] == {
        "natural": 5, "commercial": 1, "research": 0, "legal": 3, "nonprofit": 2, "other_org": 0, "total": 11
    }
    assert any(e.code == "table3_columns_reordered" for e in report.errors)
