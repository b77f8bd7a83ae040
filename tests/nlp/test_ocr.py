"""Scanned reports read by OCR: a scanned fixture against its truth, mixed documents, turned pages, image files,
bad input, the page time limit, and a missing model file named rather than downloaded."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nlp.ingest import ocr_engine
from nlp.ingest.ocr import progress
from nlp.ingest.ocr_engine import OcrSettings
from nlp.ingest.pdf import PdfSettings
from nlp.pipeline import ParseSettings, parse_bytes, parse_file
from nlp.report import Report
from tests.conftest import FIXTURES
from tests.fixtures.reportgen.scan import PageStyle, degrade, make_scan, scan_truth
from tests.fixtures.reportgen.scan_grade import grade

SOURCE = FIXTURES / "v2021-complete.pdf"


def _codes(report: Report) -> list[str]:
    return [e.code for e in report.errors]


def _page_image(page: int, dpi: int = 150, style: PageStyle | None = None) -> Any:
    """A page of the v2021 fixture as a grey PIL image, degraded like a scan when a style is given."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(SOURCE)
    try:
        image = pdf[page - 1].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()
    return degrade(image, style, np.random.default_rng(page)) if style else image


def _encode(image: Any, fmt: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def blanks_scan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, dict[str, Any]]:
    """The scanned v2021-blanks-broken fixture (tilted 1.8°, page 3 turned by 90°, blank and NA cells)."""
    path = make_scan("scan-v2021-blanks-broken", tmp_path_factory.mktemp("scans"))
    return parse_file(path), scan_truth("scan-v2021-blanks-broken")


def test_a_scanned_report_is_read_into_the_same_schema(blanks_scan: tuple[Report, dict[str, Any]]) -> None:
    report, truth = blanks_scan
    assert report.status != "failed"
    assert report.meta.template == truth["template"]
    assert {s.key for s in report.sections} >= set(truth["sections_present"])
    grades = grade(truth, report)
    assert grades.silent == [] and grades.extra_silent == []  # no wrong number stated as certain
    assert grades.exact_share >= 0.95, grades.as_dict()
    assert grades.exact + grades.flagged == grades.total
    assert "ocr_used" in _codes(report)


def test_a_turned_page_is_read_and_its_boxes_stay_on_the_page_as_stored(
    blanks_scan: tuple[Report, dict[str, Any]],
) -> None:
    report, _ = blanks_scan
    turned = [e for e in report.errors if e.code == "ocr_page_turned"]
    assert [e.page for e in turned] == [3]
    on_page_3 = [c for c in report.tables.cells if c.page == 3 and c.bbox]
    assert on_page_3
    # Page 3 is stored landscape (the sheet lay on its side): boxes are in that frame, so the cells of one
    # table row stand one above the other there, at one x.
    assert all(0 <= c.bbox[0] <= c.bbox[2] <= 842 and 0 <= c.bbox[1] <= c.bbox[3] <= 595.5 for c in on_page_3)
    row = [c for c in on_page_3 if c.table == "table3" and c.row == "r3_7_total"]
    assert len(row) == 7
    assert max(c.bbox[0] for c in row) - min(c.bbox[0] for c in row) < 5
    assert max(c.bbox[1] for c in row) - min(c.bbox[1] for c in row) > 100


def test_a_mixed_document_reads_each_page_from_its_best_source() -> None:
    """Pages 1, 2 and 4 with their text layer, page 3 (tables 三 and 四) scanned: only page 3 is recognised
    and its cells equal those of the text PDF."""
    import pypdfium2

    scan = pypdfium2.PdfDocument(_encode(_page_image(3, style=PageStyle(angle=0.7)), "PDF", resolution=150))
    mixed = pypdfium2.PdfDocument.new()
    source = pypdfium2.PdfDocument(SOURCE)
    mixed.import_pages(source, [0, 1])
    mixed.import_pages(scan, [0])
    mixed.import_pages(source, [3])
    buffer = io.BytesIO()
    mixed.save(buffer)
    for doc in (mixed, scan, source):
        doc.close()
    seen: list[tuple[int, int]] = []
    token = progress.set(lambda page, pages: seen.append((page, pages)))
    try:
        report = parse_bytes(buffer.getvalue(), "mixed.pdf")
    finally:
        progress.reset(token)
    text = parse_file(SOURCE)
    assert seen == [(3, 4)]
    used = [e for e in report.errors if e.code == "ocr_used"]
    assert len(used) == 1 and "第 3 页" in used[0].message
    want = {(c.table, c.block, c.row, c.column): c.value for c in text.tables.cells if c.page == 3}
    got = {(c.table, c.block, c.row, c.column): c for c in report.tables.cells if c.page == 3}
    assert want and set(want) == set(got)
    wrong = [k for k, v in want.items() if got[k].value != v]
    assert all(got[k].uncertain for k in wrong)
    assert len(wrong) <= 0.02 * len(want)
    assert {s.key for s in report.sections} == {s.key for s in text.sections}


def test_an_upside_down_image_file_is_turned_and_read() -> None:
    image = _page_image(1, style=PageStyle(angle=-0.5, noise=6.0)).rotate(180)
    report = parse_bytes(_encode(image, "PNG"), "page.png")
    assert report.source.format == "image"
    assert [(e.code, e.page) for e in report.errors if e.code == "ocr_page_turned"] == [("ocr_page_turned", 1)]
    assert "s1_overall" in {s.key for s in report.sections}
    assert report.meta.year == 2023 or "年度报告" in report.text[:200]


