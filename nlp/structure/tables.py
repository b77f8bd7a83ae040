"""Match table rows to the official template by their labels and read every cell into the schema."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache
from itertools import islice, pairwise, product

from nlp.ingest.extracted import GridCell, GridRow, source_cells
from nlp.labels import TABLE_NAMES
from nlp.normalize import parse_cell, squash
from nlp.report import Cell, ReportError, Tables, Unreadable
from nlp.schema import (
    TABLE2,
    TABLE3_COLUMN_IDS,
    TABLE3_COLUMNS,
    TABLE3_GROUPS,
    TABLE3_ROWS,
    TABLE4_CELL_IDS,
    TABLE4_CELLS,
    TABLE4_GROUP_IDS,
    TABLE4_GROUPS,
    Table3Row,
)
from nlp.structure.header import Alignment, HeaderModel, Placed, ordered_alignments, widened
from nlp.structure.t3_identities import identities_holding
from nlp.vocabulary import CN_NUMBER

# The numbering of a row label, captured: （三） / 三、 / 3. (the number of 3.5 is not a label's).
_NUM_PREFIX = re.compile(rf"^(?:[（(]({CN_NUMBER})[）)]|({CN_NUMBER})[、.．]|(\d{{1,2}})[.．、]?(?!\d))")
_PAREN_NOTE = re.compile(r"[（(][^（()）]*[）)]$")
_BLOCK_TITLE = re.compile(rf"第[二2]十条第[（(]({CN_NUMBER})[）)]项")
_UNIT_IN_HEADER = re.compile(r"单位[:：]?(万元|元)")


def _split_number(label: str) -> tuple[str, str]:
    """('3', '要求提供公开出版物') from '3.要求提供公开出版物'; Chinese numerals kept as written."""
    match = _NUM_PREFIX.match(label)
    if not match:
        return "", label
    number = next(g for g in match.groups() if g)
    return number, label[match.end() :]


@cache
def _similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    # A label cut short by a line break ("要求提") still names its row.
    if len(a) >= 3 and b.startswith(a):
        ratio = max(ratio, 0.85)
    return ratio


@cache
def _is_value(text: str) -> bool:
    try:
        parse_cell(text)
    except ValueError:
        return False
    return True


def _split_label(row: GridRow) -> tuple[list[str], list[GridCell]]:
    """The distinct label texts of a row and the cells that follow its last label."""
    last = -1
    for i, cell in enumerate(row):
        text = squash(cell.text)
        if text and not _is_value(text):
            last = i
    labels: list[str] = []
    for cell in row[: last + 1]:
        text = squash(cell.text)
        if text and text not in labels:
            labels.append(text)
    return labels, list(row[last + 1 :])


def _number(placed: Placed | None) -> float:
    """A cell's value for checking an identity: blank, NA and text count as 0."""
    if placed is None:
        return 0.0
    try:
        value, _ = parse_cell(placed.cell.text)
    except ValueError:
        return 0.0
    return float(value) if isinstance(value, int | float) else 0.0


def _sums_hold(alignment: Alignment, parts: tuple[str, ...], total: str) -> bool:
    return abs(sum(_number(alignment.get(c)) for c in parts) - _number(alignment.get(total))) < 1e-6


def _t3_holds(alignment: Alignment) -> bool:
    """T3-R2: the row's 总计 is the sum of its applicant columns."""
    return _sums_hold(alignment, TABLE3_COLUMN_IDS[:-1], "total")


def _t4_holds(alignment: Alignment) -> bool:
    """T4-R1..R3: each group's 总计 is the sum of its four results."""
    return all(
        _sums_hold(alignment, tuple(f"{g}/{c}" for c in TABLE4_CELL_IDS[:-1]), f"{g}/total") for g in TABLE4_GROUP_IDS
    )


def _texts(alignment: Alignment) -> dict[str, str]:
    return {column: placed.cell.text.strip() for column, placed in alignment.items()}


_MAX_COMBINATIONS = 4096  # alignments of the unsettled rows tried together; more is guesswork, not layout
_COLUMN_NAMES = dict(TABLE3_COLUMNS) | {
    f"{g}/{c}": f"{gl}{cl}" for g, gl in TABLE4_GROUPS for c, cl in TABLE4_CELLS
}


