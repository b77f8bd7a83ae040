"""Two years of the same body side by side: which sentences of the later report reuse earlier text, and which
stored reports belong to one body."""

from __future__ import annotations

import re
from dataclasses import dataclass

from eval.ranking import UNKNOWN
from nlp.structure.body import body_key

_NOISE = re.compile(r"[\s\d０-９，。；：、,.;:（）()“”\"'%％]+")
SHINGLE = 6


@dataclass(frozen=True)
class MarkedSentence:
    """A sentence and how much of it appears in the other report (0–1)."""

    text: str
    section: str | None
    reused: float

    @property
    def is_reused(self) -> bool:
        """Mostly copied: at least 60% of its character 6-grams appear in the other year."""
        return self.reused >= 0.6


def _shingles(text: str) -> set[str]:
    # Numbers change every year while the wording is copied; compare the wording only.
    core = _NOISE.sub("", text)
    if len(core) < SHINGLE:
        return {core} if core else set()
    return {core[i : i + SHINGLE] for i in range(len(core) - SHINGLE + 1)}


def mark_reuse(sentences: list[tuple[str, str | None]], other: list[tuple[str, str | None]]) -> list[MarkedSentence]:
    """Mark each (text, section) by the share of its wording found anywhere in `other`."""
    pool: set[str] = set()
    for text, _ in other:
        pool |= _shingles(text)
    out = []
    for text, section in sentences:
        grams = _shingles(text)
        share = len(grams & pool) / len(grams) if len(grams) >= 2 else 0.0
        out.append(MarkedSentence(text, section, round(share, 2)))
    return out


def reuse_ratio(marked: list[MarkedSentence]) -> float:
    """Share of characters in sentences marked as reused."""
    total = sum(len(m.text) for m in marked)
    return round(sum(len(m.text) for m in marked if m.is_reused) / total, 3) if total else 0.0


def stored_body_key(agency: str | None, province: str | None, city: str | None) -> str:
    """The body key of a stored report (the ranking's "unknown" place placeholder read as not known)."""
    return body_key(agency, *(None if name == UNKNOWN else name for name in (province, city)))


def name_tail(key: str) -> str:
    """The part of a body key every name form of the body ends with (for a LIKE pre-filter)."""
    return key.rsplit("/", 1)[-1]
