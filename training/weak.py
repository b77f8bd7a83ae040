"""Weak labelling functions for sentence topics, from document structure and cue phrases."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from nlp.vocabulary import (
    ENUMERATION_IS,
    HEADING_NUMBER,
    IMPROVE_PART,
    MEASURE_OPENERS,
    MEASURE_WORDS,
    MECHANISM_NOUNS,
    PAREN_NUMBER,
    PLAN_OPENING,
    PROBLEM_PART,
    PROBLEM_PATTERN,
    PROBLEM_WORDS,
    SETUP_VERBS,
    TABLE_CAPTION,
    UNITS,
    alternation,
)

ABSTAIN = None


@dataclass(frozen=True)
class Context:
    """What a labelling function may look at: the sentence and where it sits."""

    text: str
    section: str | None = None
    in_problem_part: bool = False  # under 五's "主要问题"/"存在问题" sub-heading
    in_improve_part: bool = False  # under 五's "改进情况/改进措施" sub-heading


LF = Callable[[Context], str | None]

_HEADING = re.compile(rf"^(?:{HEADING_NUMBER}|{PAREN_NUMBER}|{TABLE_CAPTION})\S{{0,30}}$")
_PROBLEM = re.compile(f"{alternation(PROBLEM_WORDS)}|{PROBLEM_PATTERN}")
_PLAN = re.compile(PLAN_OPENING)
_MECH = re.compile(f"(?:{alternation(SETUP_VERBS)}).{{0,25}}(?:{alternation(MECHANISM_NOUNS)})")
_MEASURE = re.compile(rf"^(?:{ENUMERATION_IS}|\d[.、．]\s*)?(?:{alternation(MEASURE_WORDS + MEASURE_OPENERS)})")
_STAT = re.compile(rf"\d+(?:\.\d+)?\s*(?:{alternation(UNITS)})")
_PART_HEAD = re.compile(rf"^\s*{PAREN_NUMBER}")
_PROBLEM_PART = re.compile(PROBLEM_PART)
_IMPROVE_PART = re.compile(IMPROVE_PART)
# A short line without a numbered head opens the improvements only when it says so outright.
_IMPROVE_LEAD_IN = re.compile(r"改进措施|改进情况|下一步|以下工作")


def lf_heading(c: Context) -> str | None:
    """Headings and table captions are `other`."""
    return "other" if _HEADING.match(c.text.strip()) else ABSTAIN


def lf_table_debris(c: Context) -> str | None:
    """Fragments in the table sections (二、三、四) are table cells, not narrative."""
    return "other" if c.section in ("s2_proactive", "s3_applications", "s4_review_litigation") and len(c.text) < 60 else ABSTAIN


def lf_statistics(c: Context) -> str | None:
    """Sentences that mostly report counts are `other`."""
    n = len(_STAT.findall(c.text))
    return "other" if n >= 2 or (n == 1 and len(c.text) < 40 and not _MEASURE.search(c.text)) else ABSTAIN


def lf_problem_cue(c: Context) -> str | None:
    """Shortcoming words (有待, 仍需, 不够 …) mark a problem unless the sentence is a plan."""
    if _PROBLEM.search(c.text) and not _PLAN.match(c.text):
        return "problem"
    return ABSTAIN


def lf_problem_part(c: Context) -> str | None:
    """Sentences under 五's problem sub-heading are problems."""
    return "problem" if c.in_problem_part and not _HEADING.match(c.text.strip()) else ABSTAIN


def lf_mechanism_cue(c: Context) -> str | None:
    """Setting up or applying a rule, system or mechanism (建立…制度, 落实…机制)."""
    return "mechanism" if _MECH.search(c.text) else ABSTAIN


def lf_measure_cue(c: Context) -> str | None:
    """Sentences opening with an action verb or a plan marker are measures."""
    return "measure" if _MEASURE.match(c.text) and not _STAT.search(c.text) else ABSTAIN


def lf_improve_part(c: Context) -> str | None:
    """Sentences under 五's improvement sub-heading are measures."""
    return "measure" if c.in_improve_part and not _HEADING.match(c.text.strip()) else ABSTAIN


def lf_nothing_to_report(c: Context) -> str | None:
    """'无。' and the fee statement of 六 are `other`."""
    return "other" if c.section == "s6_other" else ABSTAIN


# Order is priority: the first function that does not abstain decides in `weak_label`.
LABELLING_FUNCTIONS: tuple[LF, ...] = (
    lf_heading, lf_table_debris, lf_nothing_to_report, lf_statistics, lf_problem_part, lf_problem_cue,
    lf_mechanism_cue, lf_improve_part, lf_measure_cue,
)


def weak_votes(c: Context) -> list[str | None]:
    """Every labelling function's vote on one sentence."""
    return [lf(c) for lf in LABELLING_FUNCTIONS]


def weak_label(c: Context) -> str | None:
    """The first non-abstaining vote, in priority order; None when all abstain."""
    return next((v for v in weak_votes(c) if v is not None), None)


def contexts_of(text: str, spans: list[tuple[int, int, str | None]]) -> list[Context]:
    """Contexts for sentences (start, end, section) of one report, tracking 五's problem/improve parts."""
    out, part = [], ""
    for start, end, section in spans:
        s = text[start:end]
        if section == "s5_problems":
            head = _PART_HEAD.match(s) is not None
            if not head and "问题" in s and "改进" in s:
                part = ""  # the section heading itself names both parts
            elif (head or len(s) < 40) and (_IMPROVE_PART if head else _IMPROVE_LEAD_IN).search(s):
                part = "improve"
            elif (head or len(s) < 40) and _PROBLEM_PART.search(s):
                part = "problem"
        elif section != "s5_problems":
            part = ""
        out.append(Context(s, section, part == "problem", part == "improve"))
    return out
