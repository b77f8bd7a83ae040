"""The scanned test data (tests/fixtures/reportgen/scan.py): image-only, tilted, noised, and true to its fixture."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.conftest import FIXTURES, corpus_file
from tests.fixtures.reportgen.scan import (
    PRINT_QUALITY,
    SCANS,
    TABLE_SCANS,
    PageStyle,
    make_scan,
    scan_pdf,
    scan_real,
    scan_truth,
)
from tests.fixtures.reportgen.scan_grade import Grades, grade


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("scans")
    return {name: make_scan(name, out) for name in SCANS}


def _page_images(path: Path) -> list[tuple[object, float, float, int]]:
    """(PIL image of the embedded scan, page width pt, page height pt, characters in the text layer) per page."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    out = []
    try:
        for page in pdf:
            width, height = page.get_size()
            chars = page.get_textpage().count_chars()
            images = [obj for obj in page.get_objects() if obj.type == pypdfium2.raw.FPDF_PAGEOBJ_IMAGE]
            assert len(images) == 1, "one image per page"
            out.append((images[0].get_bitmap().to_pil().convert("L"), width, height, chars))
    finally:
        pdf.close()
    return out


def _skew(image: object) -> float:
    """The tilt of a page in degrees (counter-clockwise), from the sharpest row profile of its dark pixels."""
    from PIL import Image

    small = image.resize((image.width // 3, image.height // 3))  # type: ignore[attr-defined]
    grey = np.asarray(small, dtype=np.float32)
    threshold = (np.percentile(grey, 0.2) + np.median(grey)) / 2  # halfway between ink and paper
    ink = Image.fromarray(((grey < threshold) * 255).astype(np.uint8))

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.Resampling.BILINEAR), dtype=np.float32).sum(axis=1)
        return float(np.var(np.diff(rows)))

    candidates = np.arange(-3.0, 3.01, 0.1)
    return -float(candidates[int(np.argmax([sharpness(a) for a in candidates]))])


@pytest.mark.parametrize("name", sorted(SCANS))
def test_scan_has_no_text_layer_and_one_page_per_source_page(name: str, scans: dict[str, Path]) -> None:
    import pdfplumber

    with pdfplumber.open(FIXTURES / f"{SCANS[name].source}.pdf") as src:
        source_pages = len(src.pages)
    with pdfplumber.open(scans[name]) as pdf:
        assert len(pdf.pages) == source_pages
        assert all(not page.chars and not (page.extract_text() or "").strip() for page in pdf.pages)
    pages = _page_images(scans[name])
    assert [chars for *_, chars in pages] == [0] * source_pages
    assert scans[name].stat().st_size < 3_000_000  # bounded: a few hundred KiB a page


@pytest.mark.parametrize("name", sorted(SCANS))
def test_pages_are_a4_at_their_dpi_turned_where_the_spec_says(name: str, scans: dict[str, Path]) -> None:
    spec = SCANS[name]
    for number, (image, width, height, _) in enumerate(_page_images(scans[name]), start=1):
        style = spec.style_of(number)
        portrait = style.turn in (0, 180)
        long_side, short_side = max(image.size), min(image.size)  # type: ignore[attr-defined]
        assert abs(long_side - 11.69 * style.dpi) < 4 and abs(short_side - 8.27 * style.dpi) < 4
        assert (image.height > image.width) == portrait  # type: ignore[attr-defined]
        assert (height > width) == portrait  # the page, not only the picture, is landscape when turned
        assert abs(max(width, height) - 842) < 2


@pytest.mark.parametrize("name", sorted(SCANS))
def test_every_upright_page_is_tilted_by_its_angle(name: str, scans: dict[str, Path]) -> None:
    import pdfplumber

    spec = SCANS[name]
    with pdfplumber.open(FIXTURES / f"{spec.source}.pdf") as src:
        lines = [len((page.extract_text() or "").splitlines()) for page in src.pages]
    measured = 0
    for number, (image, *_rest) in enumerate(_page_images(scans[name]), start=1):
        style = spec.style_of(number)
        if style.turn or lines[number - 1] < 8:  # a closing page of two lines has no measurable tilt
            continue
        assert 0 < abs(style.angle) <= 2
        assert abs(_skew(image) - style.angle) <= 0.25, (number, style.angle)
        measured += 1
    assert measured >= 2


