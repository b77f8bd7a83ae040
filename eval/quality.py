"""Narrative quality of 五 (and the concreteness of 一): problems, measures, boilerplate, rectification."""

# Sentences are labelled problem/measure by cue phrases and by the sub-heading they sit under; once a
# topic classifier fills `Sentence.topic`, its labels are used instead. Every function takes the
# sentence list, so the classifier can replace the cues without touching the rules. With topics, 五 is
# read for problems and measures and 一 for practices and mechanisms (labels v2, training/GUIDELINES.md);
# a report classified under labels v1 is read the same way through _POINT_KINDS.

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from eval.common import make, span_evidence
from nlp.report import Finding, Report, Sentence
from nlp.schema import SECTION_BY_KEY
from nlp.segment import cue_matches
from nlp.sentences import sentence_spans
from nlp.vocabulary import (
    ARABIC_ITEM,
    CONCRETE_OBJECTS,
    CUE_PHRASES,
    ENUMERATION_IS,
    HEADING_NUMBER,
    IMPROVE_PART,
    PAREN_NUMBER,
    PLAN_PATTERN,
    PROBLEM_PART,
    RECTIFY_WORDS,
    VAGUE_PHRASES,
    alternation,
)

SentenceText = tuple[Sentence, str]
_S5_NAME = SECTION_BY_KEY["s5_problems"].canonical
_S1, _S5 = "s1_overall", "s5_problems"

# What each topic counts as, by label set and section (sections not listed read as 五). v1 had no practice:
# its measure meant both 五's improvements and 一's work of the year, and it put 五's plans to build a
# mechanism under mechanism, which v2 counts as measures ("the role decides, not the object").
_POINT_KINDS: dict[tuple[int, str], dict[str, str]] = {
    (2, _S5): {"problem": "problem", "measure": "measure"},
    (1, _S5): {"problem": "problem", "measure": "measure", "mechanism": "measure"},
    (2, _S1): {"practice": "practice", "mechanism": "mechanism"},
    (1, _S1): {"measure": "practice", "mechanism": "mechanism"},
}
# 一 is concrete when at least this share of its practices and mechanisms names something specific.
S1_WORK_THRESHOLD = 0.5
S1_NUMBER_THRESHOLD = 0.2

# A sentence that announces what will be done is a measure even when it names the problem it answers.
_STRONG_MEASURE = re.compile(PLAN_PATTERN)
_ANSWER_PHRASE = re.compile(r"针对(?:存在的?|上述|以上|前述|这些)?(?:主要)?(?:问题|不足)")
_CONCRETE = re.compile(rf"\d|{alternation(CONCRETE_OBJECTS)}")
TOPIC_GROUPS: dict[str, re.Pattern[str]] = {
    "interpretation": re.compile(r"解读"),
    "on_request": re.compile(r"依申请|申请|答复|文书|复议|诉讼|纠错"),
    "platform": re.compile(r"网站|平台|门户|专栏|栏目|新媒体|公众号|微博|渠道|检索|页面"),
    "staff": re.compile(r"队伍|人员|培训|业务|学习|能力|意识|认识|兼职|流动|配备"),
    "content": re.compile(r"主动公开|公开内容|深度|广度|重点领域|及时|更新"),
    "participation": re.compile(r"参与|决策|征求|听证|互动|回应|舆情|关切"),
    "standard": re.compile(r"标准化|规范化|目录|指南|事项|清单|标准"),
    "oversight": re.compile(r"督查|督促|考核|监督|评估|问责|通报"),
    "policy": re.compile(r"政策|文件|公报"),
}
_ENUMERATION = re.compile(rf"{ENUMERATION_IS}|{PAREN_NUMBER}|(?:^|\n)\s*{ARABIC_ITEM}")
_CONTEXT_PROBLEM = re.compile(PROBLEM_PART)
_CONTEXT_MEASURE = re.compile(IMPROVE_PART)
_PARENS_LABEL = re.compile(f"^{PAREN_NUMBER}")
_SECTION_LABEL = re.compile(f"^{HEADING_NUMBER}")
# Bigrams any problem or measure may use say nothing about a shared topic: the words of the subject
# itself and every two-character cue phrase.
_STOP_BIGRAMS = {"政府", "府信", "信息", "息公", "公开", "政务", "务公", "工作", "进一", "一步", "不断", "情况", "需要",
                 "进行", "我们"} | {p for kind in ("problem", "measure") for p in CUE_PHRASES[kind] if len(p) == 2}


