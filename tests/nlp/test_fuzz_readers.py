"""Fuzzing the readers (small and deterministic): mutated PDF metadata and structure, HTML, DOCX and text
never make `parse_bytes` raise, and never fail through a bug of ours."""

from __future__ import annotations

import random

import pytest

from nlp.pipeline import INTERNAL_ERROR, parse_bytes
from nlp.report import Report
from tests.conftest import FIXTURES
from tests.nlp.mutations import MUTATORS, plain_pdf

# 60 inputs: more PDFs, whose metadata and page trees have the most ways to be odd.
COUNTS = {"pdf": 24, "html": 12, "docx": 12, "txt": 12}
CASES = [(kind, seed) for kind, count in COUNTS.items() for seed in range(count)]


@pytest.mark.parametrize(("kind", "seed"), CASES, ids=[f"{k}-{s}" for k, s in CASES])
def test_mutated_input_gives_a_report_not_an_exception(kind: str, seed: int) -> None:
    # Every other PDF has no title in its text, so that its metadata title is the one read.
    base = plain_pdf() if kind == "pdf" and seed % 2 else (FIXTURES / f"v2021-complete.{kind}").read_bytes()
    data = MUTATORS[kind](base, random.Random(f"{kind}-{seed}"))
    report = parse_bytes(data, f"fuzz.{kind}")
    assert isinstance(report, Report)
    assert report.status in ("ok", "needs_review", "failed")
    assert INTERNAL_ERROR not in [e.code for e in report.errors], report.errors