def test_the_turned_page_reads_upright_once_turned_back(scans: dict[str, Path]) -> None:
    spec = SCANS["scan-v2021-blanks-broken"]
    turned = [n for n in range(1, 5) if spec.style_of(n).turn == 90]
    assert turned == [3]
    image = _page_images(scans["scan-v2021-blanks-broken"])[2][0]
    upright = image.rotate(-90, expand=True)  # type: ignore[attr-defined]
    assert abs(_skew(upright) - spec.style_of(3).angle) <= 0.25


def test_noise_jpeg_and_the_photographed_page(scans: dict[str, Path]) -> None:
    pages = _page_images(scans["scan-v2019-complete"])
    office, photo = np.asarray(pages[0][0], dtype=np.float32), np.asarray(pages[1][0], dtype=np.float32)
    assert SCANS["scan-v2019-complete"].style_of(2).photo
    # An office scan: white paper with grey noise (no pure white field) and black ink.
    assert np.percentile(office, 1) < 60 and 225 < np.median(office) < 255
    assert np.std(office[:40, :40]) > 3
    # The photo: grey paper, ink no darker than dark grey, light falling off across the page.
    assert np.percentile(photo, 0.5) > 35 and np.median(photo) < 205
    quarters = [photo[:200, :200].mean(), photo[:200, -200:].mean(), photo[-200:, :200].mean(),
                photo[-200:, -200:].mean()]
    assert max(quarters) - min(quarters) > 10


def test_same_seed_same_bytes_and_another_seed_other_noise(tmp_path: Path) -> None:
    src = FIXTURES / "v2021-missing-sections.pdf"
    style = PageStyle(dpi=150, angle=1.0)
    one = scan_pdf(src, tmp_path / "one" / "scan.pdf", style, seed=7).read_bytes()
    again = scan_pdf(src, tmp_path / "again" / "scan.pdf", style, seed=7).read_bytes()
    other = scan_pdf(src, tmp_path / "other" / "scan.pdf", style, seed=8).read_bytes()
    assert one == again
    assert one != other


def test_truth_is_the_fixture_s_own() -> None:
    truth = scan_truth("scan-v2021-blanks-broken")
    assert truth["template"] == "v2021" and truth["agency"] == "南屏市交通运输局"
    cells = [v for t in ("table3", "table4") for row in truth[t].values() for v in row.values()]
    assert None in cells and "NA" in cells  # blank and not-applicable cells to read as such
    assert scan_truth("scan-v2019-complete")["template"] == "v2019"


def test_bad_styles_and_oversized_inputs_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="dpi"):
        PageStyle(dpi=600)
    with pytest.raises(ValueError, match="rotation"):
        PageStyle(turn=45)
    src = FIXTURES / "v2021-complete.pdf"
    with pytest.raises(ValueError, match="pages"):
        scan_pdf(src, tmp_path / "x.pdf", PageStyle(), seed=1, max_pages=2)
    with pytest.raises(ValueError, match="same dpi"):
        scan_pdf(src, tmp_path / "x.pdf", [PageStyle(dpi=150)] * 3 + [PageStyle(dpi=200)], seed=1)


def test_a_real_report_scanned_at_print_quality(tmp_path: Path) -> None:
    src = corpus_file("pdf/hongze-district-2023.pdf")
    scanned = scan_real(src, tmp_path / "hongze-2023-scan.pdf")
    pages = _page_images(scanned)
    assert len(pages) == 5 and all(chars == 0 for *_, chars in pages)
    tilts = [_skew(image) for image, *_ in pages]
    assert all(abs(t) <= PRINT_QUALITY.angle + 0.15 for t in tilts)
    assert len({round(t, 1) for t in tilts}) > 1  # each sheet sits its own way


