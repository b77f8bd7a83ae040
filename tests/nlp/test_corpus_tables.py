"""Every table cell of the real reports in ../shared/corpus, parsed to its exact value."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from nlp.pipeline import parse_file
from nlp.report import Report
from nlp.schema import SECTION_KEYS, expected_cells
from tests.conftest import REGEN_GOLDEN, corpus_file

GOLDEN = Path(__file__).parent / "golden" / "corpus_tables.json"

# file -> (template, year, number of table 三 data rows, sections expected)
DOCUMENTS = {
    "pdf/hongze-district-2023.pdf": ("v2021", 2023, 23, SECTION_KEYS),
    "pdf/hongze-district-2024.pdf": ("v2021", 2024, 23, SECTION_KEYS),
    "pdf/huaian-city-2024.pdf": ("v2021", 2024, 25, SECTION_KEYS),
    "html/shanghai-office-2019.html": ("v2019", 2019, 23, SECTION_KEYS),
    "text/shangjie-district-2019.pdf-copy.txt": ("v2019", 2019, 23, SECTION_KEYS),
}


@cache
def parsed(relative: str) -> Report:
    return parse_file(corpus_file(relative))


def _golden() -> dict:
    if REGEN_GOLDEN:
        data = {name: parsed(name).tables.to_contract() for name in DOCUMENTS}
        GOLDEN.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_cell_matches_the_golden_values(name: str) -> None:
    report = parsed(name)
    assert report.status == "ok"
    assert report.tables.to_contract() == _golden()[name]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_template_year_sections_and_cell_counts(name: str) -> None:
    template, year, t3_rows, sections = DOCUMENTS[name]
    report = parsed(name)
    assert report.meta.template == template
    assert report.meta.year == year
    assert tuple(s.key for s in report.sections) == sections
    assert report.missing_sections == ()
    assert len(report.tables.of("table3")) == t3_rows * 7
    assert len(report.tables.of("table4")) == 15
    assert len(report.tables.of("table2")) == expected_cells(template)["table2"]


def test_hongze_2023_known_cells() -> None:
    tables = parsed("pdf/hongze-district-2023.pdf").tables
    # The real errors of table 四: 10/1/0/0 with 总计 0, and 复议后起诉 5/0/0/0 with 总计 0.
    assert [tables.value("table4", "review", c) for c in ("maintain", "correct", "other", "pending", "total")] == [10, 1, 0, 0, 0]
    assert tables.value("table4", "lit_after_review", "maintain") == 5
    assert tables.value("table4", "lit_after_review", "total") == 0
    # The typo "其他法律行政止公开" still lands on its row; the v2019-style single 其他处理 row is kept.
    assert tables.value("table3", "r3_3_2", "total") == 0
    assert tables.value("table3", "r3_6_other", "total") == 0
    assert tables.value("table3", "r3_4_1", "natural") == 10
    assert tables.value("table2", "行政事业性收费", "本年收费金额（单位：万元）", "art20_8") == 7730.28
    cell = tables.get("table4", "review", "total")
    assert cell is not None and cell.page == 4 and cell.bbox is not None


def test_huaian_large_numbers_and_v2021_other_rows() -> None:
    report = parsed("pdf/huaian-city-2024.pdf")
    tables = report.tables
    assert tables.value("table2", "行政处罚", "本年处理决定数量", "art20_6") == 3985758
    assert tables.value("table3", "r1_new", "total") == 3119
    assert tables.value("table3", "r2_carry_in", "total") == 34
    assert tables.value("table3", "r3_7_total", "total") == 3050
    assert tables.value("table3", "r4_carry_out", "total") == 103
    assert [tables.value("table3", f"r3_6_{i}", "total") for i in (1, 2, 3)] == [71, 6, 110]
    assert tables.value("table3", "r3_4_1", "total") == 769
    assert report.tables.pages == (("table2", (3, 4)), ("table3", (4, 5)), ("table4", (5,)))


def test_shanghai_2019_blank_totals_stay_blank() -> None:
    tables = parsed("html/shanghai-office-2019.html").tables
    assert tables.value("table3", "r3_1_granted", "total") is None
    assert tables.value("table3", "r3_7_total", "total") == 805
    assert tables.value("table3", "r1_new", "total") == 859
    amount = tables.get("table2", "政府集中采购", "采购总金额", "art20_9")
    assert amount is not None and amount.value == 251000 and amount.unit == "元"
    # 本年新公开数量 spans two grid columns; 对外公开总数量 must not be read from the duplicate.
    assert tables.value("table2", "规章", "对外公开总数量", "art20_1") == 524


def test_shangjie_text_copy_rows_broken_by_page_debris() -> None:
    report = parsed("text/shangjie-district-2019.pdf-copy.txt")
    tables = report.tables
    assert tables.value("table3", "r1_new", "total") == 79
    assert tables.value("table3", "r3_3_1", "natural") == 0  # numbers printed on the （三） line
    assert tables.value("table3", "r3_5_3", "total") == 0  # label split over three lines
    assert tables.value("table2", "行政许可", "处理决定数量", "art20_5") == 10022
    assert tables.value("table2", "行政事业性收费", "本年增/减", "art20_8") == -2
    assert tables.value("table2", "政府集中采购", "采购总金额", "art20_9") == 49533.4728
    assert tables.get("table2", "政府集中采购", "采购总金额", "art20_9").unit == "万元"
    assert [tables.value("table4", "lit_direct", c) for c in ("maintain", "other", "total")] == [1, 1, 2]


@pytest.mark.parametrize(
    ("name", "review", "direct", "after"),
    [
        ("text/shanghai-office-2025.pdf-extract.md", [40, 0, 10, 5, 55], [2, 0, 4, 6, 12], [6, 0, 9, 7, 22]),
        ("text/shanghai-stc-2024.pdf-extract.md", [1, 0, 0, 0, 1], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]),
    ],
)
def test_table4_whose_header_was_lost_as_plain_text(name: str, review: list, direct: list, after: list) -> None:
    tables = parsed(name).tables
    cells = ("maintain", "correct", "other", "pending", "total")
    assert [tables.value("table4", "review", c) for c in cells] == review
    assert [tables.value("table4", "lit_direct", c) for c in cells] == direct
    assert [tables.value("table4", "lit_after_review", c) for c in cells] == after


@pytest.mark.parametrize(
    ("name", "placement"),
    [
        ("pdf/hongze-district-2023.pdf", "geometry"),
        ("pdf/huaian-city-2024.pdf", "geometry"),
        ("html/shanghai-office-2019.html", "header_span"),
        ("text/shangjie-district-2019.pdf-copy.txt", "template_order"),
    ],
)
def test_every_cell_says_how_it_was_placed(name: str, placement: str) -> None:
    """Ruled PDF cells by their x extent under the header, HTML by the header's spans, copied text by order."""
    cells = parsed(name).tables.cells
    assert {c.placement for c in cells} == {placement}
    assert all(c.confidence is not None and 0.5 <= c.confidence <= 1 for c in cells)
    assert not [e for e in parsed(name).errors if e.code.startswith("table_alignment")]