@dataclass(frozen=True)
class Point:
    """One problem or measure (五), practice or mechanism (一): a sentence, or for problems one clause of an
    enumerating sentence."""

    kind: str  # problem | measure | practice | mechanism
    start: int
    end: int
    text: str
    section: str | None
    vague: tuple[str, ...]
    concrete: bool


def vague_phrases(text: str) -> tuple[str, ...]:
    """The boilerplate phrases a text uses."""
    return tuple(p for p in VAGUE_PHRASES if p in text)


def is_concrete(text: str) -> bool:
    """Whether a text names something specific (a number, a document, a channel, a procedure)."""
    return bool(_CONCRETE.search(text))


def count_enumerations(text: str) -> int:
    """Enumeration markers (一是/二是, （一）/（二）, 1./2.) in a text."""
    return len(_ENUMERATION.findall(text))


def _context(contexts: Sequence[tuple[int, str]], position: int) -> str | None:
    """The kind a sub-heading such as （一）存在的主要问题 gives to the sentences under it."""
    title = None
    for start, heading in contexts:
        if start <= position:
            title = heading
    if title is None:
        return None
    if _CONTEXT_MEASURE.search(title):
        return "measure"
    if _CONTEXT_PROBLEM.search(title):
        return "problem"
    return None


@lru_cache(maxsize=4096)
def cue_kinds(text: str) -> frozenset[str]:
    """What the cue phrases of a text signal (problem, measure, mechanism), found by spaCy's PhraseMatcher."""
    return frozenset(kind for _, _, _, kind in cue_matches(text))


def _has_problem_cue(text: str) -> bool:
    return "problem" in cue_kinds(_ANSWER_PHRASE.sub("", text))


def _kinds_by_cue(text: str, context: str | None) -> str | None:
    if context is not None:
        return context
    cleaned = _ANSWER_PHRASE.sub("", text)
    if _STRONG_MEASURE.search(cleaned):
        return "measure"
    kinds = cue_kinds(cleaned)
    if "problem" in kinds:
        return "problem"
    if "measure" in kinds:
        return "measure"
    return None


def _is_heading(text: str) -> bool:
    """Section and sub-item headings, and lead-ins ending in a colon, are not problems or measures."""
    stripped = text.strip()
    if stripped.endswith(("：", ":")):
        return True
    return bool(_SECTION_LABEL.match(stripped)) or (
        bool(_PARENS_LABEL.match(stripped)) and len(stripped) <= 24
    )


def _problem_clauses(sentence: Sentence, text: str) -> list[tuple[int, int, str]]:
    """The clauses of a problem sentence that each name a problem ("…不足，…有待提升，…尚需完善").

    Clauses split at ，；：; a list joined by 、 splits only where both sides carry a problem cue.
    """
    groups: list[list[int]] = []  # [start, end] offsets within the sentence
    position = 0
    for piece in re.split(r"([，,；;：:、])", text):
        if piece in ("，", ",", "；", ";", "：", ":", "、"):
            if groups and piece != "、":
                groups.append([])
            elif groups and piece == "、":
                groups[-1].append(-1)  # marks a 、 join, resolved below
            position += len(piece)
            continue
        if not groups or not groups[-1] or groups[-1][-1] != -1:
            if groups and groups[-1] == []:
                groups[-1] = [position, position + len(piece)]
            else:
                groups.append([position, position + len(piece)])
        else:
            groups[-1].pop()
            head = text[groups[-1][0] : groups[-1][1]]
            if "problem" in cue_kinds(head) and "problem" in cue_kinds(piece):
                groups.append([position, position + len(piece)])
            else:
                groups[-1][1] = position + len(piece)
        position += len(piece)
    out = []
    for group in groups:
        if len(group) != 2:
            continue
        clause = text[group[0] : group[1]]
        stripped = clause.strip("。 ")
        if stripped and _has_problem_cue(stripped):
            start = sentence.start + group[0] + clause.find(stripped)
            out.append((start, start + len(stripped), stripped))
    return out or [(sentence.start, sentence.end, text)]