def test_grading_tells_exact_flagged_and_silently_wrong_cells() -> None:
    from dataclasses import replace

    from nlp.pipeline import parse_file

    truth = scan_truth("scan-v2021-complete")
    report = parse_file(FIXTURES / "v2021-complete.pdf")  # the text layer reads every cell
    clean = grade(truth, report)
    assert (clean.exact, clean.total, clean.missing, clean.flagged) == (200, 200, 0, 0)
    assert clean.silent == [] and clean.extra_silent == []

    def misread(confidence: float | None) -> Grades:
        cells = tuple(replace(c, value=7, confidence=confidence) if (c.row, c.column) == ("r1_new", "total")
                      and c.table == "table3" else c for c in report.tables.cells)
        return grade(truth, replace(report, tables=replace(report.tables, cells=cells)))

    assert len(misread(None).silent) == 1 and misread(None).exact == 199
    assert misread(0.4).flagged == 1 and misread(0.4).silent == []

    from nlp.report import Unreadable

    kept = tuple(c for c in report.tables.cells if not (c.table == "table4" and c.row == "review"))
    lost = replace(report, tables=replace(report.tables, cells=kept))
    assert (grade(truth, lost).missing, grade(truth, lost).missing_unexcused) == (5, 5)
    said = replace(lost, tables=replace(lost.tables, unreadable=(Unreadable("table4", "misaligned", "", ("review",)),)))
    assert (grade(truth, said).missing, grade(truth, said).missing_unexcused) == (5, 0)


@pytest.fixture(scope="module")
def table_scan_read(tmp_path_factory: pytest.TempPathFactory) -> object:
    """The two table pages of v2021-blanks-broken, scanned and read by OCR (about 20 s a page on one core)."""
    pytest.importorskip("rapidocr")
    pytest.importorskip("nlp.ingest.ocr")
    from nlp.pipeline import parse_file

    return parse_file(make_scan("scan-v2021-blanks-tables", tmp_path_factory.mktemp("ocr")))


def test_a_scanned_table_has_every_cell_exact_or_flagged_never_silently_wrong(table_scan_read: object) -> None:
    report = table_scan_read
    assert report.status in ("ok", "needs_review"), report.errors  # type: ignore[attr-defined]
    assert "ocr_used" in {e.code for e in report.errors}  # type: ignore[attr-defined]
    assert report.meta.template == "v2021"  # type: ignore[attr-defined]
    grades = grade(scan_truth("scan-v2021-blanks-tables"), report)
    assert grades.silent == [] and grades.extra_silent == []
    assert grades.exact + grades.flagged == grades.total == 200
    assert grades.exact_share >= 0.95
    for cell in report.tables.cells:  # type: ignore[attr-defined]
        if cell.uncertain:
            assert cell.page in (1, 2)  # a reviewer is sent to the page


def test_the_scanned_table_keeps_blank_and_not_applicable_cells_apart(table_scan_read: object) -> None:
    truth = scan_truth("scan-v2021-blanks-tables")
    read = {(c.table, c.row, c.column): c for c in table_scan_read.tables.cells}  # type: ignore[attr-defined]
    for table in ("table3", "table4"):
        for row, cells in truth[table].items():
            for column, value in cells.items():
                cell = read[(table, row, column)]
                if value in (None, "NA") and not cell.uncertain:
                    assert cell.value == value, (table, row, column)
    assert TABLE_SCANS["scan-v2021-blanks-tables"].only == (2, 3)


def test_a_scan_of_chosen_pages(tmp_path: Path) -> None:
    scanned = make_scan("scan-v2021-blanks-tables", tmp_path)
    pages = _page_images(scanned)
    assert len(pages) == 2 and all(chars == 0 for *_, chars in pages)
    assert abs(_skew(pages[0][0]) - TABLE_SCANS["scan-v2021-blanks-tables"].style.angle) <= 0.25
    with pytest.raises(ValueError, match="pages"):
        scan_pdf(FIXTURES / "v2021-complete.pdf", tmp_path / "x.pdf", PageStyle(), seed=1, only=(5,))
