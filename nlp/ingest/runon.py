"""Text with no line breaks (copied from a web page): split the title and section headings out of it."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import pairwise

from nlp.ingest.extracted import Paragraph
from nlp.schema import SECTIONS, SectionSpec
from nlp.vocabulary import NUMERALS, REPORT_TITLE_WORDS

# A paragraph this long that holds several in-order section headings is a whole report run together.
_MIN_RUN_ON = 300
_MIN_HEADINGS = 3
# Text a heading must be followed by before the next one: a preamble that lists the six titles
# ("一、总体情况；二、主动公开…") is not an outline.
_MIN_BODY = 10
# How far into a heading the section's cue phrase may start ("政府信息公开行政复议…" puts it 6 characters in).
_CUE_WITHIN = 12
# Anywhere but after another numeral ("十一、"): a run-on copy glues headings to whatever came before them
# (the title, a table's last digits, a rule line); the cue and the in-order chain keep this safe.
_HEADING_AT = re.compile(rf"(?<![{NUMERALS}])([{NUMERALS[:6]}])、")
_SUBITEM_AT = re.compile(rf"(?<=[。；！？])[（(][{NUMERALS}]{{1,2}}[）)]")
_TITLE_TAIL = re.compile(r"[^。，,；：:\d（(]{0,10}?(?:情况|事项)")
_REPORT_TITLE = re.compile(rf"^.{{2,40}}?{REPORT_TITLE_WORDS}")


@dataclass(frozen=True)
class _Heading:
    start: int  # where the numeral is
    end: int  # where the heading's title ends and the section's text begins
    rank: int  # the section's place in the template, 0–5


def _title_end(text: str, after: int, spec: SectionSpec) -> int | None:
    """Where the heading title that starts at `after` ends, when it names `spec`'s section."""
    if text.startswith(spec.canonical, after):
        return after + len(spec.canonical)
    window = text[after : after + _CUE_WITHIN + max(len(c) for c in spec.cues)]
    cues = [(window.find(c), c) for c in spec.cues if 0 <= window.find(c) <= _CUE_WITHIN]
    if not cues:
        return None
    at, cue = min(cues, key=lambda found: (found[0], -len(found[1])))
    end = after + at + len(cue)
    tail = _TITLE_TAIL.match(text, end)
    return tail.end() if tail else end


def _headings(text: str) -> list[_Heading]:
    """Inline section headings, in template order, the longest such chain."""
    found = []
    for match in _HEADING_AT.finditer(text):
        rank = NUMERALS.index(match.group(1))
        end = _title_end(text, match.end(), SECTIONS[rank])
        if end is not None:
            found.append(_Heading(match.start(), end, rank))
    chains: list[list[_Heading]] = []
    for heading in found:
        best = max((c for c in chains if c[-1].rank < heading.rank and heading.start - c[-1].end >= _MIN_BODY),
                   key=len, default=[])
        chains.append([*best, heading])
    return max(chains, key=len, default=[])


def _pieces(text: str, cuts: list[int]) -> list[str]:
    bounds = [0, *cuts, len(text)]
    return [text[a:b].strip() for a, b in pairwise(bounds) if text[a:b].strip()]


def _split(paragraph: Paragraph) -> list[Paragraph]:
    text = paragraph.text
    headings = _headings(text)
    if len(headings) < _MIN_HEADINGS:
        return [paragraph]
    out: list[Paragraph] = []
    title = _REPORT_TITLE.match(text)
    if title and title.end() <= headings[0].start:
        out.append(replace(paragraph, text=title.group(0), heading=True))
        text_start = title.end()
    else:
        text_start = 0
    bounds = [*(h.start for h in headings), len(text)]
    if headings[0].start > text_start:
        out.append(replace(paragraph, text=text[text_start : headings[0].start].strip(), heading=False))
    for heading, next_start in zip(headings, bounds[1:], strict=False):
        out.append(replace(paragraph, text=text[heading.start : heading.end], heading=True, continues=False))
        body = text[heading.end : next_start]
        # Sub-items （一）（二）… inside a run-on section open their own paragraphs, as they would on a page.
        cuts = [m.start() for m in _SUBITEM_AT.finditer(body)]
        out.extend(replace(paragraph, text=piece, heading=False, continues=False) for piece in _pieces(body, cuts))
    return [p for p in out if p.text]


def split_run_on(paragraphs: tuple[Paragraph, ...]) -> tuple[Paragraph, ...]:
    """Paragraphs with any whole-report run-on paragraph split at its title, section headings and sub-items."""
    if not any(len(p.text) >= _MIN_RUN_ON for p in paragraphs):
        return paragraphs
    return tuple(piece for p in paragraphs for piece in (_split(p) if len(p.text) >= _MIN_RUN_ON else [p]))
