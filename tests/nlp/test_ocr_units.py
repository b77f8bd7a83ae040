"""The OCR reader's parts that need no recognition: digits, garbage text layers, the ruling-line grid, page
frames, and an OCR cell's confidence reaching the table's cell."""

from __future__ import annotations

import numpy as np
import pytest

from nlp.ingest.detect import detect_format
from nlp.ingest.extracted import GridCell
from nlp.ingest.image_grid import grids
from nlp.ingest.ocr import _Frame, cell_confidence
from nlp.ingest.ocr_digits import normalize_digits
from nlp.ingest.ocr_engine import OcrSettings
from nlp.ingest.ocr_pdf import garbage_share, page_ranges
from nlp.structure.tables import rows_to_tables


@pytest.mark.parametrize(
    ("raw", "text", "guessed"),
    [
        ("１２３", "123", False),  # full-width digits
        ("1，234", "1234", False),  # a full-width comma as thousands separator
        ("12、345", "12345", False),  # an enumeration comma read for one
        ("1,234.5", "1234.5", False),
        ("1O3", "103", True),  # a letter O inside a number: read as 0, but a guess
        ("l2", "12", True),
        ("O", "0", True),  # a lone O in a cell of its own
        ("一", "—", False),  # a lone stroke is the not-applicable dash
        ("行政许可", "行政许可", False),
        ("第二十条第（一）项", "第二十条第（一）项", False),
        ("SOS", "SOS", False),  # letters without a digit stay letters
        ("1、2", "1、2", False),  # not a thousands group
    ],
)
def test_digits_are_normalised_and_guesses_are_told(raw: str, text: str, guessed: bool) -> None:
    assert normalize_digits(raw) == (text, guessed)


def test_a_guess_or_a_low_score_gives_a_flagged_confidence() -> None:
    settings = OcrSettings(trusted_score=0.9)
    assert cell_confidence(0.99, False, settings) == 0.99
    assert cell_confidence(0.99, True, settings) < 0.85
    assert cell_confidence(0.89, False, settings) < 0.85


def test_garbage_text_layers_are_told_from_chinese_text() -> None:
    assert garbage_share("本年度新制作并公开政府信息 143 条") == 0.0
    assert garbage_share("(cid:12)(cid:345)(cid:6)") > 0.9
    assert garbage_share("Õþ¸®ÐÅÏ¢¹«¿ª¹¤×÷Äê¶È±¨¸æ") > 0.9  # GBK bytes shown as Latin-1
    assert page_ranges([5, 1, 2, 3]) == "1–3、5"


@pytest.mark.parametrize(("data", "fmt"), [
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 16, "image"),
    (b"\xff\xd8\xff\xe0" + b"\0" * 16, "image"),
    (b"II*\x00" + b"\0" * 16, "image"),
    (b"MM\x00*" + b"\0" * 16, "image"),
])
def test_image_files_are_detected(data: bytes, fmt: str) -> None:
    assert detect_format(data, "scan.bin") == fmt


def _ruled_page() -> np.ndarray:
    """A 150 dpi page with a 3-column table whose first column has a cell merged over two rows, and a
    character-like stroke standing on the table's top line (which must not become a column)."""
    import cv2

    page = np.full((600, 800), 255, np.uint8)
    ys, xs = [100, 140, 180, 220], [100, 300, 450, 600]
    for y in ys:
        cv2.line(page, (xs[0], y), (xs[-1], y), 0, 2)
    cv2.line(page, (xs[1], 140), (xs[-1], 140), 255, 2)  # erase: no line under the merged cell ...
    cv2.line(page, (xs[1], 140), (xs[-1], 140), 0, 2)  # ... except across the data columns
    cv2.line(page, (xs[0], 140), (xs[1], 140), 255, 2)
    for x in xs:
        cv2.line(page, (x, ys[0]), (x, ys[-1]), 0, 2)
    cv2.line(page, (350, 60), (350, 100), 0, 2)  # a heading's stroke touching the top rule
    return page


