"""A longer fuzz run of the readers: mutated PDF/HTML/DOCX/text through `parse_bytes`, with outcomes.

Run: .venv/bin/python benchmarks/fuzz_readers.py [--count 400] [--seed 0]
Prints inputs per second, outcomes by status and error code, the slowest inputs, and every exception or
internal_error (a bug of ours) with the seed that reproduces it.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the mutations are test tooling (tests/nlp/mutations.py), not installed

from nlp.pipeline import parse_bytes  # noqa: E402
from nlp.report import INTERNAL_ERROR  # noqa: E402
from tests.nlp.mutations import MUTATORS, plain_pdf  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "reports"


def bases() -> dict[str, list[bytes]]:
    """The inputs mutated: every complete fixture of each format, and a PDF whose only title is metadata."""
    found: dict[str, list[bytes]] = {kind: [] for kind in MUTATORS}
    for kind in MUTATORS:
        for path in sorted(FIXTURES.glob(f"*.{kind}")):
            if "complete" in path.name or "blanks" in path.name:
                found[kind].append(path.read_bytes())
    found["pdf"].append(plain_pdf())
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=400, help="inputs in all, spread over the formats")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    inputs = bases()
    kinds = list(MUTATORS)
    outcomes: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    slowest: list[tuple[float, str]] = []
    problems: list[str] = []
    started = time.perf_counter()
    for i in range(args.count):
        kind = kinds[i % len(kinds)]
        label = f"{kind}-{args.seed}-{i}"
        rng = random.Random(label)
        data = MUTATORS[kind](rng.choice(inputs[kind]), rng)
        t0 = time.perf_counter()
        try:
            report = parse_bytes(data, f"fuzz.{kind}")
        except Exception:  # the readers must never raise: print what did
            outcomes[f"{kind}:EXCEPTION"] += 1
            problems.append(f"{label}: {traceback.format_exc(limit=3)}")
            continue
        elapsed = time.perf_counter() - t0
        slowest = sorted([*slowest, (elapsed, label)], reverse=True)[:5]
        outcomes[f"{kind}:{report.status}"] += 1
        for error in report.errors:
            codes[error.code] += 1
            if error.code == INTERNAL_ERROR:
                problems.append(f"{label}: {error.message}")
    total = time.perf_counter() - started
    print(f"{args.count} inputs in {total:.1f} s: {args.count / total:.1f} inputs/second")
    print("outcomes by format and status:")
    for key, n in sorted(outcomes.items()):
        print(f"  {key:24} {n}")
    print("error codes (every error on every report):")
    for code, n in codes.most_common():
        print(f"  {code:24} {n}")
    print("slowest:", ", ".join(f"{label} {seconds:.2f} s" for seconds, label in slowest))
    print(f"exceptions and internal errors: {len(problems)}")
    for problem in problems:
        print(" ", problem)


if __name__ == "__main__":
    main()
