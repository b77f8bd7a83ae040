"""Which grid rows belong to a statistical table rather than to a framed paragraph."""

from __future__ import annotations

import re
from functools import cache

from nlp.ingest.extracted import GridRow, source_cells
from nlp.normalize import squash
from nlp.schema import row_labels
from nlp.vocabulary import ITEM_MARK

_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
# Single-cell rows that still belong to table 二: block titles and column headers cut off by a page break.
_TABLE_CAPTION = re.compile(r"^(?:第[二2]十条第[（(]|信息内容|本年.{0,6}(?:数量|件数|金额)|申请人情况)")
_NUMBERING = re.compile(rf"^{ITEM_MARK}")


@cache
def _template_labels() -> frozenset[str]:
    """Every table's row labels, squashed as cell texts are."""
    return frozenset(squash(label) for table in ("table2", "table3", "table4") for label in row_labels(table))


def is_table_row(row: GridRow) -> bool:
    """Rows with two or more distinct filled cells, or a table 二 caption, belong to a statistical table;
    other rows are paragraphs that a frame drawn around them made look like a table."""
    filled = {squash(c.text) for c in row if c.text.strip()}
    if len(filled) >= 2:
        return True
    cells = source_cells(list(row))
    # A row of equal numbers ("0 0 0 0 0 0 0") whose label stands on the line above.
    if filled and all(_NUMBER.match(t) for t in filled):
        return sum(1 for c in cells if c.text.strip()) >= 3
    # A template row left blank: its label and empty cells ("行政许可 | | |"), blank rather than missing.
    if len(filled) == 1 and len(cells) >= 3 and _NUMBERING.sub("", next(iter(filled))) in _template_labels():
        return True
    return len(filled) == 1 and len(next(iter(filled))) < 30 and bool(_TABLE_CAPTION.match(next(iter(filled))))
