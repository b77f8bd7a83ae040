"""Documents that are not reports (a blank template) or could not be read are listed apart, never ranked."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from nlp.pipeline import parse_bytes
from tests.fixtures.reportgen import make_report, to_docx, to_html

CORPUS_TEMPLATE = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "docx" / "blank-template-2021.docx"


def _blank(table: dict[str, Any]) -> dict[str, Any]:
    return {k: _blank(v) if isinstance(v, dict) else None for k, v in table.items()}


def blank_template() -> Any:
    """Our own unfilled template: the title, the six headings and the tables' labels, every cell empty."""
    r = make_report(3, "v2021", 2023)
    return dataclasses.replace(r, preamble="", closing=(), sections={k: (h, []) for k, (h, _) in r.sections.items()},
                               table2=_blank(r.table2), table3=_blank(r.table3), table4=_blank(r.table4))


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_a_blank_template_is_not_a_report(fmt: str, tmp_path: Path) -> None:
    template = blank_template()
    data = to_html(template).encode() if fmt == "html" else to_docx(template, tmp_path / "t.docx").read_bytes()
    report = parse_bytes(data, f"blank.{fmt}")
    assert report.tables.found and all(c.value is None for c in report.tables.cells)
    assert report.status == "failed"
    assert [e.code for e in report.errors if e.severity == "error"] == ["not_a_report"]


def test_a_filled_report_with_blank_tables_is_still_a_report() -> None:
    # Written sentences make it a report, however empty its tables: the rules then judge the blanks.
    r = make_report(3, "v2021", 2023)
    filled = dataclasses.replace(r, table2=_blank(r.table2), table3=_blank(r.table3), table4=_blank(r.table4))
    assert parse_bytes(to_html(filled).encode(), "blank-tables.html").status != "failed"


@pytest.mark.skipif(not CORPUS_TEMPLATE.exists(), reason="../shared/corpus is absent")
def test_the_official_blank_word_template_is_not_a_report() -> None:
    report = parse_bytes(CORPUS_TEMPLATE.read_bytes(), CORPUS_TEMPLATE.name)
    assert report.status == "failed" and report.errors[-1].code == "not_a_report"
