"""Words, sentences and rule matches for narrative text: jieba with our dictionary, spaCy Docs on top."""

from __future__ import annotations

import itertools
import logging
import re
import sys
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import jieba

from nlp.sentences import sentence_spans
from nlp.vocabulary import CUE_PHRASES, UNITS

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

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


_SPACY_IMPORT = threading.Lock()


def import_spacy() -> None:
    """Import spaCy (with its Doc, Matcher and PhraseMatcher) without importing torch.

    We use spaCy only for Docs and rule matchers, which never touch a neural network, but spaCy's
    thinc imports torch when it can (about 2 s of a 3 s import). While spaCy loads, `torch` is
    marked absent in sys.modules, so thinc's optional-torch check (thinc.compat) takes its ImportError
    branch; the mark is removed at once, so a later `import torch` (the topic network) works as usual.
    If torch is already loaded, nothing is blocked and thinc simply sees it.
    """
    with _SPACY_IMPORT:
        if "spacy.matcher" in sys.modules:
            return
        blocked = "torch" not in sys.modules
        if blocked:
            sys.modules["torch"] = None  # type: ignore[assignment]  # import torch -> ImportError
        try:
            import spacy.lang.zh
            import spacy.matcher
            import spacy.tokens  # noqa: F401
        finally:
            if blocked and sys.modules.get("torch", 0) is None:
                del sys.modules["torch"]


@lru_cache(maxsize=1)
def blank_nlp() -> Language:
    """A blank Chinese spaCy pipeline; tokens always come from our jieba instance, not spaCy's."""
    import_spacy()
    import spacy

    return spacy.blank("zh")


_NUMBER = re.compile(r"\d+(?:[,，]\d{3})*(?:\.\d+)?")
_UNIT_AFTER = re.compile("|".join(re.escape(u) for u in UNITS))  # UNITS is longest first


def _token_spans(text: str) -> list[tuple[int, int, str]]:
    """jieba words, re-cut so that a number ("3,940", "99.25") is one token and its unit ("%", "件") another.

    Whitespace stays as tokens of its own, so the Doc's text and character offsets are the text's.
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


def to_doc(text: str) -> Doc:
    """A spaCy Doc of a text from our jieba words, with sentences set from our splitter."""
    nlp = blank_nlp()  # first: imports spaCy the torch-free way
    from spacy.tokens import Doc

    spans = _token_spans(text)
    doc = Doc(nlp.vocab, words=[w for _, _, w in spans], spaces=[False] * len(spans))
    starts = {a for a, _ in sentence_spans(text)}
    for token, (a, _, _) in zip(doc, spans, strict=True):
        token.is_sent_start = a in starts or token.i == 0
    return doc


@lru_cache(maxsize=1)
def _cue_matcher():  # -> spacy.matcher.PhraseMatcher
    import_spacy()
    from spacy.matcher import PhraseMatcher

    matcher = PhraseMatcher(blank_nlp().vocab)
    for kind, phrases in CUE_PHRASES.items():
        matcher.add(kind, [to_doc(p) for p in phrases])
    return matcher


def cue_matches(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, phrase, kind) of every cue phrase, found on jieba tokens with a spaCy PhraseMatcher."""
    doc = to_doc(text)
    out = []
    for match_id, s, e in _cue_matcher()(doc):
        span = doc[s:e]
        out.append((span.start_char, span.end_char, span.text, doc.vocab.strings[match_id]))
    # Phrases that jieba glues into a longer word ("不到位的") are still cues: fall back to characters.
    seen = {(a, b) for a, b, _, _ in out}
    for kind, phrases in CUE_PHRASES.items():
        for phrase in phrases:
            for m in re.finditer(re.escape(phrase), text):
                if not any(a <= m.start() and m.end() <= b for a, b in seen):
                    out.append((m.start(), m.end(), phrase, kind))
                    seen.add((m.start(), m.end()))
    return sorted(out)


@lru_cache(maxsize=1)
def _quantity_matcher():  # -> spacy.matcher.Matcher
    import_spacy()
    from spacy.matcher import Matcher

    matcher = Matcher(blank_nlp().vocab)
    number = {"TEXT": {"REGEX": r"^\d+(?:[,，]\d{3})*(?:\.\d+)?$"}}
    matcher.add("QUANTITY", [[number, {"IS_SPACE": True, "OP": "?"}, {"TEXT": {"IN": list(UNITS)}}]])
    return matcher


def number_units(text: str, offset: int = 0) -> list[tuple[int, int, float, str, str]]:
    """(start, end, number, unit, cue) of number + unit expressions such as 受理申请21件 or 满意率为99.25%.

    Found by a spaCy Matcher on our tokens; `start`/`end` cover the number and unit (plus `offset`);
    `cue` is the run of Chinese words just before the number (受理申请, 满意率), cut at punctuation,
    so the evaluator can say what was counted.
    """
    doc = to_doc(text)
    out = []
    for _, s, e in _quantity_matcher()(doc):
        number_tok, unit_tok = doc[s], doc[e - 1]
        start, end = number_tok.idx, unit_tok.idx + len(unit_tok.text)
        before = re.split(r"[，。；：、,;:\s（）()\d.%％]", text[max(0, start - 14) : start])[-1]
        cue_m = _CUE_BEFORE.search(before)
        number = float(re.sub(r"[,，]", "", number_tok.text))
        out.append((offset + start, offset + end, number, unit_tok.text, cue_m.group(1) if cue_m else ""))
    return out


def quantities(text: str, offset: int = 0) -> list[Quantity]:
    """`number_units` as Quantity records."""
    return [Quantity(*t) for t in number_units(text, offset)]
