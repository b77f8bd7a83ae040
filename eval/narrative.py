"""Narrative against tables (T3-N1, T4-N1, T2-N1): numbers stated in the text must agree with the cells."""

# A sentence whose subject is narrower or wider than the table (the government office versus a
# district-wide table, 全市 in an office's report) is a scope question for the reviewer, not an error.

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Literal

from eval.common import (
    Ref,
    cell_evidence,
    cells_listing,
    fmt,
    is_number,
    make,
    span_evidence,
    status_of,
    template_of,
)
from nlp.report import Finding, Meta, Report, Sentence, Severity
from nlp.segment import Quantity, quantities
from nlp.sentences import sentence_spans

NARRATIVE_SECTIONS = ("s1_overall", "s2_proactive", "s3_applications", "s4_review_litigation")

Scope = Literal["jurisdiction", "departments", "office", "self", "government", "none"]
Relation = Literal["same", "narrower", "wider", "unknown"]

# Characters allowed between a measure's words and its figure: no clause break, no other number.
_GAP = re.compile(r"[^，,。；;：:、\d]*")
_STOP_CLAUSE = re.compile(r"其中|包括|包含|含")  # a sub-count ("其中接收互联网申请6件") is not the total

# Subjects of a sentence, in the order they are tested (the first that matches wins).
_SUBJECT_SCOPES: tuple[tuple[Scope, re.Pattern[str]], ...] = (
    ("jurisdiction", re.compile(r"全(?:省|市|区|县|州|旗|盟|镇|乡|街道|系统)|各级")),
    ("departments", re.compile(r"部门|各单位|直属单位|各乡镇|各街道")),
    ("office", re.compile(r"办公室|办公厅|政府办|府办")),
    ("self", re.compile(r"本机关|本单位|本部门|我(?:局|委|办|厅|署|院)|本(?:局|委|办|厅)")),
    ("government", re.compile(r"人民政府|政府")),
)
_ON_BEHALF = re.compile(r"代表[^，,。；]{0,12}?政府")
_LEADING_DATE = re.compile(r"^\s*(?:(?:19|20)\d{2}\s*年度?|全年|本年度?|今年)[，,\s]*")
_SCOPE_NAMES = {
    "jurisdiction": "全辖区",
    "departments": "政府部门",
    "office": "政府办公室",
    "self": "本机关",
    "government": "政府本级",
    "none": "未写明主体",
}


@dataclass(frozen=True)
class Cue:
    """The words that say which measure a stated figure counts, and where they stand from the figure."""

    words: re.Pattern[str]
    gap: int  # at most this many characters between the words and the figure
    units: frozenset[str]
    first: bool = True  # the words come before the figure ("受理申请21件"), else after ("72件…顺延到下年度")


@dataclass(frozen=True)
class Measure:
    """A quantity the narrative states and the table cells it must equal (summed)."""

    key: str
    rule: str
    name: str
    refs: tuple[Ref, ...]
    cues: tuple[Cue, ...]
    needs: re.Pattern[str] | None = None  # the gap must mention this (e.g. 申请) to count
    sub_counts_excluded: bool = True


def _t3(row: str) -> Ref:
    return Ref("table3", row, "total")


_JIAN = frozenset({"件"})
_CASES = frozenset({"件", "起", "宗"})
MEASURES: tuple[Measure, ...] = (
    Measure(
        "received", "T3-N1", "收到申请", (_t3("r1_new"),),
        (Cue(re.compile(r"收到|受理|接收|新收|接到"), 24, frozenset({"件", "个", "条", "份"})),),
        needs=re.compile(r"申请"),
    ),
    Measure(
        "handled", "T3-N1", "办结申请", (_t3("r3_7_total"),),
        (Cue(re.compile(r"(?<![开未在])(?:办结|答复)"), 20, _JIAN),),
    ),
    Measure(
        "carry_in", "T3-N1", "上年结转申请", (_t3("r2_carry_in"),),
        (Cue(re.compile(r"(?:上一?年度?|去年)结转"), 16, _JIAN),),
        sub_counts_excluded=False,
    ),
    Measure(
        "carry_out", "T3-N1", "结转下年度申请", (_t3("r4_carry_out"),),
        (
            Cue(re.compile(r"(?:顺延|结转|转)(?:到|至|入)?下一?年度?"), 12, _JIAN, first=False),
            Cue(re.compile(r"(?:顺延|结转|转)(?:到|至|入)?下一?年度?"), 12, _JIAN),
        ),
        sub_counts_excluded=False,
    ),
    Measure(
        "review", "T4-N1", "行政复议", (Ref("table4", "review", "total"),),
        (Cue(re.compile(r"行政复议"), 8, _CASES | {"次"}), Cue(re.compile(r"行政复议"), 16, _CASES, first=False)),
    ),
    Measure(
        "litigation", "T4-N1", "行政诉讼",
        (Ref("table4", "lit_direct", "total"), Ref("table4", "lit_after_review", "total")),
        (Cue(re.compile(r"诉讼"), 8, _CASES | {"次"}), Cue(re.compile(r"(?:行政)?诉讼"), 16, _CASES, first=False)),
    ),
)


