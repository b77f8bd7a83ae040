"""Seconds per page and per report for `nianbao parse` against pdfplumber's bare extract_tables.

Run: .venv/bin/python benchmarks/parse_speed.py [--repeat 3] [PDF ...]
Both are timed in this process on one core, best of --repeat runs, on the same files.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path

import pdfplumber

from nlp.pipeline import parse_file

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIRS = (ROOT.parent / "shared" / "corpus" / "pdf", ROOT / "tests" / "fixtures" / "reports")


def bare_extract_tables(path: Path) -> int:
    """pdfplumber's own table extraction over every page: the peer we compare against."""
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()
        return len(pdf.pages)


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def _readable_pdf(path: Path) -> bool:
    report = parse_file(path)
    return report.status == "ok" and report.source.format == "pdf"


def default_pdfs() -> list[Path]:
    found = []
    for folder in DEFAULT_DIRS:
        if folder.exists():
            found += sorted(p for p in folder.glob("*.pdf") if _readable_pdf(p))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    pdfs = args.pdfs or default_pdfs()
    print(f"{'file':40} {'pages':>5} {'parse s':>8} {'plumber s':>9} {'ratio':>6} {'s/page':>7}")
    total_parse = total_plumber = total_pages = 0.0
    for path in pdfs:
        pages = bare_extract_tables(path)
        ours = best_of(args.repeat, lambda p=path: parse_file(p))
        peer = best_of(args.repeat, lambda p=path: bare_extract_tables(p))
        total_parse, total_plumber, total_pages = total_parse + ours, total_plumber + peer, total_pages + pages
        print(f"{path.name:40} {pages:5d} {ours:8.3f} {peer:9.3f} {ours / peer:6.2f} {ours / pages:7.3f}")
    if pdfs:
        print(
            f"{'all':40} {int(total_pages):5d} {total_parse:8.3f} {total_plumber:9.3f} "
            f"{total_parse / total_plumber:6.2f} {total_parse / total_pages:7.3f}"
        )
        print(f"per report: nianbao parse {total_parse / len(pdfs):.3f} s, pdfplumber extract_tables "
              f"{total_plumber / len(pdfs):.3f} s (one core, best of {args.repeat})")


if __name__ == "__main__":
    main()