_COLUMN_ORDER = {c: i for i, c in enumerate(_COLUMN_NAMES)}


def _evidence(alignment: Alignment) -> str:
    """The reading, column by column in template order ("自然人=12，商业企业=空，…")."""
    columns = sorted(alignment, key=lambda c: _COLUMN_ORDER.get(c, len(_COLUMN_ORDER)))
    return "，".join(f"{_COLUMN_NAMES.get(c, c)}={alignment[c].cell.text.strip() or '空'}" for c in columns)


def _distinct(options: list[Alignment]) -> list[Alignment]:
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
class _Reader:
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


def _place(
    reader: _Reader, where: str, values: list[GridCell], model: HeaderModel | None, columns: tuple[str | None, ...],
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
    options = _distinct(options)
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
                f"{where}的数据单元格有 {len(options)} 种对齐方式，只有一种使本行合计成立，按其读取：{_evidence(good[0])}",
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
                f"{where}的数据单元格位置不能唯一确定列，按重叠最多的列读取：{_evidence(options[0])}",
                "warning",
                page,
            )
        )
        return guess, []
    return None, []


def _t3_model(reader: _Reader) -> HeaderModel | None:
    """Table 三's header as column extents, when every column was named in cells with extents that do not
    overlap."""
    spans = reader.t3_spans
    if len(spans) != len(TABLE3_COLUMN_IDS):
        return None
    ordered = sorted(spans.values())
    if any(a[1] > b[0] for a, b in pairwise(ordered)):
        return None
    return HeaderModel(widened(spans))


_T3_ORDER: tuple[Table3Row, ...] = (
    *TABLE3_ROWS["v2021"][:20],
    TABLE3_ROWS["v2019"][20],
    *TABLE3_ROWS["v2021"][20:],
)
_T3_BY_ID = {r.id: r for r in _T3_ORDER}
_T3_INDEX = {r.id: i for i, r in enumerate(_T3_ORDER)}
_T2_ROWS = {label for blocks in TABLE2.values() for b in blocks for label in b.rows}


def _group_of(label: str) -> str | None:
    """The table 三 group a label names; a short label with the group's numeral is enough, because
    narrow PDF cells cut group labels apart ("（四）无" / "法提供", "三、本" / "年度办理结果")."""
    number, core = _split_number(label)
    for group, text in TABLE3_GROUPS.items():
        g_number, g_core = _split_number(squash(text))
        if number and number == g_number and g_core.startswith(core[:2]):
            return group
        if _similarity(core, g_core) >= 0.75 and (not number or not g_number or number == g_number):
            return group
    return None


def _match_t3_row(label: str, parent: str | None) -> tuple[Table3Row | None, float]:
    number, core = _split_number(label)
    core = core or label
    best: tuple[Table3Row | None, float] = (None, 0.0)
    for row in _T3_ORDER:
        r_number, r_core = _split_number(squash(row.label))
        score = max(_similarity(core, r_core), _similarity(_PAREN_NOTE.sub("", core), _PAREN_NOTE.sub("", r_core)))
        if number and r_number:
            score += 0.2 if number == r_number else -0.3
        if parent is not None and row.parent not in (None, "r3_results"):
            score += 0.15 if row.parent == parent else -0.2
        if score > best[1]:
            best = (row, score)
    return best if best[1] >= 0.6 else (None, best[1])