@lru_cache(maxsize=4096)
def figures(text: str) -> tuple[Quantity, ...]:
    """Whole-number counts with their units in a text, read by spaCy's matcher on our jieba tokens.

    Cached: the T3/T4 and the T2 rules read the same sentences.
    """
    return tuple(q for q in quantities(text) if q.number.is_integer())


def read_cue(text: str, cue: Cue, figure: Quantity) -> tuple[int, int, str] | None:
    """(start, end, gap) of the statement when the cue's words stand by the figure, else None.

    Words before the figure: the earliest that reach it over a gap of allowed characters; words after it:
    the nearest.
    """
    if figure.unit not in cue.units:
        return None
    if cue.first:
        for position in range(max(0, figure.start - cue.gap - 12), figure.start):
            words = cue.words.match(text, position, figure.start)
            if words and _fits(text[words.end() : figure.start], cue.gap):
                return words.start(), figure.end, text[words.end() : figure.start]
        return None
    words = cue.words.search(text, figure.end)
    if words and _fits(text[figure.end : words.start()], cue.gap):
        return figure.start, words.end(), text[figure.end : words.start()]
    return None


def _fits(gap: str, limit: int) -> bool:
    return len(gap) <= limit and _GAP.fullmatch(gap) is not None


# 办结/答复 counts that are something else: other channels, one result class ("同意公开答复9件"), or
# the carry-over ("转下一年度办理答复的有1件").
_HANDLED_NOT = re.compile(r"建议|提案|信访|来信|来电|咨询|留言|热线|同意|予以|不予|部分|无法|其他|答复|中")
_CARRY_CLAUSE = re.compile(r"下一?年度?|结转|顺延")
_TOPIC_WORDS = re.compile(r"政府信息(?:公开)?|信息公开|政务公开|依申请公开")


@dataclass(frozen=True)
class Statement:
    """A number the narrative states for one measure, where, and who it says it is about."""

    measure: Measure
    value: int
    sentence: Sentence
    start: int
    end: int
    subject: str
    scope: Scope


def subject_of(prefix: str) -> str:
    """The subject phrase of a sentence: its text before the first counted verb, dates stripped."""
    text = _LEADING_DATE.sub("", prefix).strip("，,、 ")
    return re.sub(r"(?:共|合计|累计|全年|依法|已)+$", "", text)


def scope_of(subject: str) -> Scope:
    """Whose numbers the subject names: the whole jurisdiction, departments, the office, the body itself."""
    text = _TOPIC_WORDS.sub("", _ON_BEHALF.sub("", subject))
    for scope, pattern in _SUBJECT_SCOPES:
        if pattern.search(text):
            return scope
    return "none"


def report_scope(meta: Meta) -> str:
    """What a report's tables cover, judged by who issued it."""
    if meta.level in ("province", "city", "county"):
        return "government"
    if meta.level == "township":
        return "township"
    if meta.level in ("department", "national"):
        return "office" if re.search(r"办公室|办公厅", meta.agency or "") else "department"
    return "unknown"


_RELATIONS: dict[str, dict[str, Relation]] = {
    # A county/city/province government's tables usually cover the whole jurisdiction.
    "government": {"jurisdiction": "same", "none": "same", "government": "unknown", "self": "unknown",
                   "office": "narrower", "departments": "narrower"},
    "township": {"jurisdiction": "same", "none": "same", "government": "same", "self": "same",
                 "office": "narrower", "departments": "narrower"},
    "office": {"office": "same", "self": "same", "none": "same", "government": "unknown",
               "jurisdiction": "wider", "departments": "wider"},
    "department": {"self": "same", "none": "same", "office": "unknown", "government": "unknown",
                   "jurisdiction": "wider", "departments": "unknown"},
}


