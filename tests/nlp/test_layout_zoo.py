"""Every cell of every layout-zoo variation in every format, and how the reader says it placed them."""

from __future__ import annotations

from functools import cache

import pytest

from nlp.ingest.html import read_html
from nlp.pipeline import parse_bytes
from nlp.report import Report
from nlp.structure.tables import rows_to_tables
from tests.fixtures.reportgen.zoo import FORMATS, VARIATIONS, ZooCase, file_name, make_case, render

_BY_NAME = {v.name: v for v in VARIATIONS}


@cache
def parsed(name: str, fmt: str) -> tuple[ZooCase, Report]:
    case = make_case(_BY_NAME[name])
    return case, parse_bytes(render(case, fmt), file_name(case.variation, fmt))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", [v.name for v in VARIATIONS])
def test_every_cell_of_the_zoo(name: str, fmt: str) -> None:
    case, report = parsed(name, fmt)
    found = report.tables.to_contract()
    for block, rows in case.table2.items():
        for row, cells in rows.items():
            for column, value in cells.items():
                assert found["table2"].get(block, {}).get(row, {}).get(column, "missing") == value, (block, row, column)
    for table in ("table3", "table4"):
        for row, cells in case.truth()[table].items():
            for column, value in cells.items():
                assert found[table].get(row, {}).get(column, "missing") == value, (table, row, column)
    assert not [e for e in report.errors if e.code in ("table_unreadable", "missing_table") and "三" in e.message]


@pytest.mark.parametrize(
    ("name", "fmt", "placement"),
    [
        ("colspan_values", "html", "header_span"),
        ("colspan_values", "docx", "header_span"),
        ("blank_no_glyph", "pdf", "geometry"),
        ("borderless", "pdf", "geometry"),
        ("borderless_two_line_header", "pdf", "geometry"),
        ("standard", "text", "template_order"),
    ],
)
def test_cells_say_how_they_were_placed(name: str, fmt: str, placement: str) -> None:
    _, report = parsed(name, fmt)
    cells = report.tables.cells
    assert {c.placement for c in cells} == {placement}
    assert all(c.confidence is not None and 0 < c.confidence <= 1 for c in cells)


def test_colspan_value_counts_once_under_its_spanning_header() -> None:
    """Failure class 1: 商业企业 spans two grid columns in the header and in the data, an empty cell sits under
    自然人; the row has eight data slots for seven columns and every value still lands in its column."""
    html = """<table>
    <tr><td colspan=3 rowspan=3>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan=8>申请人情况</td></tr>
    <tr><td>自然人</td><td colspan=6>法人或其他组织</td><td rowspan=2>总计</td></tr>
    <tr><td></td><td colspan=2>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
    <tr><td colspan=3>一、本年新收政府信息公开申请数量</td><td>12</td><td colspan=2>0</td><td>1</td><td>0</td><td>0</td><td>2</td><td>15</td></tr>
    </table>"""
    tables, _, _ = rows_to_tables(read_html(html).rows)
    values = [tables.value("table3", "r1_new", c) for c in ("natural", "commercial", "research", "nonprofit", "legal", "other_org", "total")]
    assert values == [12, 0, 1, 0, 0, 2, 15]
    assert tables.unreadable == ()


def test_pdf_blank_without_glyph_stays_in_its_column() -> None:
    """Failure class 2: a blank 自然人 cell prints nothing; its neighbours keep their columns by x position."""
    case, report = parsed("borderless", "pdf")
    blanks = [(r, c) for r, cells in case.table3.items() for c, v in cells.items() if v is None]
    assert blanks
    for row, column in blanks:
        cell = report.tables.get("table3", row, column)
        assert cell is not None and cell.value is None and cell.placement == "geometry"


def test_arithmetic_settles_what_geometry_cannot() -> None:
    """A value printed just past the boundary into a blank 科研机构 column: geometry leans the wrong way and
    the row's own sum cannot tell; the table's column identities choose 商业企业, and say so."""
    case, report = parsed("off_centre", "pdf")
    assert report.tables.to_contract()["table3"] == case.table3
    shifted = [r for r, cells in case.table3.items() if cells["research"] is None and cells["commercial"]]
    assert shifted
    for row in shifted:
        cell = report.tables.get("table3", row, "commercial")
        assert cell is not None and cell.placement == "arithmetic_choice" and cell.confidence == 0.7
    choices = [e for e in report.errors if e.code == "table_alignment_by_arithmetic"]
    assert len(choices) == len(shifted) and "商业企业=" in choices[0].message


def test_a_real_arithmetic_error_is_read_as_printed() -> None:
    """The reader never edits a value: a wrong 总计 in an unambiguous layout is read as printed and the
    evaluator finds it."""
    from eval.arithmetic import t3_r2

    case = make_case(_BY_NAME["standard"])
    case.table3["r3_1_granted"]["total"] = (case.table3["r3_1_granted"]["total"] or 0) + 1
    report = parse_bytes(render(case, "pdf"), "wrong.pdf")
    assert report.tables.value("table3", "r3_1_granted", "total") == case.table3["r3_1_granted"]["total"]
    failed = [f.evidence["subject"]["row"] for f in t3_r2(report) if f.passed is False]
    assert failed == ["r3_1_granted"]
    assert not [e for e in report.errors if e.code.startswith("table_alignment")]


def test_variations_cover_the_issue() -> None:
    names = {v.name for v in VARIATIONS}
    assert {"colspan_values", "empty_filler_column", "blank_no_glyph", "borderless", "header_two_lines",
            "vertical_labels", "split_repeat_header", "split_no_header", "label_own_line", "columns_reordered"} <= names


def test_placement_and_confidence_survive_json_and_old_reports_still_load() -> None:
    from nlp.serialize import report_from_dict, report_from_json, report_to_dict, report_to_json

    _, report = parsed("off_centre", "pdf")
    again = report_from_json(report_to_json(report))
    assert again.tables.cells == report.tables.cells
    stored = report_to_dict(report)
    for cell in stored["cells"]:  # a report stored before the fields existed
        del cell["placement"], cell["confidence"]
    old = report_from_dict(stored)
    assert old.tables.to_contract() == report.tables.to_contract()
    assert {c.placement for c in old.tables.cells} == {None}