def _read_table3_row(reader: _Reader, labels: list[str], values: list[GridCell]) -> None:
    child_labels = []
    groups = [_group_of(label) for label in labels]
    for label, group in zip(labels, groups, strict=True):
        if group == "r3_results":
            continue
        # （六）其他处理 is a data row in v2019 and a group in v2021: a group when a child shares its line.
        single_other = group == "r3_6_other" and all(g is not None for g in groups)
        if group is not None and not single_other:
            reader.parent = group
            reader.pending_group = None
            continue
        child_labels.append(label)
    has_values = any(c.text.strip() for c in values)
    if not child_labels and labels and has_values and reader.parent in TABLE3_GROUPS:
        # "（三）不予公开" carrying numbers on its own line: they belong to its first child, whose label
        # text copy put on the next line.
        reader.pending_group = (reader.parent, values)
        return
    row: Table3Row | None = None
    if child_labels:
        label = "".join(child_labels)
        row, _ = _match_t3_row(label, reader.parent)
        if row is None and not has_values:
            return  # a label fragment broken off the line above ("息")
        if row is not None and row.id == "r3_6_other" and not has_values and len(values) != len(TABLE3_COLUMN_IDS):
            reader.parent = "r3_6_other"
            return
    if row is None and has_values and reader.t3_label_only is not None:
        # The label stood on a line of its own (with empty cells or none); its numbers follow on this one.
        row = _T3_BY_ID[reader.t3_label_only]
        for key in [k for k in reader.cells if k[0] == "table3" and k[2] == row.id]:
            del reader.cells[key]
    elif row is None and has_values:
        # A row of numbers whose label got lost (or is a fragment such as "理" of a wrapped group label):
        # it is the next row of the template.
        following = [r for r in _T3_ORDER[reader.last_t3 + 1 :] if not reader.cells.get(("table3", None, r.id, "natural"))]
        row = following[0] if following else None
        if row is not None and row.id == "r3_6_other" and reader.t3_seen_sub_rows:
            row = following[1] if len(following) > 1 else None
    reader.t3_label_only = None
    if row is None:
        return
    if reader.pending_group and reader.pending_group[0] == row.parent and not has_values:
        values = reader.pending_group[1]
    reader.pending_group = None
    if row.parent and row.parent not in ("r3_results",):
        reader.parent = row.parent
    if row.id in ("r3_6_1", "r3_6_2", "r3_6_3"):
        reader.t3_seen_sub_rows = True
    if row.id == "r3_6_other":
        reader.t3_single_other = True
    if child_labels and not any(c.text.strip() for c in values):
        reader.t3_label_only = row.id
        if not values:  # a label with no cells at all: its numbers, if any, come on the next line
            reader.last_t3 = max(reader.last_t3, _T3_INDEX[row.id])
            return
    columns = reader.t3_text_order or reader.t3_columns
    where = f"表三“{row.label}”一行"
    placed, candidates = _place(reader, where, values, _t3_model(reader), columns, _t3_holds, defer=True)
    if candidates:
        reader.t3_deferred.append((row.id, candidates, where))
    if placed is None:
        reader.unreadable.append(Unreadable(
            "table3", "misaligned",
            f"表三“{row.label}”一行有 {len(values)} 个数据单元格，无法与表头的 {len(TABLE3_COLUMN_IDS)} 列对齐，未读取该行",
            (row.id,), values[0].page if values else None,
        ))
        return
    reader.last_t3 = max(reader.last_t3, _T3_INDEX[row.id])
    for column in TABLE3_COLUMN_IDS:
        if column in placed:
            p = placed[column]
            reader.add("table3", None, row.id, column, p.cell, placement=p.placement, confidence=p.confidence)


_T3_HEADER_LABELS = {squash(label): column for column, label in TABLE3_COLUMNS} | {
    "社会组织": "nonprofit",
    "其他组织": "other_org",
}


def _t3_header(reader: _Reader, row: GridRow) -> None:
    """Learn the order of table 三's data columns from its header rows, so a report that prints them in
    another order still fills the right cells."""
    for index, cell in enumerate(row):
        column = _T3_HEADER_LABELS.get(squash(cell.text))
        if column is None and cell.span is not None and squash(cell.text):
            column, cell = _joined_fragment(reader, cell)
        if column and column not in reader.t3_header_cells:
            reader.t3_header_cells[column] = index
            if cell.span is not None:
                reader.t3_spans[column] = cell.span
    if all(cell.span is None for cell in row):
        _t3_text_order(reader, row)
    positions = set(reader.t3_header_cells.values())
    # Only a header laid out on the same grid as the data (distinct positions) can reorder columns;
    # text copies drop the leading empty cells of header lines.
    if len(reader.t3_header_cells) == len(TABLE3_COLUMN_IDS) == len(positions):
        order = tuple(sorted(reader.t3_header_cells, key=lambda c: reader.t3_header_cells[c]))
        if order != TABLE3_COLUMN_IDS:
            reader.errors.append(
                ReportError("table3_columns_reordered", "表三申请人列的顺序与模板不同，已按表头对应读取", "warning", row[0].page)
            )
        reader.t3_columns = order


_ORGS = "法人或其他组织"


