"""A table's header model: its columns' horizontal extents, and the ways a row's value cells fit under them."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations, pairwise, product

from nlp.ingest.extracted import GridCell, source_cells

# A value cell lies under one column when at least this share of it (or of the column) overlaps that column;
# below it the cell straddles a boundary and every column it touches is a candidate.
_CLEAR_OVERLAP = 0.6
_MAX_ALIGNMENTS = 256  # enough for a row with three straddling cells; more is not a layout but noise


@dataclass(frozen=True)
class Placed:
    """A value cell put under a column, how, and how sure the reader is."""

    cell: GridCell
    placement: str  # header_span | geometry | arithmetic_choice | template_order
    confidence: float


Alignment = dict[str, Placed]


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def _share(cell: tuple[float, float], column: tuple[float, float]) -> float:
    """How much of the narrower of the two the overlap covers (a wide merged cell over one column is clear)."""
    width = min(cell[1] - cell[0], column[1] - column[0])
    return _overlap(cell, column) / width if width > 0 else 0.0


def widened(spans: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Header extents grown to meet halfway across the gaps between them: a borderless header's words are
    narrower than their columns, and a value printed off-centre still falls under its own header. Extents
    that already tile the row (ruled cells, grid columns) are unchanged."""
    order = sorted(spans, key=lambda c: spans[c])
    bounds = {c: list(spans[c]) for c in order}
    for left, right in pairwise(order):
        gap = spans[right][0] - spans[left][1]
        if gap > 0:
            bounds[left][1] += gap / 2
            bounds[right][0] -= gap / 2
    if len(order) > 1:
        bounds[order[0]][0] -= max(0.0, spans[order[1]][0] - spans[order[0]][1]) / 2
        bounds[order[-1]][1] += max(0.0, spans[order[-1]][0] - spans[order[-2]][1]) / 2
    return {c: (b[0], b[1]) for c, b in bounds.items()}


@dataclass(frozen=True)
class HeaderModel:
    """Column id -> [start, end) in the table's own unit (grid columns or PDF points)."""

    columns: dict[str, tuple[float, float]]

    def alignments(self, values: list[GridCell]) -> tuple[list[Alignment], list[GridCell]] | None:
        """Every injective assignment of the row's filled cells to columns that their extents allow, best
        overlap first, plus the filled cells that lie under no column; None when a filled cell has no extent
        (the reader had no geometry for it)."""
        cells = source_cells(values)
        filled = [c for c in cells if c.text.strip()]
        if any(c.span is None for c in filled):
            return None
        candidates: list[list[tuple[str, float]]] = []
        outside: list[GridCell] = []
        placed_filled: list[GridCell] = []
        for cell in filled:
            assert cell.span is not None
            shares = sorted(
                ((column, _share(cell.span, extent)) for column, extent in self.columns.items()),
                key=lambda item: -item[1],
            )
            shares = [(column, share) for column, share in shares if share > 0]
            if not shares:
                outside.append(cell)
                continue
            if shares[0][1] >= _CLEAR_OVERLAP:
                shares = shares[:1]
            candidates.append(shares)
            placed_filled.append(cell)
        placement = "geometry" if any(c.origin is None for c in placed_filled) else "header_span"
        options: list[Alignment] = []
        for combo in product(*candidates):
            if len(options) >= _MAX_ALIGNMENTS:
                break
            columns = [column for column, _ in combo]
            if len(set(columns)) != len(columns):
                continue
            options.append(
                {column: Placed(cell, placement, round(min(share, 1.0), 2)) for (column, share), cell in zip(combo, placed_filled, strict=True)}
            )
        options.sort(key=lambda a: -sum(p.confidence for p in a.values()))
        # Blank cells with an extent fill the columns nobody else took: a blank there is a read blank.
        for cell in cells:
            if cell.text.strip() or cell.span is None:
                continue
            best = max(self.columns, key=lambda column: _share(cell.span, self.columns[column]))  # type: ignore[arg-type]
            if _share(cell.span, self.columns[best]) >= _CLEAR_OVERLAP:
                for option in options:
                    option.setdefault(best, Placed(cell, placement, 1.0))
        return options, outside


def ordered_alignments(values: list[GridCell], columns: tuple[str | None, ...]) -> list[Alignment]:
    """Without geometry, the cells in the header's order (None: an empty filler column the header shows).
    A row with more cells than columns loses empty padding at its ends, or else one or two of its empty
    cells; a row with fewer (a blank cell lost in copying) leaves columns out in every way that keeps the
    cells' order. Several ways come back for the row's arithmetic to choose among."""
    cells = source_cells(values)
    real = tuple(c for c in columns if c is not None)
    fillers_blank = all(not cell.text.strip() for cell, c in zip(cells, columns, strict=False) if c is None)
    if len(real) < len(columns) and len(cells) == len(columns) and fillers_blank:
        return [{c: Placed(cell, "template_order", 0.9) for c, cell in zip(columns, cells, strict=True) if c is not None}]
    n = len(real)
    if len(cells) > n:
        extra = len(cells) - n
        if not any(c.text.strip() for c in cells[n:]):
            return [_in_order(real, cells[:n], 0.9)]
        if not any(c.text.strip() for c in cells[:extra]):
            return [_in_order(real, cells[extra:], 0.9)]
        empty = [i for i, c in enumerate(cells) if not c.text.strip()]
        if extra > 2 or len(empty) < extra:
            return []
        return [
            _in_order(real, [c for i, c in enumerate(cells) if i not in dropped], 0.5)
            for dropped in map(set, combinations(empty, extra))
        ]
    if len(cells) == n:
        return [_in_order(real, cells, 0.9)]
    if not cells or n - len(cells) > 2:
        return []
    return [
        {column: Placed(cell, "template_order", 0.5) for column, cell in zip(chosen, cells, strict=True)}
        for chosen in combinations(real, len(cells))
    ]


def _in_order(columns: tuple[str, ...], cells: list[GridCell], confidence: float) -> Alignment:
    return {column: Placed(cell, "template_order", confidence) for column, cell in zip(columns, cells, strict=True)}
