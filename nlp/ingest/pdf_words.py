"""Borderless PDF tables: lines of words set apart by wide gaps become rows of cells with their x extents."""

from __future__ import annotations

import itertools
import re
from typing import Any

from nlp.ingest.extracted import GridCell, GridRow
from nlp.report import BBox

# Words of one table line stand at least this many character heights apart; justified prose never does.
_MIN_GAP = 1.5
_SAME_LINE = 2.0  # points between the tops of words printed on one line
_MAX_CELL = 14  # characters: a value or column header; only a row's first word (its label) may be longer
_HEADER_GAP = 0.3  # character heights between header words: wider than a space in running text
_VALUE = re.compile(r"^(?:[+-]?\d[\d,.]*|[/／—–-]+)$")  # a number or a not-applicable mark
_NEAR = 4.0  # character heights between the tops of neighbouring table lines
_WRAPPED_ROW = 6.0  # character heights a row with a label wrapped over three lines may take


def _lines(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    lines: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and abs(word["top"] - lines[-1][0]["top"]) <= _SAME_LINE:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _gaps(line: list[dict[str, Any]]) -> list[float]:
    return [b["x0"] - a["x1"] for a, b in itertools.pairwise(line)]


def _height(line: list[dict[str, Any]]) -> float:
    return max(w["bottom"] - w["top"] for w in line)


def _is_table_line(line: list[dict[str, Any]]) -> bool:
    """Two or more words, each pair apart by a gap no prose line leaves, with a value among them and only
    short cells after the first value (a row label before it may be long)."""
    first_value = next((i for i, w in enumerate(line) if _VALUE.match(w["text"])), None)
    if len(line) < 2 or first_value is None or any(len(w["text"]) > _MAX_CELL for w in line[first_value:]):
        return False
    return min(_gaps(line)) >= _MIN_GAP * _height(line)


def _may_join(line: list[dict[str, Any]]) -> bool:
    """A line of short separate words (a column header whose labels nearly touch) that belongs to the table
    when it stands right above or below a table line."""
    return (
        len(line) >= 2
        and all(len(w["text"]) <= _MAX_CELL and not w["text"].endswith(("。", "，", "；")) for w in line)
        and min(_gaps(line)) >= _HEADER_GAP * _height(line)
    )


def _table_lines(lines: list[list[dict[str, Any]]]) -> list[bool]:
    """Which lines are table lines: the clear ones, and the headers next to them (spreading outwards)."""
    chosen = [_is_table_line(line) for line in lines]
    changed = True
    while changed:
        changed = False
        for i, line in enumerate(lines):
            if chosen[i] or not _may_join(line):
                continue
            near = [j for j, c in enumerate(chosen) if c]
            if any(abs(lines[j][0]["top"] - line[0]["top"]) <= _NEAR * _height(line) for j in near):
                chosen[i] = changed = True
    # A line between two table lines that lie close together is part of the table too: a row label on
    # a line of its own, or a wrapped label's second line.
    tops = [line[0]["top"] for line in lines]
    picked = [i for i, c in enumerate(chosen) if c]
    for a, b in itertools.pairwise(picked):
        if b - a > 1 and tops[b] - tops[a] <= _WRAPPED_ROW * _height(lines[a]):
            for i in range(a + 1, b):
                chosen[i] = True
    return chosen


def _outside(word: dict[str, Any], areas: list[BBox]) -> bool:
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return not any(a[0] - 1 <= cx <= a[2] + 1 and a[1] - 1 <= cy <= a[3] + 1 for a in areas)


def word_rows(page: Any, page_no: int, skip: list[BBox]) -> tuple[list[GridRow], list[BBox]]:
    """The page's borderless table lines outside the ruled tables in `skip`, as rows of word cells whose
    `span` is the word's x extent, and the areas they cover (so the text reader leaves them out)."""
    rows: list[GridRow] = []
    areas: list[BBox] = []
    lines = _lines([w for w in page.extract_words() if _outside(w, skip)])
    for line, is_table in zip(lines, _table_lines(lines), strict=True):
        if not is_table:
            continue
        boxes = [(round(w["x0"], 1), round(w["top"], 1), round(w["x1"], 1), round(w["bottom"], 1)) for w in line]
        rows.append(tuple(GridCell(w["text"], page_no, box, span=(box[0], box[2])) for w, box in zip(line, boxes, strict=True)))
        areas.append((boxes[0][0], min(b[1] for b in boxes), boxes[-1][2], max(b[3] for b in boxes)))
    return rows, areas
