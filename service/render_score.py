"""Readable terminal scorecard: the score by dimension, then failed rules with their evidence, then the rest."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from eval.common import counts_against
from eval.scoring import Rubric
from nlp.labels import (
    CODE_DESCRIPTIONS,
    CODE_NAMES,
    RULE_NAMES,
    SEVERITY_NAMES,
    STATUS_NAMES,
    describe,
    for_people,
)
from nlp.report import NA, Finding, Report
from nlp.schema import SECTION_BY_KEY
from service.render import meta_line

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_CELL_KEYS = ("target", "cell", "previous_cell")
_CELL_LISTS = ("lhs", "rhs", "cells", "missing")
_MAX_CELLS = 8
_MAX_NOT_ASSESSABLE = 12


def _value(value: Any) -> str:
    if value is None:
        return "空"
    if value == NA:
        return "不适用"
    return str(value)


def _cell_line(cell: dict[str, Any]) -> str:
    where = f"（第{cell['page']}页）" if cell.get("page") else ""
    found = "未找到" if cell.get("status") == "missing" else f"= {_value(cell.get('value'))}"
    report = f" 〔{cell['report']}〕" if cell.get("report") else ""
    return f"{escape(cell.get('label', ''))} {found}{where}{escape(report)}"


def _span_line(span: dict[str, Any]) -> str:
    section = SECTION_BY_KEY.get(span.get("section") or "")
    where = f"{section.numeral}、{section.canonical}，" if section else ""
    text = span.get("text", "")
    text = text if len(text) <= 120 else text[:117] + "…"
    return f"“{escape(text)}”（{where}字符 {span.get('start')}–{span.get('end')}）"


def evidence_lines(evidence: dict[str, Any]) -> list[str]:
    """The evidence of a finding as short lines: cells with page and value, sentences, numbers."""
    lines: list[str] = []
    cells = [evidence[k] for k in _CELL_KEYS if isinstance(evidence.get(k), dict)]
    for key in _CELL_LISTS:
        if isinstance(evidence.get(key), list):
            cells += [c for c in evidence[key] if isinstance(c, dict) and "label" in c]
    shown = cells[:_MAX_CELLS]
    lines += [_cell_line(c) for c in shown]
    if len(cells) > len(shown):
        lines.append(f"…另有 {len(cells) - len(shown)} 个单元格")
    for key in ("sentence", "span"):
        if isinstance(evidence.get(key), dict):
            lines.append(_span_line(evidence[key]))
            break
    if "left" in evidence and "right" in evidence:
        lines.append(f"左边 {_value(evidence['left'])}，右边 {_value(evidence['right'])}，"
                     f"相差 {_value(evidence.get('difference'))}")
    for passage in evidence.get("passages", [])[:2]:
        lines.append("重复段落：" + _span_line(passage | {"section": None}))
    for point in evidence.get("points", [])[:3]:
        lines.append(_span_line(point))
    return lines


def rule_name(rule: str) -> str:
    """A rule as people name it (表三收结平衡); one not named yet says so rather than showing its id bare."""
    return RULE_NAMES.get(rule, f"未命名规则（{rule}）")


def _ordered(findings: tuple[Finding, ...]) -> list[Finding]:
    return sorted(findings, key=lambda f: _SEVERITY_ORDER.get(f.severity, 3))


def render_score(report: Report, console: Console, rubric: Rubric | None = None) -> None:
    """Print the scorecard: total and dimensions, failed rules first with evidence, then the rest in brief."""
    meta = report.meta
    console.print(f"[bold]{escape(meta.title or report.source.path)}[/bold]")
    if report.status == "failed":
        # A document we could not read has no scorecard: its reasons are the whole answer.
        console.print(f"[bold red]{STATUS_NAMES['failed']}[/bold red]，未评分，不参与排名：")
        for error in report.errors:
            if error.severity == "error":
                why = describe(CODE_NAMES, CODE_DESCRIPTIONS, error.code)
                console.print(f"  {escape(why)}\n  [dim]{escape(for_people(error.message))}[/dim]")
        return
    console.print(f"发布机关：{escape(meta.agency or '—')}  {meta_line(report)}")
    if report.status == "needs_review":
        console.print(f"[bold yellow]{STATUS_NAMES['needs_review']}[/bold yellow]：以下内容文档中有但未能读取，相关规则不评分，"
                      "此分数不参与排名")
        for unread in report.tables.unreadable:
            console.print(f"  [yellow]{escape(for_people(unread.message))}[/yellow]")
    card = report.score
    if card is not None:
        console.print(f"\n总分 [bold]{card.total:.1f}[/bold] / 100（评分细则 {card.rubric}）")
        table = Table(title="分项得分", show_header=True)
        for header in ("维度", "权重", "得分"):
            table.add_column(header, justify="right" if header != "维度" else "left")
        dims = {d.key: d for d in rubric.dimensions} if rubric else {}
        for key, value in card.dimensions.items():
            dim = dims.get(key)
            table.add_row(dim.label if dim else key, f"{dim.weight:g}" if dim else "", f"{value:.1f}")
        console.print(table)
    failed = _ordered(tuple(f for f in report.findings if counts_against(f)))
    hints = [f for f in report.findings if f.passed is False and not counts_against(f)]
    unknown = [f for f in report.findings if f.passed is None]
    passed = [f for f in report.findings if f.passed is True]
    console.print(f"\n[bold]未通过的规则（{len(failed)}）[/bold]")
    if not failed:
        console.print("  [green]全部通过[/green]")
    for finding in failed:
        style = _SEVERITY_STYLE.get(finding.severity, "")
        word = SEVERITY_NAMES.get(finding.severity, finding.severity)
        console.print(f"[{style}]{word}[/{style}] [bold]{rule_name(finding.rule)}[/bold] {escape(for_people(finding.message))}")
        for line in evidence_lines(finding.evidence):
            console.print(f"    [dim]{line}[/dim]")
    if hints:
        console.print(f"\n[bold]提示（{len(hints)}，不扣分）[/bold]")
        for finding in hints:
            console.print(f"  [cyan]{rule_name(finding.rule)}[/cyan] {escape(for_people(finding.message))}")
    if unknown:
        console.print(f"\n[bold]无法核对（{len(unknown)}）[/bold]：输入为空白、不适用或缺失")
        for finding in unknown[:_MAX_NOT_ASSESSABLE]:
            console.print(f"  [dim]{rule_name(finding.rule)}[/dim] {escape(for_people(finding.message))}")
        if len(unknown) > _MAX_NOT_ASSESSABLE:
            console.print(f"  [dim]…另有 {len(unknown) - _MAX_NOT_ASSESSABLE} 项[/dim]")
    counts = Counter(rule_name(f.rule) for f in passed)
    summary = "，".join(f"{rule}×{n}" if n > 1 else rule for rule, n in counts.items())
    console.print(f"\n[green]通过（{len(passed)}）[/green]：{summary or '没有通过的规则'}")