def relation(scope: Scope, meta: Meta) -> Relation:
    """How the sentence's subject relates to what the table covers."""
    table_scope = report_scope(meta)
    if table_scope == "unknown":
        return "same" if scope == "none" else "unknown"
    return _RELATIONS[table_scope][scope]


def _sentences(report: Report) -> list[Sentence]:
    sentences = [s for s in report.sentences if s.section in NARRATIVE_SECTIONS]
    if sentences or not report.sections:
        return sentences
    # Reports built without a sentence stage still have sections: split them here.
    return [Sentence(a, b, sec.key) for sec in report.sections if sec.key in NARRATIVE_SECTIONS
            for a, b in sentence_spans(report.text[sec.start : sec.end], sec.start)]


def _clause_start(text: str, position: int) -> int:
    cut = max(text.rfind(p, 0, position) for p in "，,；;：:")
    return cut + 1


def find_statements(report: Report) -> list[Statement]:
    """Every count the narrative sections state for the table-三/四 measures."""
    out: list[Statement] = []
    for sentence in _sentences(report):
        text = report.text[sentence.start : sentence.end]
        counted = figures(text)
        hits: list[tuple[Measure, int, int, Quantity]] = []
        taken: set[tuple[int, int, str]] = set()
        # Words-first cues ("行政复议4件") claim their figures before figure-first ones ("4件…行政复议"),
        # so "复议4件、行政诉讼2件" does not also read 4 as a litigation count.
        ordered = sorted(((m, c) for m in MEASURES for c in m.cues), key=lambda mc: not mc[1].first)
        for measure, cue in ordered:
            for figure in counted:
                read = read_cue(text, cue, figure)
                if read is None:
                    continue
                start, end, gap = read
                if measure.needs and not measure.needs.search(gap):
                    continue
                clause = text[_clause_start(text, start) : start]
                if measure.key == "handled" and (
                    _HANDLED_NOT.search(gap) or _CARRY_CLAUSE.search(clause)
                    or ("申请" not in gap and "申请" not in text[:start])
                ):
                    continue
                if measure.sub_counts_excluded and _STOP_CLAUSE.search(clause):
                    continue
                span = (figure.start, figure.end)
                if (*span, measure.key) in taken or (not cue.first and any(t[:2] == span for t in taken)):
                    continue
                taken.add((*span, measure.key))
                hits.append((measure, start, end, figure))
        if not hits:
            continue
        first = min(h[1] for h in hits)
        sentence_subject = subject_of(text[:first])
        for measure, start, end, figure in sorted(hits, key=lambda h: h[1]):
            # A clause that names its own subject ("…，县政府各部门受理…14件") overrides the sentence's.
            clause = _clause_start(text, start)
            opening = min(h[1] for h in hits if _clause_start(text, h[1]) == clause)
            own = subject_of(text[clause:opening])
            subject = own if scope_of(own) != "none" else sentence_subject
            out.append(Statement(measure, int(figure.number), sentence, sentence.start + start,
                                 sentence.start + end, subject, scope_of(subject)))
    return out


def _table_value(report: Report, refs: Sequence[Ref]) -> tuple[int | float | None, list[Ref]]:
    """The summed cells, or None with the cells that are blank, NA or missing."""
    bad = [r for r in refs if status_of(r.cell(report)) != "number"]
    if bad:
        return None, bad
    total = 0.0
    for ref in refs:
        cell = ref.cell(report)
        if cell is not None and is_number(cell.value):
            total += cell.value  # type: ignore[operator]
    return (int(total) if total.is_integer() else total), []


def _unavailable(report: Report, refs: Sequence[Ref]) -> str:
    """Why cells cannot be compared, in words: not found, blank, or not applicable."""
    parts = []
    for status, words in (("missing", "未找到{}"), ("blank", "{}为空白"), ("na", "{}填“不适用”"),
                          ("text", "{}不是数字")):
        group = [r for r in refs if status_of(r.cell(report)) == status]
        if group:
            parts.append(words.format(cells_listing(group)))
    return "，".join(parts)


def _cell_name(measure: Measure) -> str:
    if measure.key == "litigation":
        return "表四行政诉讼两栏总计之和"
    return {
        "received": "表三“本年新收”总计", "handled": "表三“办理结果总计”", "carry_in": "表三“上年结转”总计",
        "carry_out": "表三“结转下年度”总计", "review": "表四行政复议总计",
    }[measure.key]


