"""Words and rule matches for narrative text: jieba with our dictionary, cue phrases and number + unit expressions
found on its tokens."""

from __future__ import annotations

import itertools
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import jieba

from nlp.vocabulary import CUE_PHRASES, UNITS

USERDICT_VERSION = "v1"
jieba.setLogLevel(logging.WARNING)

# A cue just before a number: 受理申请21件, 满意率为99.25%, 共计38次.
_CUE_BEFORE = re.compile(r"([\u4e00-\u9fff“”《》]{1,12}?)(?:为|达|达到|共|共计|累计|约|近|超|超过)?$")


@dataclass(frozen=True)
class Quantity:
    """A number with its unit and the words that say what was counted, as a span of the text."""

    start: int
    end: int
    number: float
    unit: str
    cue: str


@lru_cache(maxsize=1)
def tokenizer() -> jieba.Tokenizer:
    """The pipeline's own jieba tokenizer with the versioned user dictionary (never the global one)."""
    tok = jieba.Tokenizer()
    path = resources.files("nlp") / "data" / f"userdict_{USERDICT_VERSION}.txt"
    with resources.as_file(path) as real:
        tok.load_userdict(str(real))
    return tok


def words(text: str) -> list[str]:
    """jieba words of a text (precise mode, HMM on for unknown words)."""
    return [w for w in tokenizer().lcut(text, HMM=True) if w]


def word_spans(text: str, offset: int = 0) -> list[tuple[int, int, str]]:
    """(start, end, word) for every jieba word, offsets into the text plus `offset`."""
    return [(offset + a, offset + b, w) for w, a, b in tokenizer().tokenize(text)]


_NUMBER = re.compile(r"\d+(?:[,，]\d{3})*(?:\.\d+)?")
_UNIT_AFTER = re.compile("|".join(re.escape(u) for u in UNITS))  # UNITS is longest first


def token_spans(text: str) -> list[tuple[int, int, str]]:
    """jieba words, re-cut so that a number ("3,940", "99.25") is one token and its unit ("%", "件") another.

    Whitespace stays as tokens of its own, so the tokens cover the text and their offsets are the text's.
    """
    cuts = {a for a, _, _ in word_spans(text)} | {len(text)}
    for m in _NUMBER.finditer(text):
        cuts -= set(range(m.start() + 1, m.end()))
        cuts |= {m.start(), m.end()}
        # jieba may glue a unit to the next word ("件行"); the unit is a token of its own.
        unit = _UNIT_AFTER.match(text, m.end())
        if unit:
            cuts -= set(range(unit.start() + 1, unit.end()))
            cuts.add(unit.end())
    ordered = sorted(cuts | {0})
    return [(a, b, text[a:b]) for a, b in itertools.pairwise(ordered) if b > a]


@lru_cache(maxsize=1)
def _cue_phrase_tokens() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(kind, phrase, its tokens) of every cue phrase, cut the way the text is."""
    return tuple((kind, phrase, tuple(w for _, _, w in token_spans(phrase)))
                 for kind, phrases in CUE_PHRASES.items() for phrase in phrases)


def cue_matches(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, phrase, kind) of every cue phrase, found as a run of whole tokens of the text.

    Whole tokens keep a cue from matching inside a longer word; phrases that jieba glues into a longer word
    ("不到位的") are still cues: those fall back to a character match."""
    spans = token_spans(text)
    tokens = [w for _, _, w in spans]
    out = []
    for kind, _, phrase_tokens in _cue_phrase_tokens():
        n = len(phrase_tokens)
        for i in range(len(tokens) - n + 1):
            if tuple(tokens[i : i + n]) == phrase_tokens:
                a, b = spans[i][0], spans[i + n - 1][1]
                out.append((a, b, text[a:b], kind))
    seen = {(a, b) for a, b, _, _ in out}
    for kind, phrase, _ in _cue_phrase_tokens():
        for m in re.finditer(re.escape(phrase), text):
            if not any(a <= m.start() and m.end() <= b for a, b in seen):
                out.append((m.start(), m.end(), phrase, kind))
                seen.add((m.start(), m.end()))
    return sorted(out)


_NUMBER_TOKEN = re.compile(r"^\d+(?:[,，]\d{3})*(?:\.\d+)?$")
_UNITS = frozenset(UNITS)


def number_units(text: str, offset: int = 0) -> list[tuple[int, int, float, str, str]]:
    """(start, end, number, unit, cue) of number + unit expressions such as 受理申请21件 or 满意率为99.25%.

    A number token, one optional whitespace token, then a unit token; `start`/`end` cover the number and unit
    (plus `offset`); `cue` is the run of Chinese words just before the number (受理申请, 满意率), cut at
    punctuation, so the evaluator can say what was counted.
    """
    spans = token_spans(text)
    out = []
    for i, (start, _, word) in enumerate(spans):
        if not _NUMBER_TOKEN.search(word):
            continue
        unit = i + 1
        if unit < len(spans) and spans[unit][2].isspace():
            unit += 1
        if unit >= len(spans) or spans[unit][2] not in _UNITS:
            continue
        end = spans[unit][1]
        before = re.split(r"[，。；：、,;:\s（）()\d.%％]", text[max(0, start - 14) : start])[-1]
        cue_m = _CUE_BEFORE.search(before)
        number = float(re.sub(r"[,，]", "", word))
        out.append((offset + start, offset + end, number, spans[unit][2], cue_m.group(1) if cue_m else ""))
    return out


def quantities(text: str, offset: int = 0) -> list[Quantity]:
    """`number_units` as Quantity records."""
    return [Quantity(*t) for t in number_units(text, offset)]
