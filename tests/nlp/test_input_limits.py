"""Caps checked before the work (lines, paragraphs, grid cells, text operators), a near-linear outline search,
PDF metadata of any type, and text decoding that survives a few bad bytes."""

from __future__ import annotations

import io
import random
from dataclasses import replace

import pikepdf
import pytest

from nlp.ingest.detect import decode_text, detect_format
from nlp.ingest.pdf import PdfSettings, read_pdf
from nlp.pipeline import ParseSettings, parse_bytes
from nlp.structure import sections
from tests.conftest import FIXTURES
from tests.fixtures.reportgen.hostile import docx_with_body, lines_pdf


@pytest.mark.parametrize(
    "title",
    [
        pytest.param(lambda: pikepdf.Array([pikepdf.String("a"), 1]), id="array"),
        pytest.param(lambda: pikepdf.Dictionary(A=1), id="dictionary"),
        pytest.param(lambda: 7, id="number"),
        pytest.param(lambda: pikepdf.String(b"\xfe\xff\xd8\x00"), id="bad-utf16"),
        pytest.param(lambda: pikepdf.String(b"\xff\xfe\x81"), id="bad-bytes"),
    ],
)
def test_pdf_title_of_any_type_does_not_crash_parse(title: object) -> None:
    data = lines_pdf(["Hello reader", "no report title in this text"], {"Title": title()})  # type: ignore[operator]
    extracted = read_pdf(data)
    assert extracted.title is None or isinstance(extracted.title, str)
    report = parse_bytes(data, "meta.pdf")
    assert report.status == "failed"
    assert [e.code for e in report.errors] == ["not_a_report"]


def test_pdf_title_stream_is_read_safely() -> None:
    pdf = pikepdf.open(io.BytesIO(lines_pdf(["Hello"])))
    pdf.trailer.Info = pdf.make_indirect(pikepdf.Dictionary(Title=pdf.make_stream(b"x" * 10)))
    out = io.BytesIO()
    pdf.save(out)
    assert read_pdf(out.getvalue()).title is None


def test_pdf_with_too_many_text_operators_is_too_complex() -> None:
    data = lines_pdf([f"line {i}" for i in range(40)])
    report = parse_bytes(data, "ops.pdf", ParseSettings(pdf=PdfSettings(max_text_operators=30)))
    assert report.status == "failed"
    assert [e.code for e in report.errors] == ["too_complex"]
    assert "文字绘制指令" in report.errors[0].message
    assert parse_bytes(data, "ops.pdf", ParseSettings(pdf=PdfSettings(max_text_operators=40))).errors[0].code \
        != "too_complex"


@pytest.mark.parametrize("paragraph", [b"<w:p><w:r><w:t>x</w:t></w:r></w:p>", b'<w:p w:rsidR="1"/>', b"<w:p/>"])
def test_docx_with_too_many_paragraphs_is_too_large_before_parsing(paragraph: bytes) -> None:
    report = parse_bytes(docx_with_body(paragraph * 3000), "many.docx", ParseSettings(max_lines=2000))
    assert [e.code for e in report.errors] == ["too_large"]
    assert "段落" in report.errors[0].message


def test_text_with_too_many_lines_is_too_large() -> None:
    text = "一、概述\n" + "正文。\n" * 500
    report = parse_bytes(text.encode(), "many.txt", ParseSettings(max_lines=400))
    assert [e.code for e in report.errors] == ["too_large"]
    assert parse_bytes(text.encode(), "many.txt", ParseSettings(max_lines=600)).errors[0].code != "too_large"


def test_html_with_too_many_tags_on_one_line_is_too_large() -> None:
    html = "<html><body>" + "<p>正文。</p>" * 3000 + "</body></html>"
    report = parse_bytes(html.encode(), "flat.html", ParseSettings(max_lines=200))
    assert [e.code for e in report.errors] == ["too_large"]
    assert "标签" in report.errors[0].message


def test_html_span_expansion_is_capped() -> None:
    cells = '<td rowspan="200" colspan="200">1</td>' * 10
    html = f"<html><body><p>一、总体情况</p><table><tr>{cells}</tr><tr><td>2</td></tr></table></body></html>"
    report = parse_bytes(html.encode(), "spans.html", ParseSettings(max_grid_cells=100_000))
    assert [e.code for e in report.errors] == ["too_complex"]
    assert "表格单元格" in report.errors[0].message


def _reference_outline(candidates: list[tuple[int, int]]) -> list[int]:
    """The quadratic longest path the outline search used to run (ties keep the earliest)."""
    best: list[tuple[int, list[int]]] = []
    for i, (rank, score) in enumerate(candidates):
        total, path = score, [i]
        for j in range(i):
            if candidates[j][0] < rank and best[j][0] + score > total:
                total, path = best[j][0] + score, [*best[j][1], i]
        best.append((total, path))
    return max(best, key=lambda b: b[0])[1] if best else []


def test_outline_path_matches_the_quadratic_search() -> None:
    rng = random.Random(13)
    for _ in range(400):
        candidates = [(rng.randrange(6), rng.randint(1, 12)) for _ in range(rng.randrange(0, 25))]
        assert sections.increasing_path(candidates) == _reference_outline(candidates)


def test_outline_search_of_many_heading_lines_finishes() -> None:
    # 60 000 heading-like lines: the quadratic search took minutes on a tenth of this.
    heads = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"]
    text = "\n".join(heads[i % 3] for i in range(60_000))
    report = parse_bytes(text.encode(), "heads.txt")
    assert [s.key for s in report.sections][:2] == ["s1_overall", "s2_proactive"]


def test_one_invalid_byte_keeps_utf8_with_a_warning() -> None:
    data = (FIXTURES / "v2021-complete.txt").read_bytes()
    cut = data.index(b"\n", 300) + 1  # between two characters
    broken = data[:cut] + b"\xff" + data[cut:]
    assert detect_format(broken, "r.txt") == "text"
    report = parse_bytes(broken, "r.txt")
    clean = parse_bytes(data, "r.txt")
    assert report.status == clean.status
    warnings = [e for e in report.errors if e.code == "invalid_bytes"]
    assert len(warnings) == 1 and warnings[0].severity == "warning"
    assert "1 处" in warnings[0].message


def test_utf8_cut_mid_character_is_not_read_as_gb18030() -> None:
    data = "政府信息公开工作年度报告".encode()
    text = decode_text(data[:-1])
    assert text is not None and text.startswith("政府信息公开工作年度")


def test_gb18030_text_is_still_gb18030() -> None:
    original = "政府信息公开工作年度报告，本年度新收申请 12 件。"
    assert decode_text(original.encode("gb18030")) == original


def test_report_settings_hash_changes_with_caps() -> None:
    # Caps are parse settings: a batch rerun with other caps must not reuse old results silently.
    assert replace(ParseSettings(), max_lines=10) != ParseSettings()
