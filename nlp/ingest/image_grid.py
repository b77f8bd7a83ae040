"""Ruled tables on a page image: ruling lines by morphology, cells from the line grid (merged cells kept whole)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from nlp.ingest.ocr_page import Rect

_TOLERANCE = 4  # pixels: lines this close are one line; a cell edge this near a line lies on it
_COVERED = 0.6  # share of a cell edge a ruling line must cover to close the cell there
_MIN_TABLE_ROWS = 2
_FAINT_CONTRAST = 15  # grey levels a light rule lies below the paper around it
_RULE_CONTRAST = 7  # grey levels: thin rules of a light print; characters' strokes it catches are told apart later
_FAINT_SHARE = 0.85  # share of a cell edge that must be that dark


@dataclass(frozen=True)
class Line:
    """A ruling line: its position across and the intervals it covers along."""

    at: int
    spans: tuple[tuple[int, int], ...]

    def covers(self, start: int, end: int) -> float:
        """Share of [start, end) this line covers."""
        if end <= start:
            return 0.0
        covered = sum(max(0, min(end, b) - max(start, a)) for a, b in self.spans)
        return covered / (end - start)


@dataclass(frozen=True)
class Grid:
    """One ruled table: its rows of cell rectangles (a merged cell in the row where it starts) and its lines."""

    area: Rect
    rows: tuple[tuple[Rect, ...], ...]
    verticals: tuple[Line, ...]


def ink(gray: np.ndarray, contrast: int = 15) -> np.ndarray:
    """Marks at least `contrast` grey levels darker than their surroundings, as a 0/255 mask (which evens out a
    photographed page's light). Lower, noise joins characters' strokes to the rules around them; a light rule
    lost here is looked for on the image itself (`_faint_line`)."""
    import cv2

    block = max(15, (min(gray.shape) // 40) | 1)
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, contrast)


def _faint_line(gray: np.ndarray, y: int, x0: int, x1: int) -> bool:
    """Whether a horizontal rule the mask lost (too light in a photographed page) is printed at y between x0
    and x1: smoothed along the line, the darkest of the rows around y stands clearly below the paper nearly
    everywhere. Noise and JPEG blocks do not stay dark along a whole cell edge; a rule does."""
    import cv2

    h = gray.shape[0]
    x0, x1 = x0 + 2 * _TOLERANCE, x1 - 2 * _TOLERANCE
    if x1 - x0 < 8 or y - 12 < 0 or y + 12 > h:
        return False
    strip = cv2.blur(gray[y - 12:y + 12, x0:x1], (9, 1)).astype(np.float32)
    darkest = strip[12 - _TOLERANCE:12 + _TOLERANCE + 1].min(axis=0)
    paper = float(np.median(strip))  # the strip is mostly paper, even with the rows' text in it
    return float(np.mean(darkest < paper - _FAINT_CONTRAST)) >= _FAINT_SHARE


def _segments(mask: np.ndarray, horizontal: bool) -> list[tuple[int, int, int]]:
    """Straight strokes of the mask as (position across, start, end along)."""
    import cv2

    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for x, y, w, h, _area in stats[1:count]:
        if horizontal:
            out.append((int(y + h // 2), int(x), int(x + w)))
        else:
            out.append((int(x + w // 2), int(y), int(y + h)))
    return out


def _merge(segments: list[tuple[int, int, int]]) -> list[Line]:
    """Segments at (nearly) the same position joined into one line each."""
    lines: list[tuple[list[int], list[tuple[int, int]]]] = []
    for at, start, end in sorted(segments):
        if lines and at - lines[-1][0][-1] <= _TOLERANCE:
            lines[-1][0].append(at)
            lines[-1][1].append((start - _TOLERANCE, end + _TOLERANCE))
        else:
            lines.append(([at], [(start - _TOLERANCE, end + _TOLERANCE)]))
    return [Line(int(np.median(ats)), tuple(sorted(spans))) for ats, spans in lines]


def ruling_lines(mask: np.ndarray, dpi: float) -> tuple[list[Line], list[Line]]:
    """Horizontal and vertical ruling lines: strokes longer than a character is wide (an opening keeps only
    them), vertical ones a little shorter since a table row can be barely taller than its text."""
    import cv2

    char = max(8, int(dpi * 0.16))  # about a 10.5 pt character at this resolution
    horizontal = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (3 * char, 1)))
    vertical = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, char)))
    return _merge(_segments(horizontal, True)), _merge(_segments(vertical, False))


def _ruled(line: Line, horizontals: list[Line]) -> Line | None:
    """The vertical line's segments that meet or cross two horizontal lines or more: ruling, not a character's
    stroke (which can stand on one rule). A table cut by the page edge has rules that end in the margin."""
    def meets(start: int, end: int) -> int:
        return sum(1 for h in horizontals
                   if start - _TOLERANCE <= h.at <= end + _TOLERANCE
                   and h.covers(line.at - _TOLERANCE, line.at + _TOLERANCE) > 0)

    spans = tuple(s for s in line.spans if meets(*s) >= 2)
    return Line(line.at, spans) if spans else None


def _page_edges(verticals: list[Line], horizontals: list[Line]) -> list[Line]:
    """Rules a table continued on the next (or from the previous) page lacks: where three vertical lines or
    more end together away from any horizontal line, the page cut the table there."""
    out = []
    for end in (0, 1):
        loose = sorted(
            (s[end] + (_TOLERANCE if end == 0 else -_TOLERANCE), v.at) for v in verticals for s in v.spans
            if not any(abs(h.at - (s[end] + (_TOLERANCE if end == 0 else -_TOLERANCE))) <= 2 * _TOLERANCE
                       and h.covers(v.at - _TOLERANCE, v.at + _TOLERANCE) > 0 for h in horizontals)
        )
        while loose:
            at = loose[0][0]
            group = [item for item in loose if abs(item[0] - at) <= 2 * _TOLERANCE]
            loose = [item for item in loose if abs(item[0] - at) > 2 * _TOLERANCE]
            if len(group) >= 3:
                xs = [x for _, x in group]
                out.append(Line(int(np.median([y for y, _ in group])), ((min(xs) - _TOLERANCE, max(xs) + _TOLERANCE),)))
    return out


def _not_through_text(line: Line, horizontals: list[Line], text: list[Rect]) -> Line | None:
    """The line without its one-row segments that run through a detected text box: a large character's
    vertical stroke (十 in a centred 第二十条 title) can touch both rules of its row once scanned; a real rule
    between two cells never runs through a text box's middle."""
    def stroke(start: int, end: int) -> bool:
        one_row = not any(start + 2 * _TOLERANCE < h.at < end - 2 * _TOLERANCE for h in horizontals)
        return one_row and any(
            r[0] + 2 < line.at < r[2] - 2 and start <= (r[1] + r[3]) / 2 <= end for r in text
        )

    spans = tuple(s for s in line.spans if not stroke(*s))
    return Line(line.at, spans) if spans else None


def grids(gray: np.ndarray, dpi: float, text: list[Rect] | None = None) -> list[Grid]:
    """The page's ruled tables, top to bottom; `text` are the page's detected text boxes."""
    horizontals, verticals = ruling_lines(ink(gray, _RULE_CONTRAST), dpi)
    verticals = [r for v in verticals if (r := _ruled(v, horizontals)) is not None]
    verticals = [r for v in verticals if (r := _not_through_text(v, horizontals, text or [])) is not None]
    horizontals = sorted(horizontals + _page_edges(verticals, horizontals), key=lambda h: h.at)
    out: list[Grid] = []
    for group in _tables(horizontals, verticals):
        grid = _cells(gray, *group)
        if grid is not None:
            out.append(grid)
    return out


def _tables(horizontals: list[Line], verticals: list[Line]) -> list[tuple[list[Line], list[Line]]]:
    """Horizontal lines grouped into tables: consecutive lines joined by a vertical line that spans them both."""
    groups: list[tuple[list[Line], list[Line]]] = []
    for h in horizontals:
        joined = []
        if groups:
            above = groups[-1][0][-1]
            joined = [v for v in verticals if v.covers(above.at + _TOLERANCE, h.at - _TOLERANCE) >= _COVERED]
        if joined:
            groups[-1][0].append(h)
        else:
            groups.append(([h], []))
    tables = []
    for hs, _ in groups:
        if len(hs) < _MIN_TABLE_ROWS + 1:
            continue
        top, bottom = hs[0].at, hs[-1].at
        vs = [v for v in verticals if v.covers(top, bottom) > 0]
        tables.append((hs, vs))
    return tables


def _cells(gray: np.ndarray, horizontals: list[Line], verticals: list[Line]) -> Grid | None:
    """Rows of cells between the lines. A cell runs from its top line down to the next line that covers its
    width, so a cell merged over rows is one cell; a band whose top line is missing above a cell continues it."""
    rows: list[tuple[Rect, ...]] = []

    def closes(line: Line, x0: int, x1: int) -> bool:
        return line.covers(x0 + _TOLERANCE, x1 - _TOLERANCE) >= _COVERED or _faint_line(gray, line.at, x0, x1)

    for i, (top, bottom) in enumerate(itertools.pairwise(horizontals)):
        xs = sorted(v.at for v in verticals if v.covers(top.at + _TOLERANCE, bottom.at - _TOLERANCE) >= _COVERED)
        row = []
        for x0, x1 in itertools.pairwise(xs):
            if x1 - x0 <= 2 * _TOLERANCE or not closes(top, x0, x1):
                continue  # the band continues a cell that started higher up
            end = next((h.at for h in horizontals[i + 1:] if closes(h, x0, x1)), bottom.at)
            row.append((x0, top.at, x1, end))
        if row:
            rows.append(tuple(row))
    if len(rows) < _MIN_TABLE_ROWS:
        return None
    area = (min(r[0] for row in rows for r in row), horizontals[0].at,
            max(r[2] for row in rows for r in row), horizontals[-1].at)
    return Grid(area, tuple(rows), tuple(verticals))
