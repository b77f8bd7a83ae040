"""Table 四 (行政复议, 行政诉讼): its headers, and its fifteen cells whether printed as one row or a row per group."""

from __future__ import annotations

from itertools import pairwise

from nlp.ingest.extracted import GridCell, GridRow, source_cells
from nlp.normalize import squash
from nlp.report import Unreadable
from nlp.schema import (
    TABLE4_CELL_IDS,
    TABLE4_CELLS,
    TABLE4_GROUP_IDS,
    TABLE4_GROUPS,
)
from nlp.structure.header import Alignment, HeaderModel, widened
from nlp.structure.table_reader import (
    RowReader,
    blank,
    place,
    sums_hold,
)


def _t4_holds(alignment: Alignment) -> bool:
    """T4-R1..R3: each group's 总计 is the sum of its four results."""
    return all(
        sums_hold(alignment, tuple(f"{g}/{c}" for c in TABLE4_CELL_IDS[:-1]), f"{g}/total") for g in TABLE4_GROUP_IDS
    )


_T4_COLUMNS = tuple(f"{g}/{c}" for g in TABLE4_GROUP_IDS for c in TABLE4_CELL_IDS)
_T4_GROUP_LABELS = {squash(label): group for group, label in TABLE4_GROUPS}


_T4_CELL_LABELS = {squash(label): cell for cell, label in TABLE4_CELLS}


def read_t4_header(reader: RowReader, row: GridRow) -> None:
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


def _t4_model(reader: RowReader) -> HeaderModel | None:
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


def is_t4_result_header(row: GridRow) -> bool:
    """A header naming the five results once each and no group: table 四 printed one group per row."""
    texts = [squash(c.text) for c in source_cells(list(row)) if c.text.strip()]
    results = [t for t in texts if t in _T4_CELL_LABELS]
    groups = [t for t in texts if t in _T4_GROUP_LABELS or t == "行政诉讼"]
    return len(results) == len(set(results)) == len(TABLE4_CELL_IDS) and not groups


def _t4_group_of(joined: str) -> str | None:
    text = squash(joined)
    # The litigation groups first: "行政复议" is no part of their labels, but a label could carry both.
    return next((g for g, label in reversed(TABLE4_GROUPS) if squash(label) in text), None)


def read_table4_group_row(reader: RowReader, labels: list[str], values: list[GridCell]) -> bool:
    """One row of table 四 printed one group per row; a label on a line of its own waits for the numbers
    below it, and numbers without a label belong to the first group not yet read."""
    joined = "".join(labels)
    group = _t4_group_of(joined) if labels else None
    if labels and group is None:
        return squash(joined) == "行政诉讼"  # the label over the two litigation rows, alone on its line
    if blank(values):
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
    placed, _ = place(
        reader, f"表四“{name}”一行", values, model, reader.t4_row_order or TABLE4_CELL_IDS,
        lambda a: sums_hold(a, TABLE4_CELL_IDS[:-1], "total"),
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


def read_table4_row(reader: RowReader, values: list[GridCell]) -> bool:
    if blank(values):
        return False
    placed, _ = place(reader, "表四数据行", values, _t4_model(reader), reader.t4_text_order or _T4_COLUMNS, _t4_holds)
    if placed is None:
        return False
    for column in _T4_COLUMNS:
        if column in placed:
            group, cell = column.split("/")
            p = placed[column]
            reader.add("table4", None, group, cell, p.cell, placement=p.placement, confidence=p.confidence)
    return True


def is_t4_header(row: GridRow, labels: list[str], values: list[GridCell]) -> bool:
    joined = "".join(labels)
    return "行政复议" in joined and ("行政诉讼" in joined or len(row) >= 5) and blank(values)
