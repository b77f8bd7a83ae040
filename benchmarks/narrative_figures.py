"""Stated figures the narrative rules (T3-N1, T4-N1, T2-N1) find and match, on the corpus and the fixtures.

Run: .venv/bin/python benchmarks/narrative_figures.py [--corpus DIR] [--fixtures DIR] [--list]
Parses every report (nlp.pipeline.parse_file), evaluates it (eval.scoring.evaluate) and counts, per rule,
the stated figures found and how many agree with the table (passed), disagree (failed) or could not be
compared. --list prints each statement, so two runs (before/after a change) can be diffed line by line.
The section-五 counts of the quality rules (problems, measures) are printed too, as they use the same cues.
"""

from __future__ import annotations

import argparse
import os
from collections import Counter
from pathlib import Path

from eval.scoring import evaluate
from nlp.pipeline import parse_file

ROOT = Path(__file__).resolve().parents[1]
RULES = ("T3-N1", "T4-N1", "T2-N1")
QUALITY = ("Q-S5-PROBLEMS", "Q-S5-MEASURES")
REPORT_SUFFIXES = (".pdf", ".html", ".htm", ".docx", ".txt", ".md")


def corpus_reports(corpus: Path) -> list[Path]:
    """The real reports of the corpus (the official notices and the blank template are not reports)."""
    return sorted(p for sub in ("pdf", "html", "text") if (corpus / sub).exists()
                  for p in (corpus / sub).iterdir() if p.suffix in REPORT_SUFFIXES)


def fixture_reports(fixtures: Path) -> list[Path]:
    """Fixture reports that parse (the broken-file fixtures fail early and state nothing)."""
    return sorted(p for p in fixtures.iterdir() if p.suffix in REPORT_SUFFIXES)


def measure(paths: list[Path], listing: bool) -> tuple[Counter[tuple[str, str]], Counter[str]]:
    """Per (rule, outcome) counts of narrative findings, and the section-五 point counts."""
    counts: Counter[tuple[str, str]] = Counter()
    quality: Counter[str] = Counter()
    for path in paths:
        report = evaluate(parse_file(path))
        for finding in report.findings:
            if finding.rule in RULES:
                outcome = {True: "matched", False: "differs", None: "unavailable"}[finding.passed]
                counts[(finding.rule, outcome)] += 1
                if listing:
                    match = finding.evidence.get("match", {}).get("text", "")
                    print(f"  {path.name}\t{finding.rule}\t{outcome}\t{finding.evidence.get('stated')}\t{match}")
            elif finding.rule in QUALITY:
                quality[finding.rule] += int(finding.evidence.get("count", 0))
    return counts, quality


def show(title: str, counts: Counter[tuple[str, str]], quality: Counter[str]) -> None:
    print(f"{title}")
    print(f"  {'rule':<8}{'found':>7}{'matched':>9}{'differs':>9}{'unavailable':>13}")
    for rule in RULES:
        row = [counts[(rule, o)] for o in ("matched", "differs", "unavailable")]
        print(f"  {rule:<8}{sum(row):>7}{row[0]:>9}{row[1]:>9}{row[2]:>13}")
    print("  " + ", ".join(f"{rule} points {quality[rule]}" for rule in QUALITY))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_corpus = Path(os.environ.get("NIANBAO_CORPUS", ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--corpus", type=Path, default=default_corpus)
    parser.add_argument("--fixtures", type=Path, default=ROOT / "tests" / "fixtures" / "reports")
    parser.add_argument("--list", action="store_true", help="print every stated figure")
    args = parser.parse_args()
    for title, paths in (("corpus", corpus_reports(args.corpus)), ("fixtures", fixture_reports(args.fixtures))):
        if not paths:
            print(f"{title}: no reports found")
            continue
        counts, quality = measure(paths, args.list)
        show(f"{title} ({len(paths)} reports)", counts, quality)


if __name__ == "__main__":
    main()
