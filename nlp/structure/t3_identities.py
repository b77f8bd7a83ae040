"""Table 三's column identities (format-spec §5 T3-R1, T3-R3), to choose among a row's possible alignments."""

from __future__ import annotations

from collections.abc import Mapping

from nlp.schema import TABLE3_COLUMN_IDS

_OUTSIDE_RESULTS = ("r1_new", "r2_carry_in", "r3_7_total", "r4_carry_out")


def _sum(values: Mapping[tuple[str, str], float], rows: list[str], column: str) -> float:
    return sum(values.get((row, column), 0.0) for row in rows)


def identities_holding(values: Mapping[tuple[str, str], float]) -> int:
    """How many per-column identities hold: 一+二 = 三（七）+四 (T3-R1) and （七）总计 = the sum of the result
    rows (T3-R3), over the seven columns. `values` maps (row, column) to a number, a blank counting 0."""
    rows = {row for row, _ in values}
    results = sorted(rows - set(_OUTSIDE_RESULTS))
    held = 0
    for column in TABLE3_COLUMN_IDS:
        total = values.get(("r3_7_total", column), 0.0)
        before = _sum(values, ["r1_new", "r2_carry_in"], column)
        after = total + values.get(("r4_carry_out", column), 0.0)
        held += abs(before - after) < 1e-6
        held += abs(_sum(values, results, column) - total) < 1e-6
    return held