def test_ruled_cells_come_from_the_line_grid_with_merged_cells_whole() -> None:
    found = grids(_ruled_page(), 150)
    assert len(found) == 1
    rows = found[0].rows
    assert [len(r) for r in rows] == [3, 2, 3]
    merged, beside = rows[0][0], rows[0][1]
    assert abs(merged[1] - 100) <= 2 and abs(merged[3] - 180) <= 2  # one cell over two rows
    assert abs(beside[3] - 140) <= 2
    assert all(350 not in (c[0], c[2]) for row in rows for c in row)  # the stroke is no column edge


def test_a_faint_rule_still_closes_a_cell() -> None:
    import cv2

    page = _ruled_page()
    cv2.line(page, (100, 140), (300, 140), 200, 1)  # the merged cell's bottom rule, printed very light
    page = np.clip(page.astype(int) + np.random.default_rng(1).normal(0, 4, page.shape), 0, 255).astype(np.uint8)
    rows = grids(page, 150)[0].rows
    assert [len(r) for r in rows] == [3, 3, 3]


def test_boxes_on_a_turned_page_are_given_in_the_page_as_stored() -> None:
    # An upright image of 200 × 100 px at 72 dpi from a page stored turned by 90°: stored 100 wide, 200 high.
    frame = _Frame(1.0, 90, 200, 100)
    # The upright image's top-left corner is the stored page's bottom-left one.
    assert frame.page_box((0.0, 0.0, 10.0, 20.0)) == (80.0, 0.0, 100.0, 10.0)
    assert _Frame(1.0, 180, 200, 100).page_box((0.0, 0.0, 10.0, 20.0)) == (190.0, 80.0, 200.0, 100.0)
    assert _Frame(0.5, 0, 200, 100).points((10, 20, 30, 40)) == (5.0, 10.0, 15.0, 20.0)


def _row(*texts: str, confidence: float | None = None) -> tuple[GridCell, ...]:
    return tuple(GridCell(t, 1, (0.0, 0.0, 1.0, 1.0), confidence=confidence if t.isdigit() else None) for t in texts)


def test_an_ocr_cells_doubt_flags_the_table_cell() -> None:
    header = _row("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量")
    rows = [
        _row("第二十条第（一）项"), header,
        _row("规章", "1", "1", "61", confidence=0.99),
        _row("规范性文件", "4", "2", "125", confidence=0.6),
    ]
    tables, _, _ = rows_to_tables(rows)
    trusted = [c for c in tables.cells if c.row == "规章"]
    doubtful = [c for c in tables.cells if c.row == "规范性文件"]
    assert trusted and not any(c.uncertain for c in trusted)
    assert doubtful and all(c.uncertain for c in doubtful)
    assert [c.value for c in doubtful] == [4, 2, 125]


def test_a_slash_read_as_one_is_told_apart_by_its_lean() -> None:
    import cv2

    from nlp.ingest.ocr import _slanted

    one = np.zeros((40, 30), np.uint8)
    cv2.line(one, (15, 4), (15, 34), 255, 2)
    cv2.line(one, (15, 4), (11, 9), 255, 2)  # the flag of a printed 1
    cv2.line(one, (10, 34), (20, 34), 255, 2)  # and its foot
    slash = np.zeros((40, 30), np.uint8)
    cv2.line(slash, (6, 34), (22, 4), 255, 2)
    assert not _slanted(one)
    assert _slanted(slash)


def test_a_table_cut_by_the_page_edge_keeps_its_last_row() -> None:
    import cv2

    page = np.full((600, 800), 255, np.uint8)
    xs = [100, 300, 450, 600]
    for y in (100, 140, 180):
        cv2.line(page, (xs[0], y), (xs[-1], y), 0, 2)
    for x in xs:
        cv2.line(page, (x, 100), (x, 225), 0, 2)  # the table goes on over the page break: no closing rule
    rows = grids(page, 150)[0].rows
    assert [len(r) for r in rows] == [3, 3, 3]
    assert abs(rows[-1][0][3] - 225) <= 3
