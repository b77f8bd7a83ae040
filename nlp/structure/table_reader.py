"""What the table stages share: label matching, the row reader's state, and placing a row's cells under columns."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache

from nlp.ingest.extracted import GridCell, GridRow
from nlp.normalize import parse_cell, squash
from nlp.report import Cell, ReportError, Unreadable
from nlp.schema import (
    TABLE3_COLUMN_IDS,
    TABLE3_COLUMNS,
    TABLE4_CELLS,
    TABLE4_GROUPS,
)
from nlp.structure.header import Alignment, HeaderModel, Placed, ordered_alignments
from nlp.vocabulary import CN_NUMBER

# The numbering of a row label, captured: （三） / 三、 / 3. (the number of 3.5 is not a label's).
_NUM_PREFIX = re.compile(rf"^(?:[（(]({CN_NUMBER})[）)]|({CN_NUMBER})[、.．]|(\d{{1,2}})[.．、]?(?!\d))")
PAREN_NOTE = re.compile(r"[（(][^（()）]*[）)]$")


def split_number(label: str) -> tuple[str, str]:
    """('3', '要求提供公开出版物') from '3.要求提供公开出版物'; Chinese numerals kept as written."""
    match = _NUM_PREFIX.match(label)
    if not match:
        return "", label
    number = next(g for g in match.groups() if g)
    return number, label[match.end() :]


@cache
def similarity(a: str, b: str) -> float:
    """How alike two labels are, 0–1; a label that starts another names it (a line break cut it short)."""
    if not a or not b:
        return 0.0
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    # A label cut short by a line break ("要求提") still names its row.
    if len(a) >= 3 and b.startswith(a):
        ratio = max(ratio, 0.85)
    return ratio


@cache
def is_value(text: str) -> bool:
    """Whether a cell's text is a value (number, blank, NA) rather than a label."""
    try:
        parse_cell(text)
    except ValueError:
        return False
    return True


def split_label(row: GridRow) -> tuple[list[str], list[GridCell]]:
    """The distinct label texts of a row and the cells that follow its last label."""
    last = -1
    for i, cell in enumerate(row):
        text = squash(cell.text)
        if text and not is_value(text):
            last = i
    labels: list[str] = []
    for cell in row[: last + 1]:
        text = squash(cell.text)
        if text and text not in labels:
            labels.append(text)
    return labels, list(row[last + 1 :])


def identity_value(placed: Placed | None) -> float:
    """A cell's value for checking an identity: blank, NA and text count as 0."""
    if placed is None:
        return 0.0
    try:
        value, _ = parse_cell(placed.cell.text)
    except ValueError:
        return 0.0
    return float(value) if isinstance(value, int | float) else 0.0


def sums_hold(alignment: Alignment, parts: tuple[str, ...], total: str) -> bool:
    return abs(sum(identity_value(alignment.get(c)) for c in parts) - identity_value(alignment.get(total))) < 1e-6


def _texts(alignment: Alignment) -> dict[str, str]:
    return {column: placed.cell.text.strip() for column, placed in alignment.items()}


MAX_COMBINATIONS = 4096  # alignments of the unsettled rows tried together; more is guesswork, not layout
_COLUMN_NAMES = dict(TABLE3_COLUMNS) | {
    f"{g}/{c}": f"{gl}{cl}" for g, gl in TABLE4_GROUPS for c, cl in TABLE4_CELLS
}


_COLUMN_ORDER = {c: i for i, c in enumerate(_COLUMN_NAMES)}


def reading_text(alignment: Alignment) -> str:
    """The reading, column by column in template order ("自然人=12，商业企业=空，…")."""
    columns = sorted(alignment, key=lambda c: _COLUMN_ORDER.get(c, len(_COLUMN_ORDER)))
    return "，".join(f"{_COLUMN_NAMES.get(c, c)}={alignment[c].cell.text.strip() or '空'}" for c in columns)


def distinct_readings(options: list[Alignment]) -> list[Alignment]:
    """Alignments that put the same texts under the same columns are one reading."""
    seen: set[tuple[tuple[str, str], ...]] = set()
    out = []
    for option in options:
        key = tuple(sorted(_texts(option).items()))
        if key not in seen:
            seen.add(key)
            out.append(option)
    return out