def label_set_of(sentences: Iterable[Sentence]) -> int | None:
    """The label set the topics were given under: None without topics, 2 when any sentence is a practice, else 1
    (a v2 report without a single practice reads the same under both)."""
    topics = {s.topic for s in sentences if s.topic is not None}
    if not topics:
        return None
    return 2 if "practice" in topics else 1


def topic_kind(topic: str | None, label_set: int, section: str | None) -> str | None:
    """The point a classified sentence makes in its section (problem, measure, practice, mechanism) or None."""
    kinds = _POINT_KINDS.get((label_set, section or ""), _POINT_KINDS[(label_set, _S5)])
    return kinds.get(topic or "")


def label_points(sentences: Sequence[SentenceText], contexts: Sequence[tuple[int, str]] = (),
                 label_set: int | None = None) -> list[Point]:
    """Problems and measures (五) or practices and mechanisms (一) among sentences: from `topic` when a classifier
    set it (under `label_set`, found from the topics when not given), else problems and measures by cues and
    sub-headings."""
    if label_set is None:
        label_set = label_set_of(s for s, _ in sentences)
    points = []
    for sentence, text in sentences:
        if _is_heading(text):
            continue
        if label_set is not None:
            kind = topic_kind(sentence.topic, label_set, sentence.section)
        else:
            kind = _kinds_by_cue(text, _context(contexts, sentence.start))
        if kind == "problem":
            for start, end, clause in _problem_clauses(sentence, text):
                points.append(Point("problem", start, end, clause, sentence.section, vague_phrases(clause),
                                    is_concrete(clause)))
        elif kind is not None:
            points.append(Point(kind, sentence.start, sentence.end, text, sentence.section,
                                vague_phrases(text), is_concrete(text)))
    return points


def _bigrams(text: str) -> set[str]:
    chars = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return {chars[i : i + 2] for i in range(len(chars) - 1)} - _STOP_BIGRAMS


def _topics(text: str) -> set[str]:
    return {name for name, pattern in TOPIC_GROUPS.items() if pattern.search(text)}


def answer_of(problem: Point, measures: Sequence[Point]) -> Point | None:
    """The measure that best answers a problem: shared topic words first, then shared wording."""
    best, best_score = None, 0
    topics = _topics(problem.text)
    grams = _bigrams(problem.text)
    for measure in measures:
        score = 3 * len(topics & _topics(measure.text)) + len(grams & _bigrams(measure.text))
        if score > best_score:
            best, best_score = measure, score
    return best if best_score >= 2 else None


def _rectification(year: int | None) -> re.Pattern[str]:
    last = rf"|{year - 1}\s*年(?:度)?" if year else ""
    return re.compile(
        rf"(?:上一?年度?|去年{last})[^。；]{{0,20}}?(?:{PROBLEM_PART})[^。；]{{0,12}}?(?:{RECTIFY_WORDS})"
        rf"|(?:上一?年度?|去年{last})[^。；]{{0,8}}?整改"
    )


def _point_evidence(point: Point) -> dict[str, object]:
    return {"start": point.start, "end": point.end, "section": point.section, "text": point.text,
            "vague": list(point.vague), "concrete": point.concrete}


def _section_sentences(report: Report, key: str) -> list[SentenceText]:
    sentences = [s for s in report.sentences if s.section == key]
    section = report.section(key)
    if not sentences and section is not None:
        sentences = [Sentence(a, b, key) for a, b in sentence_spans(report.text[section.start : section.end],
                                                                      section.start)]
    return [(s, report.text[s.start : s.end]) for s in sentences]


