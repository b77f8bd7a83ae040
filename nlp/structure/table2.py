"""Table 二 (第二十条 items): its block titles and headers, and each row's cells under the header's columns."""

from __future__ import annotations

import re

from nlp.ingest.extracted import GridCell, GridRow
from nlp.normalize import squash
from nlp.report import ReportError
from nlp.schema import (
    TABLE2,
)
from nlp.structure.header import HeaderModel, widened
from nlp.structure.table_reader import (
    PAREN_NOTE,
    RowReader,
    blank,
    is_value,
    similarity,
    split_label,
)
from nlp.vocabulary import CN_NUMBER

BLOCK_TITLE = re.compile(rf"第[二2]十条第[（(]({CN_NUMBER})[）)]项")


_UNIT_IN_HEADER = re.compile(r"单位[:：]?(万元|元)")
T2_ROWS = {label for blocks in TABLE2.values() for b in blocks for label in b.rows}


def read_t2_header(reader: RowReader, row: GridRow) -> None:
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
                    s = similarity(PAREN_NOTE.sub("", text), PAREN_NOTE.sub("", squash(column)))
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


def t2_block_for(label: str, current: str | None) -> tuple[str, str] | None:
    """(block id, matched row label) for a table 二 row label, preferring the current block."""
    candidates = []
    for blocks in TABLE2.values():
        for spec in blocks:
            for row in spec.rows:
                score = similarity(label, row) + (0.1 if spec.id == current else 0)
                candidates.append((score, spec.id, row))
    score, block, row = max(candidates)
    return (block, row) if score >= 0.75 else None


def finish_table2(reader: RowReader, template: str) -> None:
    specs = {spec.id: spec for spec in TABLE2[template]}
    for block_id, label, row in reader.t2_rows:
        values = split_label(row)[1]
        spec = specs.get(block_id)
        if spec is None:
            reader.errors.append(
                ReportError("table2_block_unexpected", f"表二出现模板 {template} 之外的项目：{label}", "warning", values[0].page if values else None)
            )
            continue
        row_label = max(spec.rows, key=lambda r: similarity(label, r))
        header = reader.headers.get(block_id, {})
        columns: list[tuple[str, GridCell, str | None]] = []
        by_header = bool(header)
        spans = reader.t2_spans.get(block_id, {})
        if header:
            named: list[tuple[str, int, str | None]] = []
            for index, text in sorted(header.items()):
                column = max(spec.columns, key=lambda c: similarity(PAREN_NOTE.sub("", text), PAREN_NOTE.sub("", squash(c))))
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
            start = next(i for i, c in enumerate(values) if not c.text.strip() or is_value(squash(c.text)))
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


def table2_template(reader: RowReader, t3_template: str | None) -> str:
    if reader.votes["v2021"] != reader.votes["v2019"]:
        return max(reader.votes, key=lambda k: reader.votes[k])
    blocks = {b for b, _, _ in reader.t2_rows}
    if "art20_9" in blocks:
        return "v2019"
    return t3_template or "v2021"


BLOCK_OF_ITEM = {"一": "art20_1", "五": "art20_5", "六": "art20_6", "八": "art20_8", "九": "art20_9"}
_T2_COLUMN_LABELS = tuple({squash(c) for blocks in TABLE2.values() for spec in blocks for c in spec.columns})


def is_t2_header(reader: RowReader, labels: list[str], values: list[GridCell]) -> bool:
    """A 信息内容 header row, or a header cut off by a page break that only names table 二 columns."""
    if "信息内容" in "".join(labels):
        return True
    return (
        reader.state == "table2"
        and bool(labels)
        and blank(values)
        and any(similarity(label, column) >= 0.6 for label in labels for column in _T2_COLUMN_LABELS)
    )
