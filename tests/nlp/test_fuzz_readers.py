"""Fuzzing the readers (small and deterministic): mutated PDF metadata and structure, HTML, DOCX and text
never make `parse_bytes` raise, and never fail through a bug of ours."""

from __future__ import annotations

import io
import random
import zipfile

import pikepdf
import pytest

from nlp.pipeline import parse_bytes
from nlp.report import INTERNAL_ERROR, Report
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


def test_docx_with_damaged_compressed_data_is_unreadable_not_internal() -> None:
    # Found by benchmarks/fuzz_readers.py: zlib's own error escaped python-docx as a bug of ours.
    data = bytearray((FIXTURES / "v2021-complete.docx").read_bytes())
    info = next(i for i in zipfile.ZipFile(io.BytesIO(bytes(data))).infolist() if i.filename == "word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 200, start + 260):
        data[offset] ^= 0x5A
    report = parse_bytes(bytes(data), "damaged.docx")
    assert [e.code for e in report.errors] == ["unreadable"]


@pytest.mark.parametrize("box", [[0], [0, 0, 600], []], ids=["one", "three", "empty"])
def test_pdf_with_a_short_media_box_is_unreadable_not_internal(box: list[int]) -> None:
    # Found by benchmarks/fuzz_readers.py: pdfplumber indexes the box without checking its length.
    pdf = pikepdf.open(io.BytesIO(plain_pdf()))
    pdf.pages[0].obj.MediaBox = pikepdf.Array(box)
    out = io.BytesIO()
    pdf.save(out)
    report = parse_bytes(out.getvalue(), "box.pdf")
    assert [e.code for e in report.errors] == ["unreadable"]