def _joined_fragment(reader: _Reader, cell: GridCell) -> tuple[str | None, GridCell]:
    """A borderless header label broken over two lines ("社会公益" / "组织") comes as two words one above the
    other: joined with the fragment above it that shares its column, it names the column."""
    assert cell.span is not None
    for index, (text, span) in enumerate(reader.t3_fragments):
        overlap = min(span[1], cell.span[1]) - max(span[0], cell.span[0])
        column = _T3_HEADER_LABELS.get(text + squash(cell.text))
        if column and overlap > 0.5 * min(span[1] - span[0], cell.span[1] - cell.span[0]):
            del reader.t3_fragments[index]
            joined = GridCell(text + cell.text, cell.page, cell.bbox, span=(min(span[0], cell.span[0]), max(span[1], cell.span[1])))
            return column, joined
    reader.t3_fragments.append((squash(cell.text), cell.span))
    return None, cell


def _t3_text_order(reader: _Reader, row: GridRow) -> None:
    """A text copy keeps the cells of a header line in order but not where they stood: 自然人, any empty
    filler, 法人或其他组织 and 总计 on one line, the organisations on the next. Together they give the
    order of the data cells."""
    texts = [squash(c.text) for c in row]
    while texts and not texts[0]:
        texts.pop(0)
    while texts and not texts[-1]:
        texts.pop()
    columns = [_T3_HEADER_LABELS.get(t) for t in texts]
    if "natural" in columns and _ORGS in texts:
        reader.t3_text_upper = [c or (_ORGS if t == _ORGS else None) for t, c in zip(texts, columns, strict=True) if c or t == _ORGS or not t]
        return
    orgs = [c for c in columns if c]
    if not reader.t3_text_upper or len(orgs) < len(TABLE3_COLUMN_IDS) - 2:
        return
    order = [c for item in reader.t3_text_upper for c in (orgs if item == _ORGS else [item])]
    if sorted(c for c in order if c) == sorted(TABLE3_COLUMN_IDS):
        reader.t3_text_order = tuple(order)
        if tuple(c for c in order if c) != TABLE3_COLUMN_IDS:
            reader.errors.append(
                ReportError("table3_columns_reordered", "表三申请人列的顺序与模板不同，已按表头对应读取", "warning", row[0].page)
            )


_T4_COLUMNS = tuple(f"{g}/{c}" for g in TABLE4_GROUP_IDS for c in TABLE4_CELL_IDS)
_T4_GROUP_LABELS = {squash(label): group for group, label in TABLE4_GROUPS}
_T4_CELL_LABELS = {squash(label): cell for cell, label in TABLE4_CELLS}


def _t4_header(reader: _Reader, row: GridRow) -> None:
    """Collect the extents of table 四's group and result headers; in a text copy, without extents, the order
    of the result headers (the same under each group)."""
    if all(cell.span is None for cell in row):
        results = list(dict.fromkeys(_T4_CELL_LABELS[t] for t in map(squash, (c.text for c in row)) if t in _T4_CELL_LABELS))
        if len(results) == len(TABLE4_CELL_IDS) and not reader.t4_text_order:
            reader.t4_text_order = tuple(f"{g}/{c}" for g in TABLE4_GROUP_IDS for c in results)
            reader.t4_row_order = tuple(results)
        return
    for cell in row:
        if cell.span is None:
            continue
        text = squash(cell.text)
        if text in _T4_GROUP_LABELS:
            reader.t4_group_spans.setdefault(_T4_GROUP_LABELS[text], cell.span)
        elif text in _T4_CELL_LABELS and (text, cell.span) not in reader.t4_cell_spans:
            reader.t4_cell_spans.append((text, cell.span))


def _t4_model(reader: _Reader) -> HeaderModel | None:
    """Table 四's fifteen columns: each result header under the group header it lies beneath."""
    groups = widened(reader.t4_group_spans)
    columns: dict[str, tuple[float, float]] = {}
    for text, (c0, c1) in reader.t4_cell_spans:
        centre = (c0 + c1) / 2
        group = next((g for g, (g0, g1) in groups.items() if g0 <= centre < g1), None)
        if group is not None:
            columns.setdefault(f"{group}/{_T4_CELL_LABELS[text]}", (c0, c1))
    ordered = sorted(columns.values())
    if len(columns) != len(_T4_COLUMNS) or any(a[1] > b[0] for a, b in pairwise(ordered)):
        return None
    return HeaderModel(widened(columns))


