"""Weak labelling functions for sentence topics, from document structure and cue phrases."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from nlp.vocabulary import (
    ENUMERATION_IS,
    HEADING_NUMBER,
    IMPROVE_PART,
    LABELS,
    MEASURE_OPENERS,
    MEASURE_WORDS,
    MECHANISM_NOUNS,
    PAREN_NUMBER,
    PLAN_OPENING,
    PLAN_PATTERN,
    PRACTICE_COUNT,
    PRACTICE_WORDS,
    PROBLEM_PART,
    PROBLEM_PATTERN,
    PROBLEM_WORDS,
    REACH_WORDS,
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
_PLANNED = re.compile(PLAN_PATTERN)
_PRACTICE = re.compile(f"{PRACTICE_COUNT}|{alternation(PRACTICE_WORDS)}")
_REACH = re.compile(alternation(REACH_WORDS))
# Label set v2 splits the year's work done (practice) off measure, which keeps the improvement steps.
_V2 = "practice" in LABELS


def _improvement(c: Context) -> bool:
    """A step to improve (v2's measure): in 五's improvement part, in 五 at all, or announced as a plan."""
    return c.in_improve_part or c.section == "s5_problems" or _PLANNED.search(c.text) is not None


def lf_heading(c: Context) -> str | None:
    """Headings and table captions are `other`."""
    return "other" if _HEADING.match(c.text.strip()) else ABSTAIN


def lf_table_debris(c: Context) -> str | None:
    """Fragments in the table sections (二、三、四) are table cells, not narrative."""
    return "other" if c.section in ("s2_proactive", "s3_applications", "s4_review_litigation") and len(c.text) < 60 else ABSTAIN


def lf_practice_count(c: Context) -> str | None:
    """v2: outside 五, a count that sizes the body's own work (召开发布会12场) or an event, release or platform
    of the year is `practice`, unless the point is reach (阅读量, 粉丝) or it is a plan."""
    if not _V2 or c.section in ("s5_problems", "s6_other") or _REACH.search(c.text) or _improvement(c):
        return ABSTAIN
    return "practice" if _PRACTICE.search(c.text) else ABSTAIN


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
    """Setting up or applying a rule, system or mechanism (建立…制度, 落实…机制); under v2 the role decides, and a
    plan to build one is a measure."""
    if not _MECH.search(c.text):
        return ABSTAIN
    return "measure" if _V2 and _improvement(c) else "mechanism"


def lf_measure_cue(c: Context) -> str | None:
    """Sentences opening with an action verb or a plan marker are measures (v1); under v2 only as improvement
    steps, and the same verbs outside 五 and not planned tell the year's work (practice)."""
    if not _MEASURE.match(c.text) or _STAT.search(c.text):
        return ABSTAIN
    return "practice" if _V2 and not _improvement(c) else "measure"


def lf_improve_part(c: Context) -> str | None:
    """Sentences under 五's improvement sub-heading are measures."""
    return "measure" if c.in_improve_part and not _HEADING.match(c.text.strip()) else ABSTAIN


def lf_nothing_to_report(c: Context) -> str | None:
    """'无。' and the fee statement of 六 are `other`."""
    return "other" if c.section == "s6_other" else ABSTAIN


# Order is priority: the first function that does not abstain decides in `weak_label`.
LABELLING_FUNCTIONS: tuple[LF, ...] = (
    lf_heading, lf_table_debris, lf_nothing_to_report, lf_practice_count, lf_statistics, lf_problem_part,
    lf_problem_cue,
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