@dataclass
class RowReader:
    """Reads rows in order, tracking which table, table 二 block and table 三 group they belong to."""

    cells: dict[tuple[str, str | None, str, str], Cell] = field(default_factory=dict)
    errors: list[ReportError] = field(default_factory=list)
    pages: dict[str, set[int]] = field(default_factory=dict)
    state: str | None = None
    # What the document prints and we could not place: our failure, never counted against the report.
    unreadable: list[Unreadable] = field(default_factory=list)
    # table 二
    block: str | None = None
    headers: dict[str, dict[int, str]] = field(default_factory=dict)
    t2_spans: dict[str, dict[int, tuple[float, float]]] = field(default_factory=dict)  # header cell extents
    votes: dict[str, int] = field(default_factory=lambda: {"v2019": 0, "v2021": 0})
    t2_rows: list[tuple[str, str, GridRow]] = field(default_factory=list)
    # table 三
    parent: str | None = None
    last_t3: int = -1
    pending_group: tuple[str, list[GridCell]] | None = None
    t3_seen_sub_rows: bool = False
    t3_single_other: bool = False
    t3_columns: tuple[str, ...] = TABLE3_COLUMN_IDS  # data columns in the order the report prints them
    t3_header_cells: dict[str, int] = field(default_factory=dict)
    t3_spans: dict[str, tuple[float, float]] = field(default_factory=dict)  # header column extents
    t3_label_only: str | None = None  # the row just read had a label and no filled cell
    t3_fragments: list[tuple[str, tuple[float, float]]] = field(default_factory=list)  # unmatched header words
    # rows whose alignment neither geometry nor the row's own sum could settle: (row, candidates, where)
    t3_deferred: list[tuple[str, list[Alignment], str]] = field(default_factory=list)
    t3_text_upper: list[str | None] = field(default_factory=list)  # a text header's upper line
    t3_text_order: tuple[str | None, ...] = ()  # the data cells' columns by a text header (None: filler)
    # table 四
    t4_group_spans: dict[str, tuple[float, float]] = field(default_factory=dict)
    t4_cell_spans: list[tuple[str, tuple[float, float]]] = field(default_factory=list)
    t4_text_order: tuple[str, ...] = ()  # the fifteen columns in a text header's order
    t4_by_rows: bool = False  # table 四 printed one group per row under a header of the five results
    t4_row_order: tuple[str, ...] = ()  # the five results in a text header's order
    t4_pending: str | None = None  # a group whose label stood on a line of its own

    def add(
        self, table: str, block: str | None, row: str, column: str, cell: GridCell, unit: str | None = None,
        placement: str = "template_order", confidence: float = 0.9,
    ) -> None:
        key = (table, block, row, column)
        if key in self.cells:
            return
        if cell.confidence is not None:  # an OCR reading's own doubt (nlp.ingest.ocr) flags the cell as well
            confidence = min(confidence, cell.confidence)
        try:
            value, own_unit = parse_cell(cell.text)
        except ValueError:
            value, own_unit = None, None
            self.errors.append(
                ReportError("cell_unparseable", f"单元格内容无法识别为数字：{table} {row} {column} “{cell.text.strip()}”", "warning", cell.page)
            )
        self.cells[key] = Cell(
            table, row, column, value, cell.text.strip(), block, own_unit or unit, cell.page, cell.bbox,  # type: ignore[arg-type]
            placement, confidence,  # type: ignore[arg-type]
        )
        if cell.page is not None:
            self.pages.setdefault(table, set()).add(cell.page)
        else:
            self.pages.setdefault(table, set())


def place(
    reader: RowReader, where: str, values: list[GridCell], model: HeaderModel | None, columns: tuple[str | None, ...],
    holds: Callable[[Alignment], bool], defer: bool = False,
) -> tuple[Alignment | None, list[Alignment]]:
    """The row's cells under their columns: by the header's extents where the reader gave them, in template
    order otherwise. Where more than one alignment is possible, the one under which the row's own arithmetic
    holds; values are never changed, only which column a cell is read under. When the row's arithmetic
    cannot tell either, geometry's best guess comes back with the candidates, for the caller to settle with
    the whole table (`defer`) or to keep with a warning."""
    page = next((c.page for c in values if c.page is not None), None)
    geometric = model.alignments(values) if model is not None else None
    if geometric is not None:
        options, outside = geometric
        for cell in outside:
            reader.errors.append(
                ReportError("table_cell_outside_header", f"{where}的单元格“{cell.text.strip()}”不在任何表头列之下，未读取", "warning", page)
            )
        if any(c.text.strip() for c in outside):
            # A value beyond the header's columns: the row has more cells than the header can place, so no
            # reading of it can be trusted (its 总计 may be the value left over).
            return None, []
    else:
        options = ordered_alignments(values, columns)
    options = distinct_readings(options)
    if geometric is not None:
        # Under a header, a column no cell reaches is a blank cell: a PDF prints no glyph there.
        for option in options:
            for column in filter(None, columns):
                option.setdefault(column, Placed(GridCell("", page), "geometry", 0.8))
    if len(options) == 1:
        return options[0], []
    good = [option for option in options if holds(option)]
    if len(good) == 1:
        reader.errors.append(
            ReportError(
                "table_alignment_by_arithmetic",
                f"{where}的数据单元格有 {len(options)} 种对齐方式，只有一种使本行合计成立，按其读取：{reading_text(good[0])}",
                "warning",
                page,
            )
        )
        return {column: Placed(p.cell, "arithmetic_choice", min(p.confidence, 0.8)) for column, p in good[0].items()}, []
    if geometric is not None and options:
        guess = {column: Placed(p.cell, p.placement, min(p.confidence, 0.5)) for column, p in options[0].items()}
        if defer:
            return guess, good or options
        reader.errors.append(
            ReportError(
                "table_alignment_ambiguous",
                f"{where}的数据单元格位置不能唯一确定列，按重叠最多的列读取：{reading_text(options[0])}",
                "warning",
                page,
            )
        )
        return guess, []
    return None, []


def blank(cells: list[GridCell]) -> bool:
    """Whether no cell holds any text."""
    return not any(c.text.strip() for c in cells)