def _is_t4_result_header(row: GridRow) -> bool:
    """A header naming the five results once each and no group: table 四 printed one group per row."""
    texts = [squash(c.text) for c in source_cells(list(row)) if c.text.strip()]
    results = [t for t in texts if t in _T4_CELL_LABELS]
    groups = [t for t in texts if t in _T4_GROUP_LABELS or t == "行政诉讼"]
    return len(results) == len(set(results)) == len(TABLE4_CELL_IDS) and not groups


def _t4_group_of(joined: str) -> str | None:
    text = squash(joined)
    # The litigation groups first: "行政复议" is no part of their labels, but a label could carry both.
    return next((g for g, label in reversed(TABLE4_GROUPS) if squash(label) in text), None)


def _read_table4_group_row(reader: _Reader, labels: list[str], values: list[GridCell]) -> bool:
    """One row of table 四 printed one group per row; a label on a line of its own waits for the numbers
    below it, and numbers without a label belong to the first group not yet read."""
    joined = "".join(labels)
    group = _t4_group_of(joined) if labels else None
    if labels and group is None:
        return squash(joined) == "行政诉讼"  # the label over the two litigation rows, alone on its line
    if _blank(values):
        reader.t4_pending = group
        return group is not None
    if group is None:
        group = reader.t4_pending or next((g for g in TABLE4_GROUP_IDS if ("table4", None, g, "total") not in reader.cells), None)
    reader.t4_pending = None
    if group is None:
        return False
    spans = {_T4_CELL_LABELS[text]: span for text, span in reader.t4_cell_spans}
    model = HeaderModel(widened(spans)) if len(spans) == len(TABLE4_CELL_IDS) else None
    name = dict(TABLE4_GROUPS)[group]
    placed, _ = _place(
        reader, f"表四“{name}”一行", values, model, reader.t4_row_order or TABLE4_CELL_IDS,
        lambda a: _sums_hold(a, TABLE4_CELL_IDS[:-1], "total"),
    )
    if placed is None:
        reader.unreadable.append(Unreadable(
            "table4", "misaligned", f"表四“{name}”一行的数据单元格无法与表头对齐，未读取该行", (group,), values[0].page,
        ))
        return True
    for cell_id in TABLE4_CELL_IDS:
        if cell_id in placed:
            p = placed[cell_id]
            reader.add("table4", None, group, cell_id, p.cell, placement=p.placement, confidence=p.confidence)
    if all(("table4", None, g, "total") in reader.cells for g in TABLE4_GROUP_IDS):
        reader.state = None
    return True


def _read_table4_row(reader: _Reader, values: list[GridCell]) -> bool:
    if _blank(values):
        return False
    placed, _ = _place(reader, "表四数据行", values, _t4_model(reader), reader.t4_text_order or _T4_COLUMNS, _t4_holds)
    if placed is None:
        return False
    for column in _T4_COLUMNS:
        if column in placed:
            group, cell = column.split("/")
            p = placed[column]
            reader.add("table4", None, group, cell, p.cell, placement=p.placement, confidence=p.confidence)
    return True


def _t2_header(reader: _Reader, row: GridRow) -> None:
    block = reader.block or "art20_1"
    mapping: dict[int, str] = {}
    seen: set[str] = set()
    for i, cell in enumerate(row):
        text = squash(cell.text)
        if not text or text == "信息内容":
            continue
        best, score, version = None, 0.0, None
        for template, blocks in TABLE2.items():
            for spec in blocks:
                if spec.id != block:
                    continue
                for column in spec.columns:
                    s = _similarity(_PAREN_NOTE.sub("", text), _PAREN_NOTE.sub("", squash(column)))
                    if s > score:
                        best, score, version = column, s, template
        if best and score >= 0.6 and best not in seen:
            seen.add(best)
            mapping[i] = text
            if cell.span is not None:
                reader.t2_spans.setdefault(block, {})[i] = cell.span
            if version and not any(best in spec.columns for spec in TABLE2["v2021" if version == "v2019" else "v2019"]):
                reader.votes[version] += 1
    reader.headers[block] = mapping
    if set(reader.t2_spans.get(block, {})) != set(mapping):
        reader.t2_spans.pop(block, None)  # a header only partly placed cannot place cells by extent


