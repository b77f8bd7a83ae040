"""Cross-report rules against the same body's previous report: carry-over, 现行有效 continuity, text reuse."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from eval.common import Ref, cell_evidence, fmt, make, status_of, template_of
from nlp.labels import T3_COLUMN_LABELS
from nlp.report import Finding, Report, Severity
from nlp.schema import TABLE3_COLUMN_IDS

SHINGLE = 8  # characters per shingle: long enough that shared phrases of the template do not count
REUSE_THRESHOLD = 0.5  # 宿迁 rule (evaluation-criteria E7): more than 50% repeated from last year
_MIN_CHARS = 40
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z#]")


@dataclass(frozen=True)
class Reuse:
    """How much of a text is repeated from another: the share of its characters covered by shared shingles."""

    share: float
    chars: int
    covered: int
    runs: tuple[tuple[int, int], ...]  # repeated passages as spans of the newer text, longest first


def _normalise(text: str, start: int, end: int, skip: tuple[tuple[int, int], ...] = ()) -> tuple[str, list[int]]:
    """Characters that carry wording (digits folded to '#', so changed years and counts still match)."""
    chars, offsets = [], []
    folded = re.sub(r"\d+", lambda m: "#" + " " * (len(m.group()) - 1), text[start:end])
    for i, ch in enumerate(folded):
        if any(a <= start + i < b for a, b in skip):
            continue
        if _KEEP.match(ch):
            chars.append(ch)
            offsets.append(start + i)
    return "".join(chars), offsets


def reuse(
    new_text: str, new_span: tuple[int, int], old_text: str, old_span: tuple[int, int],
    skip: tuple[tuple[int, int], ...] = (), old_skip: tuple[tuple[int, int], ...] = (),
) -> Reuse | None:
    """The share of `new_text[new_span]` repeated from `old_text[old_span]`; None when too short to judge.

    `skip` and `old_skip` are spans left out of the comparison (the template's own headings).
    """
    new, offsets = _normalise(new_text, *new_span, skip)
    old, _ = _normalise(old_text, *old_span, old_skip)
    if len(new) < _MIN_CHARS or len(old) < SHINGLE:
        return None
    seen = {old[i : i + SHINGLE] for i in range(len(old) - SHINGLE + 1)}
    covered = [False] * len(new)
    for i in range(len(new) - SHINGLE + 1):
        if new[i : i + SHINGLE] in seen:
            for j in range(i, i + SHINGLE):
                covered[j] = True
    runs, i = [], 0
    while i < len(new):
        if covered[i]:
            j = i
            while j + 1 < len(new) and covered[j + 1]:
                j += 1
            runs.append((offsets[i], offsets[j] + 1))
            i = j + 1
        else:
            i += 1
    runs.sort(key=lambda r: r[0] - r[1])
    total = sum(covered)
    return Reuse(total / len(new), len(new), total, tuple(runs))


def _pair(report: Report, previous: Report) -> tuple[list[Finding], bool]:
    """X-PAIR: whether the two reports are the same body's consecutive years; returns (findings, comparable)."""
    this, last = report.meta, previous.meta
    evidence = {"agency": this.agency, "previous_agency": last.agency, "year": this.year,
                "previous_year": last.year, "previous_path": previous.source.path}
    if previous.status == "failed":
        return [make("X-PAIR", "info", None, "上年报告无法读取，跨年度检查未进行", **evidence)], False
    notes = []
    same_body = not (this.agency and last.agency) or this.agency.endswith(last.agency) or last.agency.endswith(
        this.agency)
    if not same_body:
        notes.append(f"发布机关不同（本年“{this.agency}”，对比报告“{last.agency}”）")
    consecutive = this.year is None or last.year is None or this.year == last.year + 1
    if not consecutive:
        notes.append(f"年度不相邻（{last.year}年与{this.year}年）")
    if notes:
        return [make("X-PAIR", "info", False, "跨年度对比的前提存疑：" + "；".join(notes), **evidence)], consecutive
    return [make("X-PAIR", "info", True, f"与{last.year or '上一'}年度报告对比", **evidence)], True


def carry_over(report: Report, previous: Report) -> list[Finding]:
    """T3-X1: this year's 上年结转 equals last year's 结转下年度, per column (often broken in practice: warning)."""
    out = []
    for column in TABLE3_COLUMN_IDS:
        now, then = Ref("table3", "r2_carry_in", column), Ref("table3", "r4_carry_out", column)
        a, b = now.cell(report), then.cell(previous)
        evidence: dict[str, Any] = {"column": column, "cell": cell_evidence(report, now),
                                    "previous_cell": cell_evidence(previous, then) | {"report": previous.source.path}}
        name = T3_COLUMN_LABELS[column]
        if status_of(a) != "number" or status_of(b) != "number":
            out.append(make("T3-X1", "warning", None, f"表三“{name}”列：本年上年结转或上年结转下年度为空白/缺失，无法核对",
                            **evidence))
            continue
        left, right = a.value, b.value  # type: ignore[union-attr]
        difference = left - right  # type: ignore[operator]
        evidence.update(left=left, right=right, difference=difference)
        if difference == 0:
            out.append(make("T3-X1", "warning", True, f"表三“{name}”列：上年结转{fmt(left)}与上年报告结转下年度一致",
                            **evidence))
        else:
            out.append(make("T3-X1", "warning", False,
                            f"表三“{name}”列：本年“上年结转”填{fmt(left)}，上年报告“结转下年度”为{fmt(right)}，"
                            f"相差{fmt(abs(difference))}", **evidence))
    return out


def valid_documents(report: Report, previous: Report) -> list[Finding]:
    """T2-X1 (v2021): 现行有效 ≈ last year's 现行有效 + 本年制发 − 本年废止 (revisions and clean-ups break it)."""
    if template_of(report) != "v2021" or template_of(previous) != "v2021":
        return []
    out = []
    for row in ("规章", "行政规范性文件"):
        refs = {col: Ref("table2", row, col, "art20_1") for col in ("本年制发件数", "本年废止件数", "现行有效件数")}
        before = Ref("table2", row, "现行有效件数", "art20_1")
        cells = [r.cell(report) for r in refs.values()] + [before.cell(previous)]
        evidence: dict[str, Any] = {"row": row, "cells": [cell_evidence(report, r) for r in refs.values()],
                                    "previous_cell": cell_evidence(previous, before) | {"report": previous.source.path}}
        if any(status_of(c) != "number" for c in cells):
            out.append(make("T2-X1", "warning", None, f"表二“{row}”：有关单元格为空白/缺失，无法核对现行有效件数的衔接",
                            **evidence))
            continue
        issued, repealed, valid, last = (c.value for c in cells)  # type: ignore[union-attr]
        expected = last + issued - repealed  # type: ignore[operator]
        difference = valid - expected  # type: ignore[operator]
        evidence.update(left=valid, right=expected, difference=difference)
        formula = f"上年现行有效{fmt(last)}+本年制发{fmt(issued)}-本年废止{fmt(repealed)}={fmt(expected)}"
        if difference == 0:
            out.append(make("T2-X1", "warning", True, f"表二“{row}”：{formula}，与现行有效件数一致", **evidence))
        else:
            out.append(make("T2-X1", "warning", False,
                            f"表二“{row}”：{formula}，但现行有效件数填{fmt(valid)}，相差{fmt(abs(difference))}"
                            "（修订、自然失效或清理也会造成差异，请核实）", **evidence))
    return out


def _reuse_finding(rule: str, severity: Severity, what: str, report: Report, found: Reuse | None) -> Finding:
    if found is None:
        return make(rule, severity, None, f"{what}篇幅过短或上年报告缺少对应内容，无法比较重复率")
    share = round(found.share, 3)
    passages = [{"start": a, "end": b, "text": report.text[a:b]} for a, b in found.runs[:5]]
    evidence = {"share": share, "threshold": REUSE_THRESHOLD, "chars": found.chars, "repeated_chars": found.covered,
                "shingle": SHINGLE, "passages": passages}
    percent = f"{found.share * 100:.0f}%"
    if found.share > REUSE_THRESHOLD:
        return make(rule, severity, False, f"{what}有{percent}的文字与上年报告重复，超过50%（年年雷同）",
                    **evidence)
    return make(rule, severity, True, f"{what}与上年报告的重复率为{percent}", **evidence)


def _headings(report: Report) -> tuple[tuple[int, int], ...]:
    """The spans of the six section headings: template wording every report repeats."""
    spans = []
    for section in report.sections:
        newline = report.text.find("\n", section.start, section.end)
        spans.append((section.start, newline if newline >= 0 else section.start + len(section.title)))
    return tuple(spans)


def text_reuse(report: Report, previous: Report) -> list[Finding]:
    """X-REUSE-S5 and X-REUSE-TEXT: the share of 五 and of the whole text repeated from last year."""
    out = []
    now, then = report.section("s5_problems"), previous.section("s5_problems")
    found = None
    if now is not None and then is not None:
        found = reuse(report.text, (now.start, now.end), previous.text, (then.start, then.end),
                      _headings(report), _headings(previous))
    out.append(_reuse_finding("X-REUSE-S5", "error", "第五部分（存在的主要问题及改进情况）", report, found))
    whole = reuse(report.text, (0, len(report.text)), previous.text, (0, len(previous.text)),
                  _headings(report), _headings(previous))
    out.append(_reuse_finding("X-REUSE-TEXT", "warning", "全文", report, whole))
    return out


def check_cross(report: Report, previous: Report) -> list[Finding]:
    """All cross-report rules; table continuity only for consecutive years of a readable previous report."""
    findings, comparable = _pair(report, previous)
    if previous.status == "failed":
        return findings
    if comparable:
        findings += carry_over(report, previous) + valid_documents(report, previous)
    return findings + text_reuse(report, previous)
