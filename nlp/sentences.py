"""Split narrative sections into sentences: on 。！？； and on enumerations (一是…二是…, 1. 2.)."""

from __future__ import annotations

import re
from dataclasses import replace

from nlp.report import Report, Sentence
from nlp.vocabulary import ENUMERATION_IS, NUMERALS

# Closing quotes/brackets stay with the sentence they close.
_END = re.compile(r"[。！？；!?;]+[”’」』）)]*")
# An enumeration item starts a new sentence only after a clause break, so "第一是" or
# "99.25" inside a clause never splits: 一是/二是, 1. 2. 1、 (1) （1） ①.
_ENUM = re.compile(
    rf"(?<=[，,：:、])\s*(?=(?:{ENUMERATION_IS}|其[{NUMERALS}][，,是]"
    rf"|[1-9][0-9]?[.．、](?![0-9])|[（(][1-9{NUMERALS}][)）]|[①-⑳]))"
)


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of a piece of text, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    for line_match in re.finditer(r"[^\n]+", text):
        line, base = line_match.group(), line_match.start()
        cuts = {m.end() for m in _END.finditer(line)} | {m.start() for m in _ENUM.finditer(line)} | {len(line)}
        start = 0
        for cut in sorted(cuts):
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