def _contexts(report: Report, key: str) -> list[tuple[int, str]]:
    section = report.section(key)
    if section is None:
        return []
    contexts = [(i.start, i.title) for i in section.items if _PARENS_LABEL.match(i.label)]
    if _PARENS_LABEL.match(section.title):  # 五's own heading lost: the first sub-heading opened it
        contexts.insert(0, (section.start, section.title))
    return contexts


def problems_and_measures(report: Report) -> list[Finding]:
    """Q-S5-PROBLEMS, Q-S5-MEASURES, Q-S5-VAGUE, Q-S5-MATCH over section 五."""
    section = report.section("s5_problems")
    if section is None:
        return [make(rule, "warning", None, f"缺少第五部分“{_S5_NAME}”，无法评价")
                for rule in ("Q-S5-PROBLEMS", "Q-S5-MEASURES", "Q-S5-VAGUE", "Q-S5-MATCH")]
    sentences = _section_sentences(report, "s5_problems")
    # Topics decide only where 五's own sentences carry them; the label set is read from the whole report.
    label_set = label_set_of(report.sentences) if any(s.topic for s, _ in sentences) else None
    points = label_points(sentences, _contexts(report, "s5_problems"), label_set)
    enumerations = count_enumerations(report.text[section.start : section.end])
    source = "topic" if label_set is not None else "cues"
    out = []
    for kind, rule, name in (("problem", "Q-S5-PROBLEMS", "问题"), ("measure", "Q-S5-MEASURES", "改进措施")):
        mine = [p for p in points if p.kind == kind]
        concrete = [p for p in mine if p.concrete]
        evidence = {"count": len(mine), "concrete": len(concrete), "enumerations": enumerations, "source": source,
                    "label_set": label_set, "points": [_point_evidence(p) for p in mine]}
        if concrete:
            out.append(make(rule, "warning", True, f"第五部分列出{len(mine)}条{name}，其中{len(concrete)}条有具体对象",
                            **evidence))
        elif mine:
            out.append(make(rule, "warning", False, f"第五部分的{len(mine)}条{name}都没有具体对象，表述笼统", **evidence))
        else:
            out.append(make(rule, "warning", False, f"第五部分没有写出{name}", **evidence))
    vague = [p for p in points if p.vague and not p.concrete]
    share = len(vague) / len(points) if points else 0.0
    evidence = {"vague": len(vague), "total": len(points), "share": round(share, 3),
                "points": [_point_evidence(p) for p in vague]}
    if not points:
        out.append(make("Q-S5-VAGUE", "warning", None, "第五部分没有可评价的问题或措施", **evidence))
    elif share > 0.5:
        phrases = "、".join(dict.fromkeys(x for p in vague for x in p.vague))
        out.append(make("Q-S5-VAGUE", "warning", False,
                        f"第五部分{len(points)}条问题和措施中{len(vague)}条是套话（{phrases}），没有具体对象", **evidence))
    else:
        out.append(make("Q-S5-VAGUE", "warning", True,
                        f"第五部分{len(points)}条问题和措施中{len(vague)}条为无具体对象的套话", **evidence))
    out.append(_match(points))
    return out


def _match(points: Sequence[Point]) -> Finding:
    """Q-S5-MATCH: the measures answer the concrete problems (shared topic or wording)."""
    problems = [p for p in points if p.kind == "problem" and p.concrete]
    measures = [p for p in points if p.kind == "measure"]
    if not problems or not measures:
        return make("Q-S5-MATCH", "warning", None, "第五部分缺少具体问题或改进措施，无法对照",
                    problems=len(problems), measures=len(measures))
    pairs = [(p, answer_of(p, measures)) for p in problems]
    unanswered = [p for p, m in pairs if m is None]
    evidence = {
        "problems": len(problems), "answered": len(problems) - len(unanswered),
        "pairs": [{"problem": _point_evidence(p), "measure": _point_evidence(m) if m else None} for p, m in pairs],
    }
    if len(unanswered) * 2 > len(problems):
        names = "；".join(f"“{p.text[:30]}”" for p in unanswered[:4])
        return make("Q-S5-MATCH", "warning", False,
                    f"{len(problems)}个具体问题中{len(unanswered)}个没有对应的改进措施：{names}", **evidence)
    return make("Q-S5-MATCH", "warning", True,
                f"{len(problems)}个具体问题中{len(problems) - len(unanswered)}个有对应的改进措施", **evidence)


