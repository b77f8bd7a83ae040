"""Readable terminal views of a Report: metadata, problems, sections and the three tables."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from nlp.labels import (
    FORMAT_NAMES,
    LEVEL_NAMES,
    SECTION_NAMES,
    SEVERITY_NAMES,
    STATUS_NAMES,
    TABLE_SECTIONS,
    TABLE_TITLES,
    TEMPLATE_NAMES,
    for_people,
    t3_row_label,
)
from nlp.report import NA, Cell, Report
from nlp.schema import SECTION_BY_KEY, TABLE2, TABLE3_COLUMNS, TABLE3_ROWS, TABLE4_CELLS, TABLE4_GROUPS

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _show(cell: Cell | None) -> str:
    """A cell's value for the terminal; a "?" marks a value whose column the reader was unsure of."""
    if cell is None:
        return "[red]—[/red]"
    value = cell.value
    if value is None:
        shown = "[dim]（空）[/dim]"
    elif value == NA:
        shown = "[dim]不适用[/dim]"
    else:
        shown = f"{value:,}" if isinstance(value, int) else str(value)
    return f"[yellow]{shown}?[/yellow]" if cell.uncertain else shown


def _absent(report: Report, table: str, console: Console) -> bool:
    """Say why a table is not shown (not in the document, or there but unreadable); False when it is there."""
    if table in report.tables.found:
        return False
    unread = report.tables.unread(table)
    if unread:
        console.print(f"[yellow]{escape(for_people(unread[0].message))}[/yellow]")
    else:
        console.print(f"[yellow]未找到{TABLE_TITLES[table]}[/yellow]")
    return True


def meta_line(report: Report) -> str:
    """层级、年度 and the table format in words ("层级：县级  年度：2023  表格格式：2021 年格式")."""
    meta = report.meta
    level = LEVEL_NAMES.get(meta.level or "", "—")
    used = TEMPLATE_NAMES.get(meta.template or "", "—")
    expected = TEMPLATE_NAMES.get(meta.template_expected or "")
    if expected and expected != used:
        used += f"（按年度应为{expected}）"
    return f"层级：{level}  年度：{meta.year or '—'}  表格格式：{used}"


def render_report(report: Report, console: Console) -> None:
    """Print a report the way a reviewer reads it."""
    meta = report.meta
    style = {"ok": "green", "needs_review": "bold yellow"}.get(report.status, "bold red")
    status = f"[{style}]{STATUS_NAMES.get(report.status, report.status)}[/{style}]"
    console.print(f"[bold]{meta.title or report.source.path}[/bold]  {status}")
    console.print(f"发布机关：{meta.agency or '—'}  地区：{meta.region or '—'}  {meta_line(report)}")
    if meta.period:
        console.print(f"统计期限：{meta.period[0]} 至 {meta.period[1]}")
    kind = FORMAT_NAMES.get(report.source.format, "未知格式")
    console.print(f"来源：{report.source.path}（{kind}，{report.source.pages or '—'} 页）")
    for error in report.errors:
        style = _SEVERITY_STYLE.get(error.severity, "")
        page = f"（第 {error.page} 页）" if error.page else ""
        console.print(f"[{style}]{SEVERITY_NAMES.get(error.severity, error.severity)}[/{style}] {escape(for_people(error.message))}{page}")
    if report.status == "failed":
        return
    sections = Table(title="报告结构", show_lines=False)
    for header in ("部分", "标题", "页", "字数", "小标题"):
        sections.add_column(header)
    for section in report.sections:
        spec = SECTION_BY_KEY[section.key]
        items = "、".join(i.label for i in section.items)
        sections.add_row(spec.numeral, section.title, str(section.page or ""), str(section.end - section.start), items)
    for key in report.missing_sections:
        spec = SECTION_BY_KEY[key]
        sections.add_row(spec.numeral, f"[red]缺失：{spec.canonical}[/red]", "", "", "")
    console.print(sections)
    _render_table2(report, console)
    _render_table3(report, console)
    _render_table4(report, console)
    if any(c.uncertain for c in report.tables.cells):
        console.print("[yellow]?[/yellow] 该单元格的列位置读取把握不大，请对照原文核对")


def _render_table2(report: Report, console: Console) -> None:
    if _absent(report, "table2", console):
        return
    table = Table(title=SECTION_NAMES[TABLE_SECTIONS["table2"]])
    table.add_column("项目")
    table.add_column("信息内容")
    table.add_column("数据")
    for spec in TABLE2[report.meta.template or "v2021"]:
        for row in spec.rows:
            values = []
            for column in spec.columns:
                cell = report.tables.get("table2", row, column, spec.id)
                shown = _show(cell) if cell else "[red]未找到[/red]"
                unit = cell.unit if cell and cell.unit else ""
                values.append(f"{column}：{shown}{unit}")
            table.add_row(f"第二十条第（{spec.item}）项", row, "；".join(values))
    console.print(table)


def _render_table3(report: Report, console: Console) -> None:
    if _absent(report, "table3", console):
        return
    table = Table(title=SECTION_NAMES[TABLE_SECTIONS["table3"]])
    table.add_column("项目")
    for _, label in TABLE3_COLUMNS:
        table.add_column(label, justify="right")
    present = {c.row for c in report.tables.of("table3")}
    # Show the rows the report actually has when it mixes templates (a single 其他处理 row in v2021).
    layout = "v2019" if "r3_6_other" in present else "v2021"
    for row in TABLE3_ROWS[layout]:
        cells = [report.tables.get("table3", row.id, column) for column, _ in TABLE3_COLUMNS]
        table.add_row(t3_row_label(row.id), *[_show(c) for c in cells])
    console.print(table)


def _render_table4(report: Report, console: Console) -> None:
    if _absent(report, "table4", console):
        return
    table = Table(title=SECTION_NAMES[TABLE_SECTIONS["table4"]])
    table.add_column("")
    for _, label in TABLE4_CELLS:
        table.add_column(label, justify="right")
    for group, label in TABLE4_GROUPS:
        cells = [report.tables.get("table4", group, cell) for cell, _ in TABLE4_CELLS]
        table.add_row(label, *[_show(c) for c in cells])
    console.print(table)
