"""Whether a stored answer, given under some label set, still stands under the label set now in use."""

from __future__ import annotations

from typing import Literal

from nlp import vocabulary
from nlp.labels import RECHECK_NOTES, TOPIC_NAMES
from nlp.schema import SECTIONS

Standing = Literal["valid", "recheck", "void"]

# Labels a later set split off an older one, and where: v2's practice (the year's work done) was part of v1's
# measure in section 一, where reports tell what was done during the year. A v1 measure there may be either,
# so it is asked again, never mapped; a v1 measure elsewhere (五's improvements) keeps its meaning.
SPLITS: dict[str, tuple[str, frozenset[str]]] = {
    "practice": ("measure", frozenset(s.key for s in SECTIONS if s.numeral == "一")),
}


def current() -> tuple[int, tuple[str, ...]]:
    """The label-set version in use and its labels, read when asked (a new model flips them)."""
    return vocabulary.LABEL_SET_VERSION, tuple(vocabulary.LABELS)


def standing(label: str | None, label_set: int, section: str | None) -> Standing:
    """valid: the answer counts as given; recheck: the current set split its label here, so a person decides
    again; void: its label is not in the current set. An answer without a label (a skip) always stands."""
    version, labels = current()
    if label is None:
        return "valid"
    if label not in labels:
        return "void"
    if label_set == version:
        return "valid"
    older = vocabulary.LABEL_SETS.get(label_set, ())
    for new, (source, sections) in SPLITS.items():
        if new in labels and new not in older and label == source and section in sections:
            return "recheck"
    return "valid"


def recheck_note(label: str | None, label_set: int, section: str | None) -> str | None:
    """Why the queue asks again about this answer, in Chinese; None when it stands."""
    why = standing(label, label_set, section)
    if why == "valid":
        return None
    new = next((n for n, (source, _) in SPLITS.items() if source == label), "")
    return RECHECK_NOTES[why].format(version=label_set, label=TOPIC_NAMES.get(label or "", label or ""),
                                     new=TOPIC_NAMES.get(new, new))