def _scope_sentence(rel: Relation, subject: str, meta: Meta) -> str:
    who = subject or "（未写明）"
    body = meta.agency or "本报告"
    if rel == "narrower":
        return f"叙述主体“{who}”可能只是{body}表格统计范围（全辖区）的一部分"
    if rel == "wider":
        return f"叙述为“{who}”口径，可能宽于{body}本机关表格的统计范围"
    return f"叙述主体“{who}”与表格的统计范围是否相同无法确定"


def _combined_hint(statement: Statement, peers: list[Statement], table: float) -> dict[str, Any] | None:
    """Statements of the same measure about different subjects that add up to the table (39 + 40 = 79)."""
    parts: dict[str, Statement] = {}
    for peer in peers:
        if peer.scope not in ("jurisdiction", "none") and peer.subject not in parts:
            parts[peer.subject] = peer
    if len(parts) < 2 or statement.subject not in parts:
        return None
    total = sum(p.value for p in parts.values())
    if total != table:
        return None
    return {"subjects": list(parts), "values": [p.value for p in parts.values()], "sum": total}


def compare(report: Report, statements: Sequence[Statement]) -> list[Finding]:
    """One finding per stated number: agrees, disagrees (error), or a scope question (warning)."""
    out = []
    for statement in statements:
        measure = statement.measure
        rel = relation(statement.scope, report.meta)
        severity: Severity = "error" if rel == "same" else "warning"
        snippet = report.text[statement.start : statement.end]
        evidence: dict[str, Any] = {
            "measure": measure.key,
            "sentence": span_evidence(report, statement.sentence.start, statement.sentence.end,
                                      statement.sentence.section),
            "match": span_evidence(report, statement.start, statement.end, statement.sentence.section),
            "stated": statement.value,
            "subject": statement.subject,
            "subject_scope": statement.scope,
            "report_scope": report_scope(report.meta),
            "scope_relation": rel,
            "cells": [cell_evidence(report, r) for r in measure.refs],
        }
        value, bad = _table_value(report, measure.refs)
        if value is None:
            out.append(make(measure.rule, severity, None,
                            f"叙述“{snippet}”：{_unavailable(report, bad)}，无法比对",
                            reason="cells_unavailable", **evidence))
            continue
        difference = statement.value - value
        evidence.update(left=statement.value, right=value, difference=difference)
        if difference == 0:
            out.append(make(measure.rule, severity, True,
                            f"叙述“{snippet}”与{_cell_name(measure)}{fmt(value)}一致", **evidence))
            continue
        if rel == "same":
            message = (f"叙述称{measure.name}{statement.value}件（“{snippet}”），"
                       f"但{_cell_name(measure)}为{fmt(value)}，相差{fmt(abs(difference))}")
        else:
            message = (f"口径待核实：叙述称{measure.name}{statement.value}件（“{snippet}”），"
                       f"{_cell_name(measure)}为{fmt(value)}（相差{fmt(abs(difference))}）；"
                       f"{_scope_sentence(rel, statement.subject, report.meta)}，"
                       "请核实是统计范围不同还是数字有误")
            peers = [s for s in statements if s.measure.key == measure.key]
            hint = _combined_hint(statement, peers, value)
            if hint:
                parts = "+".join(str(v) for v in hint["values"])
                message += f"（另述各主体合计{parts}={hint['sum']}，与表格一致）"
                evidence["combined"] = hint
        out.append(make(measure.rule, severity, False, message, **evidence))
    return out


# ---------------------------------------------------------------- table 二 (T2-N1)

_DOC_NOUN = r"(?P<noun>行政规范性文件|规范性文件|规章)"
# What stands right before a document count: "规章共3件", "现行有效的行政规范性文件120件".
_DOC_COUNT = re.compile(rf"{_DOC_NOUN}(?:共|计|合计|共计|为)?\s*\Z")
_DOC_VALID = re.compile(rf"现行有效(?:的)?(?:{_DOC_NOUN})?(?:共|计|合计|共计|为)?\s*\Z")
_VERBS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("repeal", re.compile(r"废止|废除|宣布失效")),
    ("issue", re.compile(r"制发|制定|出台|印发|制作")),
    ("publish", re.compile(r"公开|发布|新增")),
    # Other actions on documents (清理, 备案, 解读 …) are not counted in table 二.
    ("other", re.compile(r"清理|审查|备案|解读|审核|报送|征求|起草|修订|评估|刊登|编发|收录|汇编")),
)
_DOC_COLUMNS = {
    "v2021": {"issue": "本年制发件数", "publish": "本年制发件数", "repeal": "本年废止件数", "valid": "现行有效件数"},
    "v2019": {"issue": "本年新制作数量", "publish": "本年新公开数量"},
}


