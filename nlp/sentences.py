"""Split narrative sections into sentences: on 。！？； and on enumerations such as 一是…二是…"""

from __future__ import annotations

import re
from dataclasses import replace

from nlp.report import Report, Sentence

_END = re.compile(r"[。！？；!?;]+[”’」』）)]*")
_ENUM = re.compile(r"(?<=[，,：:])(?=[一二三四五六七八九十]是)")


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of a piece of text, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    for line_match in re.finditer(r"[^\n]+", text):
        line, base = line_match.group(), line_match.start()
        cuts = sorted({m.end() for m in _END.finditer(line)} | {m.start() for m in _ENUM.finditer(line)} | {len(line)})
        start = 0
        for cut in cuts:
            piece = line[start:cut]
            lead = len(piece) - len(piece.lstrip())
            if piece.strip():
                spans.append((offset + base + start + lead, offset + base + start + len(piece.rstrip())))
            start = cut
    return spans


def split_sentences(report: Report) -> Report:
    """Fill `sentences` with the sentences of every section (headings included as their own sentence)."""
    sentences = []
    for section in report.sections:
        for start, end in sentence_spans(report.text[section.start : section.end], section.start):
            sentences.append(Sentence(start, end, section.key))
    return replace(report, sentences=tuple(sentences))
