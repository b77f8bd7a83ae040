"""Route each table row to table 二, 三 or 四 by its labels, read table 三, and gather the three into Tables."""

from __future__ import annotations

from itertools import islice, pairwise, product

from nlp.ingest.extracted import GridCell, GridRow
from nlp.labels import TABLE_NAMES
from nlp.normalize import squash
from nlp.report import Cell, ReportError, Tables, Unreadable
from nlp.schema import (
    TABLE2,
    TABLE3_COLUMN_IDS,
    TABLE3_COLUMNS,
    TABLE3_GROUPS,
    TABLE3_ROWS,
    TABLE4_CELL_IDS,
    TABLE4_GROUP_IDS,
    Table3Row,
)
from nlp.structure.header import Alignment, HeaderModel, widened
from nlp.structure.t3_identities import identities_holding
from nlp.structure.table2 import (
    BLOCK_OF_ITEM,
    BLOCK_TITLE,
    T2_ROWS,
    finish_table2,
    is_t2_header,
    read_t2_header,
    t2_block_for,
    table2_template,
)
from nlp.structure.table4 import (
    is_t4_header,
    is_t4_result_header,
    read_t4_header,
    read_table4_group_row,
    read_table4_row,
)
from nlp.structure.table_reader import (
    MAX_COMBINATIONS,
    PAREN_NOTE,
    RowReader,
    blank,
    identity_value,
    place,
    reading_text,
    similarity,
    split_label,
    split_number,
    sums_hold,
)


def _t3_holds(alignment: Alignment) -> bool:
    """T3-R2: the row's 总计 is the sum of its applicant columns."""
    return sums_hold(alignment, TABLE3_COLUMN_IDS[:-1], "total")


def _t3_model(reader: RowReader) -> HeaderModel | None:
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
def _group_of(label: str) -> str | None:
    """The table 三 group a label names; a short label with the group's numeral is enough, because
    narrow PDF cells cut group labels apart ("（四）无" / "法提供", "三、本" / "年度办理结果")."""
    number, core = split_number(label)
    for group, text in TABLE3_GROUPS.items():
        g_number, g_core = split_number(squash(text))
        if number and number == g_number and g_core.startswith(core[:2]):
            return group
        if similarity(core, g_core) >= 0.75 and (not number or not g_number or number == g_number):
            return group
    return None


def _match_t3_row(label: str, parent: str | None) -> tuple[Table3Row | None, float]:
    number, core = split_number(label)
    core = core or label
    best: tuple[Table3Row | None, float] = (None, 0.0)
    for row in _T3_ORDER:
        r_number, r_core = split_number(squash(row.label))
        score = max(similarity(core, r_core), similarity(PAREN_NOTE.sub("", core), PAREN_NOTE.sub("", r_core)))
        if number and r_number:
            score += 0.2 if number == r_number else -0.3
        if parent is not None and row.parent not in (None, "r3_results"):
            score += 0.15 if row.parent == parent else -0.2
        if score > best[1]:
            best = (row, score)
    return best if best[1] >= 0.6 else (None, best[1])


def _read_table3_row(reader: RowReader, labels: list[str], values: list[GridCell]) -> None:
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
    placed, candidates = place(reader, where, values, _t3_model(reader), columns, _t3_holds, defer=True)
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


def _t3_header(reader: RowReader, row: GridRow) -> None:
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


def _joined_fragment(reader: RowReader, cell: GridCell) -> tuple[str | None, GridCell]:
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


def _t3_text_order(reader: RowReader, row: GridRow) -> None:
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


def _is_t3_header(labels: list[str]) -> bool:
    joined = "".join(labels)
    return "勾稽" in joined or "申请人情况" in joined or "自然人" in labels or "商业企业" in labels