def _t2_block_for(label: str, current: str | None) -> tuple[str, str] | None:
    """(block id, matched row label) for a table 二 row label, preferring the current block."""
    candidates = []
    for blocks in TABLE2.values():
        for spec in blocks:
            for row in spec.rows:
                score = _similarity(label, row) + (0.1 if spec.id == current else 0)
                candidates.append((score, spec.id, row))
    score, block, row = max(candidates)
    return (block, row) if score >= 0.75 else None


def _finish_table2(reader: _Reader, template: str) -> None:
    specs = {spec.id: spec for spec in TABLE2[template]}
    for block_id, label, row in reader.t2_rows:
        values = _split_label(row)[1]
        spec = specs.get(block_id)
        if spec is None:
            reader.errors.append(
                ReportError("table2_block_unexpected", f"表二出现模板 {template} 之外的项目：{label}", "warning", values[0].page if values else None)
            )
            continue
        row_label = max(spec.rows, key=lambda r: _similarity(label, r))
        header = reader.headers.get(block_id, {})
        columns: list[tuple[str, GridCell, str | None]] = []
        by_header = bool(header)
        spans = reader.t2_spans.get(block_id, {})
        if header:
            named: list[tuple[str, int, str | None]] = []
            for index, text in sorted(header.items()):
                column = max(spec.columns, key=lambda c: _similarity(_PAREN_NOTE.sub("", text), _PAREN_NOTE.sub("", squash(c))))
                unit = _UNIT_IN_HEADER.search(text)
                if column not in [c for c, _, _ in named]:
                    named.append((column, index, unit.group(1) if unit else None))
            extents = {column: spans[index] for column, index, _ in named if index in spans}
            geometric = HeaderModel(widened(extents)).alignments(values) if len(extents) == len(named) else None
            if geometric is not None and geometric[0]:
                # By extent: a blank cell without a glyph, or a merged one, does not shift its neighbours.
                best = geometric[0][0]
                page = next((c.page for c in values if c.page is not None), None)
                columns = [(c, best[c].cell if c in best else GridCell("", page, span=extents[c]), unit) for c, _, unit in named]
            else:
                columns = [(c, row[index], unit) for c, index, unit in named if index < len(row)]
        else:
            start = next(i for i, c in enumerate(values) if not c.text.strip() or _is_value(squash(c.text)))
            for column, cell in zip(spec.columns, values[start:], strict=False):
                unit = _UNIT_IN_HEADER.search(column)
                columns.append((column, cell, unit.group(1) if unit else None))
        for column, cell, unit in columns:
            # The header names the column of a grid slot; the grid is the document's own (HTML, DOCX) or
            # pdfplumber's cells cut by the ruling lines (PDF).
            if by_header and cell.origin is not None:
                placement, confidence = "header_span", 1.0
            elif by_header and cell.span is not None:
                placement, confidence = "geometry", 0.9
            else:
                placement, confidence = "template_order", 0.9 if by_header else 0.7
            reader.add("table2", block_id, row_label, column, cell, unit, placement, confidence)


def _table2_template(reader: _Reader, t3_template: str | None) -> str:
    if reader.votes["v2021"] != reader.votes["v2019"]:
        return max(reader.votes, key=lambda k: reader.votes[k])
    blocks = {b for b, _, _ in reader.t2_rows}
    if "art20_9" in blocks:
        return "v2019"
    return t3_template or "v2021"


_BLOCK_OF_ITEM = {"一": "art20_1", "五": "art20_5", "六": "art20_6", "八": "art20_8", "九": "art20_9"}
_T2_COLUMN_LABELS = tuple({squash(c) for blocks in TABLE2.values() for spec in blocks for c in spec.columns})


def _blank(cells: list[GridCell]) -> bool:
    return not any(c.text.strip() for c in cells)


def _is_t2_header(reader: _Reader, labels: list[str], values: list[GridCell]) -> bool:
    """A 信息内容 header row, or a header cut off by a page break that only names table 二 columns."""
    if "信息内容" in "".join(labels):
        return True
    return (
        reader.state == "table2"
        and bool(labels)
        and _blank(values)
        and any(_similarity(label, column) >= 0.6 for label in labels for column in _T2_COLUMN_LABELS)
    )


def _is_t3_header(labels: list[str]) -> bool:
    joined = "".join(labels)
    return "勾稽" in joined or "申请人情况" in joined or "自然人" in labels or "商业企业" in labels


