"""Borderless PDF tables: lines of words set apart by wide gaps become rows of cells with their x extents."""

from __future__ import annotations

import itertools
from typing import Any

from nlp.ingest.extracted import GridCell, GridRow
from nlp.report import BBox

# Words of one table line stand at least this many character heights apart; justified prose never does.
_MIN_GAP = 1.5
_SAME_LINE = 2.0  # points between the tops of words printed on one line
_MAX_CELL = 12  # characters: a value or column header; only a row's first word (its label) may be longer


def _lines(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    lines: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and abs(word["top"] - lines[-1][0]["top"]) <= _SAME_LINE:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _is_table_line(line: list[dict[str, Any]]) -> bool:
    """Two or more words, each pair apart by a gap no prose line leaves, all but the row label short."""
    if len(line) < 2 or any(len(w["text"]) > _MAX_CELL for w in line[1:]):
        return False
    height = max(w["bottom"] - w["top"] for w in line)
    return all(b["x0"] - a["x1"] >= _MIN_GAP * height for a, b in itertools.pairwise(line))


def _outside(word: dict[str, Any], areas: list[BBox]) -> bool:
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return not any(a[0] - 1 <= cx <= a[2] + 1 and a[1] - 1 <= cy <= a[3] + 1 for a in areas)


def word_rows(page: Any, page_no: int, skip: list[BBox]) -> tuple[list[GridRow], list[BBox]]:
    """The page's borderless table lines outside the ruled tables in `skip`, as rows of word cells whose
    `span` is the word's x extent, and the areas they cover (so the text reader leaves them out)."""
    rows: list[GridRow] = []
    areas: list[BBox] = []
    for line in _lines([w for w in page.extract_words() if _outside(w, skip)]):
        if not _is_table_line(line):
            continue
        boxes = [(round(w["x0"], 1), round(w["top"], 1), round(w["x1"], 1), round(w["bottom"], 1)) for w in line]
        rows.append(tuple(GridCell(w["text"], page_no, box, span=(box[0], box[2])) for w, box in zip(line, boxes, strict=True)))
        areas.append((boxes[0][0], min(b[1] for b in boxes), boxes[-1][2], max(b[3] for b in boxes)))
    return rows, areas
