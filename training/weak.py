"""Weak labelling functions for sentence topics, from document structure and cue phrases."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

ABSTAIN = None
LABELS = ("problem", "measure", "mechanism", "other")


@dataclass(frozen=True)
class Context:
    """What a labelling function may look at: the sentence and where it sits."""

    text: str
    section: str | None = None
    in_problem_part: bool = False  # under 五's "主要问题"/"存在问题" sub-heading
    in_improve_part: bool = False  # under 五's "改进情况/改进措施" sub-heading


LF = Callable[[Context], str | None]

_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|表[一二三四])\S{0,30}$")
_PROBLEM = re.compile(r"有待|仍需|尚需|还需|不够|不足|不到位|不及时|不规范|差距|薄弱|单一|不高|存在.{0,12}问题|欠缺|滞后")
_MECH = re.compile(r"(建立|健全|完善|制定|出台|落实|执行|实行|形成|设立).{0,25}(制度|机制|办法|规定|责任制|领导小组|流程|程序|原则|体系)")
_MEASURE = re.compile(r"^(?:[一二三四五六七八九十]是|\d[.、．]\s*)?(?:下一步|将|进一步|加强|推进|提升|优化|加大|强化|深化|做好|开展|抓好|持续|积极|着力|围绕|聚焦|针对|组织|及时|全面|扎实|不断|重点)")
_STAT = re.compile(r"\d+(?:\.\d+)?\s*(?:件|条|个|项|次|元|%|％|人次|场|期)")


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
    if _PROBLEM.search(c.text) and not re.match(r"^(?:下一步|针对|我们将|将)", c.text):
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
            head = re.match(r"^\s*[（(][一二三四五六][)）]", s) is not None
            if not head and "问题" in s and "改进" in s:
                part = ""  # the section heading itself names both parts
            elif (head or len(s) < 40) and re.search(r"改进|措施|下一步|以下工作" if head else r"改进措施|改进情况|下一步|以下工作", s):
                part = "improve"
            elif (head or len(s) < 40) and re.search(r"问题|不足|表现在", s):
                part = "problem"
        elif section != "s5_problems":
            part = ""
        out.append(Context(s, section, part == "problem", part == "improve"))
    return out