def _is_t4_header(row: GridRow, labels: list[str], values: list[GridCell]) -> bool:
    joined = "".join(labels)
    return "行政复议" in joined and ("行政诉讼" in joined or len(row) >= 5) and _blank(values)


def _read_row(reader: _Reader, row: GridRow) -> None:
    """Route one row to the table it belongs to, by its labels and the table being read."""
    labels, values = _split_label(row)
    joined = "".join(labels)
    title = _BLOCK_TITLE.search(joined)
    if title:
        reader.state, reader.block = "table2", _BLOCK_OF_ITEM.get(title.group(1))
        if "信息内容" not in joined:
            return
    if _is_t2_header(reader, labels, values):
        reader.state = "table2"
        _t2_header(reader, row)
        return
    header_line = reader.state == "table3" and reader.last_t3 < 0 and labels and _blank(values)
    names_column = squash(joined) in _T3_HEADER_LABELS  # "其他" alone is a column, not row "3.其他"
    # A row's own label is its last: "三、本年度办理结果" before "（一）予以公开" names only the group.
    names_row = any(_match_t3_row(label, None)[0] is not None for label in (joined, labels[-1] if labels else ""))
    if _is_t3_header(labels) or (header_line and (names_column or not names_row)):
        # Before table 三's first data row, a line of labels alone that names no row is more of its header.
        reader.state = "table3"
        _t3_header(reader, row)
        return
    # Under 行政复议 / 行政诉讼 (state table4 already) a line of the five results is the template's own header.
    if reader.state != "table4" and _is_t4_result_header(row):
        reader.state, reader.t4_by_rows = "table4", True
        _t4_header(reader, row)
        return
    if reader.t4_by_rows and reader.state == "table4" and _read_table4_group_row(reader, labels, values):
        return
    if _is_t4_header(row, labels, values):
        reader.state = "table4"
        _t4_header(reader, row)
        return
    if reader.state == "table4" and labels and _blank(values):
        _t4_header(reader, row)  # the result headers under 行政复议 / 行政诉讼
        return
    # Fifteen bare numbers can only be table 四's data row, even when its header was lost as plain text.
    wide = len(values) >= len(TABLE4_GROUP_IDS) * len(TABLE4_CELL_IDS) and "table4" not in reader.pages
    if (reader.state == "table4" or wide) and not labels and _read_table4_row(reader, values):
        reader.state = None
        return
    if labels and reader.state in (None, "table2") and not _blank(values):
        match = _t2_block_for(joined, reader.block) if joined in _T2_ROWS or len(joined) <= 12 else None
        if match is not None:
            reader.state, reader.block = "table2", match[0]
            reader.t2_rows.append((match[0], joined, row))
            return
    starts_table3 = labels and reader.state != "table4" and _match_t3_row(joined, None)[0] is not None
    if reader.state == "table3" or starts_table3:
        reader.state = "table3"
        _read_table3_row(reader, labels, values)


def _t3_numbers(reader: _Reader) -> dict[tuple[str, str], float]:
    out = {}
    for (table, _, row, column), cell in reader.cells.items():
        if table == "table3":
            out[(row, column)] = float(cell.value) if isinstance(cell.value, int | float) else 0.0
    return out