def test_a_600_dpi_a3_scan_is_downscaled_with_a_warning() -> None:
    from PIL import Image

    page = _page_image(1, dpi=600)
    sheet = Image.new("L", (7016, 9921), 255)  # A3 at 600 dpi
    sheet.paste(page, (0, 0))
    report = parse_bytes(_encode(sheet, "JPEG", quality=80, dpi=(600, 600)), "a3.jpg")
    assert "image_downscaled" in _codes(report)
    assert "s1_overall" in {s.key for s in report.sections}


def test_bad_images_fail_with_a_named_reason() -> None:
    from PIL import Image, ImageDraw, ImageFont

    blank = Image.new("L", (1240, 1754), 255)
    assert _codes(parse_bytes(_encode(blank, "PNG"), "blank.png")) == ["ocr_used", "no_text"]

    rng = np.random.default_rng(7)
    yy, xx = np.mgrid[0:900, 0:1200]
    photo = 120 + 60 * np.sin(xx / 90.0) * np.cos(yy / 70.0) + rng.normal(0, 12, xx.shape)
    report = parse_bytes(_encode(Image.fromarray(np.clip(photo, 0, 255).astype(np.uint8)), "JPEG"), "photo.jpg")
    assert report.status == "failed" and _codes(report)[-1] in ("no_text", "not_a_report")

    notice = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(notice)
    font = ImageFont.load_default(size=48)
    for i, line in enumerate(["INVOICE 2023-118", "Total due 4,350.00", "Thank you for your order"]):
        draw.text((120, 200 + 90 * i), line, fill=0, font=font)
    report = parse_bytes(_encode(notice, "PNG"), "notice.png")
    assert report.status == "failed" and _codes(report)[-1] == "not_a_report"

    whole = _encode(_page_image(1), "PNG")
    report = parse_bytes(whole[: len(whole) // 2], "cut.png")
    assert report.status == "failed" and _codes(report) == ["unreadable"]


def test_a_garbage_text_layer_falls_back_to_ocr() -> None:
    report = parse_file(FIXTURES / "cid-garbage.pdf")
    assert report.status != "failed"
    assert _codes(report)[:2] == ["text_layer_garbage", "ocr_used"]
    assert len(report.sections) == 6 and report.tables.cells


def test_text_layer_pdfs_never_reach_the_recogniser(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: Any, **__: Any) -> None:
        raise AssertionError("OCR run on a PDF with a text layer")

    monkeypatch.setattr("nlp.ingest.ocr_pdf.read_page_image", refuse)
    report = parse_file(SOURCE)
    assert report.status == "ok" and "ocr_used" not in _codes(report)


def test_a_page_over_its_time_limit_is_left_out_with_a_warning() -> None:
    settings = ParseSettings(pdf=PdfSettings(ocr=OcrSettings(page_seconds=0.0)))
    report = parse_bytes(_encode(_page_image(1), "PNG"), "slow.png", settings)
    assert "ocr_page_timeout" in _codes(report)
    assert report.status == "failed" and report.tables.cells == ()


def test_models_come_from_the_wheel_and_are_never_downloaded(monkeypatch: pytest.MonkeyPatch) -> None:
    from rapidocr.utils.download_file import DownloadFile

    def no_network(*_: Any, **__: Any) -> None:
        raise AssertionError("rapidocr tried to download a model")

    monkeypatch.setattr(DownloadFile, "run", classmethod(no_network))
    monkeypatch.setattr(ocr_engine, "_engines", {})
    ocr = ocr_engine.engine(1)
    assert {Path(p).name for p in ocr_engine.model_paths().values()} == set(ocr_engine.MODEL_FILES.values())
    assert ocr(np.full((64, 256, 3), 255, np.uint8), use_cls=False).txts is None


def test_a_missing_model_file_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(ocr_engine, "model_dir", lambda: tmp_path)
    monkeypatch.setattr(ocr_engine, "_engines", {})
    image = parse_bytes(_encode(_page_image(1), "PNG"), "page.png")
    assert _codes(image) == ["ocr_unavailable"]
    assert str(tmp_path / ocr_engine.MODEL_FILES["Det"]) in image.errors[0].message
    scanned = parse_file(FIXTURES / "scanned.pdf")
    assert _codes(scanned) == ["no_text_layer"]
    assert ocr_engine.MODEL_FILES["Det"] in scanned.errors[0].message


def test_boxes_found_on_the_scaled_down_page_are_given_in_its_own_pixels() -> None:
    from nlp.ingest.ocr_engine import engine
    from nlp.ingest.ocr_page import detect

    gray = np.asarray(_page_image(1, dpi=150))
    full, scaled = detect(engine(1), gray), detect(engine(1), gray, 110 / 150)
    assert len(full) > 10 and abs(len(scaled) - len(full)) <= len(full) // 10
    # Each line's box found at 110 dpi lies where the full-resolution one does, within a few pixels.
    centres = full.mean(axis=1)
    for quad in scaled:
        nearest = np.linalg.norm(centres - quad.mean(axis=0), axis=1).min()
        assert nearest < 6
    assert scaled[:, :, 0].max() > 0.6 * gray.shape[1]  # not left in the scaled image's smaller frame
