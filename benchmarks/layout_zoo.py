"""Cell accuracy of the table reader on the layout zoo, per variation and format.

Run: .venv/bin/python benchmarks/layout_zoo.py [--write DIR]
A cell counts as right when the parsed value equals the truth (a cell the reader did not find is wrong).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlp.pipeline import parse_bytes
from tests.fixtures.reportgen.zoo import FORMATS, VARIATIONS, file_name, make_case, render


def accuracy(found: dict, truth: dict) -> tuple[int, int]:
    """(right, total) over every truth cell of tables 二, 三 and 四."""
    right = total = 0
    for table, rows in truth.items():
        for row, cells in _flat(rows):
            for column, value in cells.items():
                total += 1
                parsed = _flat_lookup(found.get(table, {}), row)
                right += column in parsed and parsed[column] == value
    return right, total


def _flat(rows: dict) -> list[tuple[tuple[str, ...], dict]]:
    """Table 二 nests rows in blocks: ((block, row), cells); tables 三 and 四: ((row,), cells)."""
    out = []
    for key, value in rows.items():
        if value and all(isinstance(v, dict) for v in value.values()):
            out += [((key, row), cells) for row, cells in value.items()]
        else:
            out.append(((key,), value))
    return out


def _flat_lookup(found: dict, path: tuple[str, ...]) -> dict:
    for key in path:
        found = found.get(key, {})
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="also write every zoo document into this folder")
    args = parser.parse_args()
    print(f"{'variation':<28}" + "".join(f"{fmt:>8}" for fmt in FORMATS))
    sums = dict.fromkeys(FORMATS, (0, 0))
    for variation in VARIATIONS:
        case = make_case(variation)
        line = f"{variation.name:<28}"
        for fmt in FORMATS:
            data = render(case, fmt)
            name = file_name(variation, fmt)
            if args.write:
                args.write.mkdir(parents=True, exist_ok=True)
                (args.write / name).write_bytes(data)
            right, total = accuracy(parse_bytes(data, name).tables.to_contract(), case.truth())
            sums[fmt] = (sums[fmt][0] + right, sums[fmt][1] + total)
            line += f"{right / total:>8.1%}"
        print(line)
    print(f"{'all':<28}" + "".join(f"{r / t:>8.1%}" for r, t in sums.values()))


if __name__ == "__main__":
    main()