@dataclass(frozen=True)
class DocStatement:
    """A document count stated in the narrative ("制发行政规范性文件4件")."""

    row: str
    column: str
    verb: str
    value: int
    sentence: Sentence
    start: int
    end: int
    subject: str


def _doc_count(clause: str, counted: Sequence[Quantity], pattern: re.Pattern[str]) -> tuple[re.Match[str], Quantity] | None:
    """The first figure in 件 of a clause with a document noun (or 现行有效) right before it."""
    for figure in counted:
        if figure.unit == "件" and figure.start >= 0 and figure.end <= len(clause):
            words = pattern.search(clause, 0, figure.start)
            if words:
                return words, figure
    return None


def find_doc_statements(report: Report) -> list[DocStatement]:
    """Counts of 规章 and 行政规范性文件 the narrative states, with the table-二 column they match."""
    template = template_of(report)
    columns = _DOC_COLUMNS[template]
    out = []
    for sentence in _sentences(report):
        text = report.text[sentence.start : sentence.end]
        counted = figures(text)
        verb: str | None = None
        noun: str | None = None
        position = 0
        for clause in re.split(r"(?<=[，,；;、：:])", text):
            base = position
            position += len(clause)
            mine = [replace(f, start=f.start - base, end=f.end - base) for f in counted]
            found = _doc_count(clause, mine, _DOC_VALID)
            kind = "valid" if found else None
            if found is None:
                found = _doc_count(clause, mine, _DOC_COUNT)
            before = clause[: found[0].start()] if found else clause
            for name, pattern in _VERBS:
                if pattern.search(before):
                    verb = name
                    break
            if found is None:
                continue
            words, figure = found
            noun = words.group("noun") or noun
            kind = kind or verb
            if noun is None or kind is None or kind not in columns:
                continue
            if words.group("noun") and clause[: words.start("noun")].endswith("部门"):
                continue  # 部门规范性文件 are the departments' documents, not the reporting body's
            row = "规章" if noun == "规章" else ("行政规范性文件" if template == "v2021" else "规范性文件")
            start = sentence.start + base + words.start()
            out.append(DocStatement(row, columns[kind], kind, int(figure.number), sentence, start,
                                    sentence.start + base + figure.end, subject_of(text[: base + words.start()])))
    return out


def t2_n1(report: Report) -> list[Finding]:
    """T2-N1: narrative counts of 规章 / 行政规范性文件 against table 二 block art20_1."""
    out = []
    for st in find_doc_statements(report):
        ref = Ref("table2", st.row, st.column, "art20_1")
        scope = scope_of(st.subject)
        exact = st.verb in ("issue", "repeal", "valid") and scope not in ("jurisdiction", "departments")
        severity: Severity = "error" if exact else "warning"
        snippet = report.text[st.start : st.end]
        evidence: dict[str, Any] = {
            "sentence": span_evidence(report, st.sentence.start, st.sentence.end, st.sentence.section),
            "match": span_evidence(report, st.start, st.end, st.sentence.section),
            "stated": st.value, "verb": st.verb, "subject": st.subject, "subject_scope": scope,
            "cells": [cell_evidence(report, ref)],
        }
        value, bad = _table_value(report, (ref,))
        if value is None:
            out.append(make("T2-N1", severity, None, f"叙述“{snippet}”：{_unavailable(report, bad)}，无法比对",
                            reason="cells_unavailable", **evidence))
            continue
        difference = st.value - value
        evidence.update(left=st.value, right=value, difference=difference)
        if difference == 0:
            out.append(make("T2-N1", severity, True, f"叙述“{snippet}”与{ref.label()}{fmt(value)}一致", **evidence))
        elif exact:
            out.append(make("T2-N1", severity, False,
                            f"叙述“{snippet}”称{st.value}件，但{ref.label()}为{fmt(value)}，相差{fmt(abs(difference))}",
                            **evidence))
        else:
            why = ("叙述说的是“公开/发布”的件数，与表格栏目口径可能不同" if st.verb == "publish"
                   else f"叙述主体“{st.subject}”与表格统计范围可能不同")
            out.append(make("T2-N1", severity, False,
                            f"口径待核实：叙述“{snippet}”称{st.value}件，{ref.label()}为{fmt(value)}"
                            f"（相差{fmt(abs(difference))}）；{why}",
                            **evidence))
    return out


def check_narrative(report: Report) -> list[Finding]:
    """All narrative-versus-table rules."""
    return [*compare(report, find_statements(report)), *t2_n1(report)]