def _read_row(reader: RowReader, row: GridRow) -> None:
    """Route one row to the table it belongs to, by its labels and the table being read."""
    labels, values = split_label(row)
    joined = "".join(labels)
    title = BLOCK_TITLE.search(joined)
    if title:
        reader.state, reader.block = "table2", BLOCK_OF_ITEM.get(title.group(1))
        if "信息内容" not in joined:
            return
    if is_t2_header(reader, labels, values):
        reader.state = "table2"
        read_t2_header(reader, row)
        return
    header_line = reader.state == "table3" and reader.last_t3 < 0 and labels and blank(values)
    names_column = squash(joined) in _T3_HEADER_LABELS  # "其他" alone is a column, not row "3.其他"
    # A row's own label is its last: "三、本年度办理结果" before "（一）予以公开" names only the group.
    names_row = any(_match_t3_row(label, None)[0] is not None for label in (joined, labels[-1] if labels else ""))
    if _is_t3_header(labels) or (header_line and (names_column or not names_row)):
        # Before table 三's first data row, a line of labels alone that names no row is more of its header.
        reader.state = "table3"
        _t3_header(reader, row)
        return
    # Under 行政复议 / 行政诉讼 (state table4 already) a line of the five results is the template's own header.
    if reader.state != "table4" and is_t4_result_header(row):
        reader.state, reader.t4_by_rows = "table4", True
        read_t4_header(reader, row)
        return
    if reader.t4_by_rows and reader.state == "table4" and read_table4_group_row(reader, labels, values):
        return
    if is_t4_header(row, labels, values):
        reader.state = "table4"
        read_t4_header(reader, row)
        return
    if reader.state == "table4" and labels and blank(values):
        read_t4_header(reader, row)  # the result headers under 行政复议 / 行政诉讼
        return
    # Fifteen bare numbers can only be table 四's data row, even when its header was lost as plain text.
    wide = len(values) >= len(TABLE4_GROUP_IDS) * len(TABLE4_CELL_IDS) and "table4" not in reader.pages
    if (reader.state == "table4" or wide) and not labels and read_table4_row(reader, values):
        reader.state = None
        return
    if labels and reader.state in (None, "table2") and not blank(values):
        match = t2_block_for(joined, reader.block) if joined in T2_ROWS or len(joined) <= 12 else None
        if match is not None:
            reader.state, reader.block = "table2", match[0]
            reader.t2_rows.append((match[0], joined, row))
            return
    starts_table3 = labels and reader.state != "table4" and _match_t3_row(joined, None)[0] is not None
    if reader.state == "table3" or starts_table3:
        reader.state = "table3"
        _read_table3_row(reader, labels, values)


def _t3_numbers(reader: RowReader) -> dict[tuple[str, str], float]:
    out = {}
    for (table, _, row, column), cell in reader.cells.items():
        if table == "table3":
            out[(row, column)] = float(cell.value) if isinstance(cell.value, int | float) else 0.0
    return out


def _settle_t3(reader: RowReader) -> None:
    """Rows whose cells could stand under more than one column (a value printed across a boundary next to a
    blank), settled together: the combination of their alignments under which most of the table's column
    identities hold, when only one combination does. Otherwise geometry's best guess stays, with a warning."""
    deferred = reader.t3_deferred
    if not deferred:
        return
    combos = list(islice(product(*(candidates for _, candidates, _ in deferred)), MAX_COMBINATIONS + 1))
    base = {k: v for k, v in _t3_numbers(reader).items() if k[0] not in {row for row, _, _ in deferred}}
    scores = []
    for combo in combos[:MAX_COMBINATIONS]:
        trial = dict(base)
        for (row_id, _, _), option in zip(deferred, combo, strict=True):
            trial.update({(row_id, column): identity_value(p) for column, p in option.items()})
        scores.append(identities_holding(trial))
    best = max(scores)
    settled = len(combos) <= MAX_COMBINATIONS and scores.count(best) == 1
    chosen = combos[scores.index(best)] if settled else tuple(candidates[0] for _, candidates, _ in deferred)
    for (row_id, candidates, where), option in zip(deferred, chosen, strict=True):
        page = next((p.cell.page for p in option.values() if p.cell.page is not None), None)
        if not settled:
            reader.errors.append(
                ReportError(
                    "table_alignment_ambiguous",
                    f"{where}的数据单元格位置不能唯一确定列，按重叠最多的列读取：{reading_text(option)}",
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
                f"{where}的数据单元格有 {len(candidates)} 种对齐方式，按表三各列勾稽关系（{best} 项成立）读取：{reading_text(option)}",
                "warning",
                page,
            )
        )


def _table3_template(reader: RowReader) -> str | None:
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
    reader = RowReader()
    for row in rows:
        _read_row(reader, row)
    _settle_t3(reader)
    t3_template = _table3_template(reader)
    template = t3_template
    if reader.t2_rows:
        template = table2_template(reader, t3_template)
        finish_table2(reader, template)
    if template == "v2021" and reader.t3_single_other:
        reader.errors.append(
            ReportError("table3_legacy_other_row", "表三“（六）其他处理”沿用 2019 年试行格式的单行，未按 2021 年格式拆分为三项", "warning")
        )
    found = tuple(t for t in ("table2", "table3", "table4") if t in reader.pages)
    pages = tuple((t, tuple(sorted(reader.pages[t]))) for t in found)
    cells = sorted(reader.cells.values(), key=lambda c: _reading_order(c, template))
    return Tables(tuple(cells), found, pages, _unread_tables(reader, found)), template, tuple(reader.errors)


def _unread_tables(reader: RowReader, found: tuple[str, ...]) -> tuple[Unreadable, ...]:
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