def _settle_t3(reader: _Reader) -> None:
    """Rows whose cells could stand under more than one column (a value printed across a boundary next to a
    blank), settled together: the combination of their alignments under which most of the table's column
    identities hold, when only one combination does. Otherwise geometry's best guess stays, with a warning."""
    deferred = reader.t3_deferred
    if not deferred:
        return
    combos = list(islice(product(*(candidates for _, candidates, _ in deferred)), _MAX_COMBINATIONS + 1))
    base = {k: v for k, v in _t3_numbers(reader).items() if k[0] not in {row for row, _, _ in deferred}}
    scores = []
    for combo in combos[:_MAX_COMBINATIONS]:
        trial = dict(base)
        for (row_id, _, _), option in zip(deferred, combo, strict=True):
            trial.update({(row_id, column): _number(p) for column, p in option.items()})
        scores.append(identities_holding(trial))
    best = max(scores)
    settled = len(combos) <= _MAX_COMBINATIONS and scores.count(best) == 1
    chosen = combos[scores.index(best)] if settled else tuple(candidates[0] for _, candidates, _ in deferred)
    for (row_id, candidates, where), option in zip(deferred, chosen, strict=True):
        page = next((p.cell.page for p in option.values() if p.cell.page is not None), None)
        if not settled:
            reader.errors.append(
                ReportError(
                    "table_alignment_ambiguous",
                    f"{where}的数据单元格位置不能唯一确定列，按重叠最多的列读取：{_evidence(option)}",
                    "warning",
                    page,
                )
            )
            continue
        for key in [k for k in reader.cells if k[0] == "table3" and k[2] == row_id]:
            del reader.cells[key]
        for column in TABLE3_COLUMN_IDS:
            if column in option:
                reader.add("table3", None, row_id, column, option[column].cell, placement="arithmetic_choice", confidence=0.7)
        reader.errors.append(
            ReportError(
                "table_alignment_by_arithmetic",
                f"{where}的数据单元格有 {len(candidates)} 种对齐方式，按表三各列勾稽关系（{best} 项成立）读取：{_evidence(option)}",
                "warning",
                page,
            )
        )


def _table3_template(reader: _Reader) -> str | None:
    """v2021 when 其他处理 has its three sub-rows, v2019 when it is one row; a blank single row followed by
    the sub-rows was only the group's label and is dropped."""
    if reader.t3_seen_sub_rows and reader.t3_single_other:
        other = [k for k in reader.cells if k[2] == "r3_6_other"]
        if all(reader.cells[k].value is None for k in other):
            for key in other:
                del reader.cells[key]
            reader.t3_single_other = False
    if reader.t3_seen_sub_rows:
        return "v2021"
    return "v2019" if reader.t3_single_other else None


def rows_to_tables(rows: tuple[GridRow, ...]) -> tuple[Tables, str | None, tuple[ReportError, ...]]:
    """Read every table row of a document into the official schema: (tables, template, warnings)."""
    reader = _Reader()
    for row in rows:
        _read_row(reader, row)
    _settle_t3(reader)
    t3_template = _table3_template(reader)
    template = t3_template
    if reader.t2_rows:
        template = _table2_template(reader, t3_template)
        _finish_table2(reader, template)
    if template == "v2021" and reader.t3_single_other:
        reader.errors.append(
            ReportError("table3_legacy_other_row", "表三“（六）其他处理”沿用 2019 年试行格式的单行，未按 2021 年格式拆分为三项", "warning")
        )
    found = tuple(t for t in ("table2", "table3", "table4") if t in reader.pages)
    pages = tuple((t, tuple(sorted(reader.pages[t]))) for t in found)
    cells = sorted(reader.cells.values(), key=lambda c: _reading_order(c, template))
    return Tables(tuple(cells), found, pages, _unread_tables(reader, found)), template, tuple(reader.errors)


def _unread_tables(reader: _Reader, found: tuple[str, ...]) -> tuple[Unreadable, ...]:
    """Rows we could not place, one entry per row; a table none of whose rows we could place as one entry.
    A table with no data rows at all is not ours to excuse: the document lacks them."""
    out = [u for u in reader.unreadable if u.table in found]
    for table in sorted({u.table for u in reader.unreadable} - set(found)):
        rows = [u for u in reader.unreadable if u.table == table]
        out.append(Unreadable(
            table, "no_rows", f"找到{TABLE_NAMES[table]}，但其 {len(rows)} 行数据都无法与表头对齐，未读取该表",
            page=next((u.page for u in rows if u.page is not None), None)))
    return tuple(out)


def _reading_order(cell: Cell, template: str | None) -> tuple[int, int, int, int]:
    """Template order: table, block, row, column."""
    if cell.table == "table2":
        specs = TABLE2[template or "v2021"]
        index = next((i for i, spec in enumerate(specs) if spec.id == cell.block), 0)
        spec = specs[index]
        row = spec.rows.index(cell.row) if cell.row in spec.rows else 0
        column = spec.columns.index(cell.column) if cell.column in spec.columns else 0
        return (0, index, row, column)
    if cell.table == "table3":
        return (1, 0, _T3_INDEX[cell.row], TABLE3_COLUMN_IDS.index(cell.column))
    return (2, 0, TABLE4_GROUP_IDS.index(cell.row), TABLE4_CELL_IDS.index(cell.column))