def rectification(report: Report) -> list[Finding]:
    """Q-RECTIFY (bonus): 五 reports how last year's problems were rectified (a practice, not a requirement)."""
    section = report.section("s5_problems")
    if section is None:
        return []
    year = report.meta.year or (int(report.meta.period[0][:4]) if report.meta.period else None)
    match = _rectification(year).search(report.text, section.start, section.end)
    if match:
        return [make("Q-RECTIFY", "info", True, f"第五部分报告了上年度问题的整改情况（“{match.group()}”）",
                     span=span_evidence(report, match.start(), match.end(), "s5_problems"))]
    return [make("Q-RECTIFY", "info", False, "第五部分未报告上年度问题的整改情况（加分项，非格式要求）")]


def overall_concreteness(report: Report) -> list[Finding]:
    """Q-S1-CONCRETE: 一、总体情况 gives facts: a reasonable share of its sentences carry numbers, and once a classifier
    has labelled them, most of its practices and mechanisms (the year's work) name something specific."""
    sentences = [(s, t) for s, t in _section_sentences(report, _S1) if not _is_heading(t)]
    if not sentences:
        return [make("Q-S1-CONCRETE", "warning", None, "缺少“一、总体情况”或其中没有正文，无法评价")]
    with_numbers = [s for s, t in sentences if re.search(r"\d", t)]
    share = len(with_numbers) / len(sentences)
    evidence: dict[str, object] = {"sentences": len(sentences), "with_numbers": len(with_numbers),
                                   "share": round(share, 3), "threshold": S1_NUMBER_THRESHOLD}
    numbers_ok = share >= S1_NUMBER_THRESHOLD
    numbers = f"总体情况{len(sentences)}句中{len(with_numbers)}句有具体数字"
    label_set = label_set_of(report.sentences) if any(s.topic for s, _ in sentences) else None
    if label_set is None:
        evidence["source"] = "numbers"
        if numbers_ok:
            return [make("Q-S1-CONCRETE", "warning", True, numbers, **evidence)]
        return [make("Q-S1-CONCRETE", "warning", False,
                     f"总体情况{len(sentences)}句中只有{len(with_numbers)}句有具体数字，内容偏笼统", **evidence)]
    work = label_points(sentences, label_set=label_set)
    concrete = [p for p in work if p.concrete]
    work_share = len(concrete) / len(work) if work else 0.0
    evidence.update(source="topic", label_set=label_set, practices=sum(p.kind == "practice" for p in work),
                    mechanisms=sum(p.kind == "mechanism" for p in work), concrete_work=len(concrete),
                    work_share=round(work_share, 3), work_threshold=S1_WORK_THRESHOLD,
                    vague_points=[_point_evidence(p) for p in work if not p.concrete])
    if not work:
        return [make("Q-S1-CONCRETE", "warning", False, f"{numbers}，但没有写出本年度的具体工作和工作机制",
                     **evidence)]
    summary = f"{numbers}；{len(work)}条年度工作和工作机制中{len(concrete)}条有具体对象"
    if numbers_ok and work_share >= S1_WORK_THRESHOLD:
        return [make("Q-S1-CONCRETE", "warning", True, summary, **evidence)]
    return [make("Q-S1-CONCRETE", "warning", False, f"{summary}，内容偏笼统", **evidence)]


def check_quality(report: Report) -> list[Finding]:
    """All narrative-quality rules."""
    return [*overall_concreteness(report), *problems_and_measures(report), *rectification(report)]
