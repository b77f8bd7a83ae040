"""Cells the reader placed with little confidence are marked for reviewers: on the terminal and the web page."""

from __future__ import annotations

import io
from dataclasses import replace

from rich.console import Console

from nlp.pipeline import parse_file
from nlp.report import Cell
from nlp.serialize import report_to_dict
from service.render import render_report
from service.web.reportview import report_view
from tests.conftest import FIXTURES


def _with_one_uncertain_cell() -> tuple[object, Cell]:
    report = parse_file(FIXTURES / "v2021-complete.html")
    cells = list(report.tables.cells)
    index = next(i for i, c in enumerate(cells) if (c.table, c.row, c.column) == ("table3", "r1_new", "natural"))
    cells[index] = replace(cells[index], placement="arithmetic_choice", confidence=0.8)
    return replace(report, tables=replace(report.tables, cells=tuple(cells))), cells[index]


def test_cells_placed_by_header_or_geometry_are_certain() -> None:
    for name in ("v2021-complete.html", "v2021-complete.pdf", "v2021-complete.docx", "v2021-complete.txt"):
        cells = parse_file(FIXTURES / name).tables.cells
        assert cells and not [c for c in cells if c.uncertain], name


def test_the_report_page_marks_an_uncertain_cell_with_how_it_was_placed() -> None:
    report, cell = _with_one_uncertain_cell()
    view = report_view(report_to_dict(report))
    marked = [c for t in view["tables"] for _, row in t.rows for c in row if c and c["uncertain"]]
    assert [(c["row"], c["column"], c["placed"]) for c in marked] == [("r1_new", "natural", "按勾稽关系在多种对齐中选择")]
    assert marked[0]["display"] == str(cell.value)


def test_the_terminal_view_puts_a_question_mark_on_it() -> None:
    report, cell = _with_one_uncertain_cell()
    out = io.StringIO()
    render_report(report, Console(file=out, width=200, color_system=None))
    text = out.getvalue()
    assert f"{cell.value:,}?" in text and "列位置读取把握不大" in text
