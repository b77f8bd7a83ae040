"""Outline and completeness rules: six sections in order, the sub-items of 一, template, table cells, blanks."""

from __future__ import annotations

import re

from eval.common import (
    TABLE_NAMES,
    Ref,
    cell_evidence,
    cells_listing,
    make,
    present_rows,
    row_name,
    span_evidence,
    table_present,
    template_of,
)
from nlp.report import Finding, Report
from nlp.schema import (
    SECTION_BY_KEY,
    SECTION_KEYS,
    TABLE2,
    TABLE3_COLUMN_IDS,
    TABLE3_ROWS,
    TABLE4_CELL_IDS,
    TABLE4_GROUP_IDS,
)
from nlp.vocabulary import NUMERALS

_HEADING_NUMERAL = re.compile(rf"^\s*(?:第?([{NUMERALS}])\s*(?:[、.．]|部分)|([1-9])\s*[、.．])")

# Sub-items of 一 that both templates require (format-spec §2). Cues are wider than the template words
# because real reports name them freely (信息资源…管理, 网站, 考核).
S1_TOPICS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("proactive", "主动公开", re.compile(r"主动公开")),
    ("on_request", "依申请公开", re.compile(r"依申请|申请公开|公开申请")),
    ("management", "政府信息管理", re.compile(r"信息管理|信息资源.{0,12}管理|管理情况|公开属性|保密审查|发布审核")),
    ("platform", "平台建设", re.compile(r"平台|网站|门户|新媒体|公众号|政务微博")),
    ("oversight", "监督保障", re.compile(r"监督|保障|考核|问责")),
)
# 条例 第五十条第（四）项: governments at every level report the results of 考核, 评议 and 责任追究.
_ACCOUNTABILITY = re.compile(r"考核|评议|责任追究|问责")
_GOVERNMENT_LEVELS = {"province", "city", "county", "township"}
_LEGACY_SUBROWS = ("r3_6_1", "r3_6_2", "r3_6_3")


def sections_present(report: Report) -> list[Finding]:
    """OL-SECTIONS: each of the six required sections is there (条例 第五十条: 不能遗漏)."""
    have = {s.key for s in report.sections}
    out = []
    for key in SECTION_KEYS:
        if key not in have:
            spec = SECTION_BY_KEY[key]
            out.append(make("OL-SECTIONS", "error", False, f"缺少第{spec.numeral}部分“{spec.canonical}”",
                            section=key, expected=f"{spec.numeral}、{spec.canonical}"))
    if not out:
        out.append(make("OL-SECTIONS", "error", True, "六个部分齐全",
                        sections=[{"key": s.key, "title": s.title, "start": s.start, "page": s.page}
                                  for s in report.sections]))
    return out


def section_order(report: Report) -> list[Finding]:
    """OL-ORDER: the sections follow the template order and carry the template's numerals."""
    out = []
    ordered = sorted(report.sections, key=lambda s: s.start)
    keys = [s.key for s in ordered]
    expected = [k for k in SECTION_KEYS if k in keys]
    if keys != expected:
        names = "、".join(SECTION_BY_KEY[k].numeral for k in keys)
        out.append(make("OL-ORDER", "error", False, f"各部分顺序与模板不符：实际顺序为{names}",
                        order=keys, expected=expected))
    for section in ordered:
        spec = SECTION_BY_KEY[section.key]
        match = _HEADING_NUMERAL.match(section.title)
        if not match:
            continue
        arabic = match.group(2)
        numeral = match.group(1) or (NUMERALS[int(arabic) - 1] if arabic and 1 <= int(arabic) <= 6 else arabic)
        if numeral and numeral != spec.numeral:
            out.append(make(
                "OL-ORDER", "warning", False,
                f"“{section.title}”编号为“{numeral}”，模板中“{spec.canonical}”应为第{spec.numeral}部分",
                section=section.key, numeral=numeral, expected=spec.numeral,
                span=span_evidence(report, section.start, section.start + len(section.title), section.key),
            ))
    if not out:
        out.append(make("OL-ORDER", "error", True, "各部分按模板顺序排列、编号正确", order=keys))
    return out


def overall_topics(report: Report) -> list[Finding]:
    """OL-S1-TOPICS: 一、总体情况 covers 主动公开, 依申请公开, 政府信息管理, 平台建设, 监督保障."""
    section = report.section("s1_overall")
    if section is None:
        return [make("OL-S1-TOPICS", "warning", None, "缺少“一、总体情况”，无法检查其五项内容", topic=None)]
    body = report.text[section.start : section.end]
    out = []
    for topic, name, pattern in S1_TOPICS:
        item = next((i for i in section.items if pattern.search(i.title)), None)
        if item is not None:
            out.append(make("OL-S1-TOPICS", "warning", True, f"总体情况有“{name}”小标题：{item.label}{item.title}",
                            topic=topic, span=span_evidence(report, item.start, item.end, section.key)))
            continue
        match = pattern.search(body)
        if match:
            start = section.start + match.start()
            out.append(make("OL-S1-TOPICS", "warning", True,
                            f"总体情况正文提及“{name}”（无单独小标题）",
                            topic=topic, span=span_evidence(report, start, section.start + match.end(), section.key)))
        else:
            out.append(make("OL-S1-TOPICS", "warning", False, f"总体情况未涉及“{name}”（模板要求的五项内容之一）",
                            topic=topic, section=span_evidence(report, section.start, section.end, section.key)
                            | {"text": body[:80]}))
    return out


def accountability(report: Report) -> list[Finding]:
    """OL-S1-ACCOUNT: governments report 考核, 评议 and 责任追究 results in 一 (条例 第五十条第（四）项)."""
    if report.meta.level not in _GOVERNMENT_LEVELS:
        return []
    section = report.section("s1_overall")
    if section is None:
        return [make("OL-S1-ACCOUNT", "warning", None, "缺少“一、总体情况”，无法检查考核评议情况")]
    body = report.text[section.start : section.end]
    match = _ACCOUNTABILITY.search(body)
    if match:
        start = section.start + match.start()
        return [make("OL-S1-ACCOUNT", "warning", True, f"总体情况报告了考核、评议或责任追究情况（“{match.group()}”）",
                     span=span_evidence(report, start, section.start + match.end(), section.key))]
    return [make("OL-S1-ACCOUNT", "warning", False,
                 "总体情况未报告考核、评议与责任追究的结果（条例第五十条第（四）项要求各级政府报告）",
                 level=report.meta.level)]


def template_fit(report: Report) -> list[Finding]:
    """OL-TEMPLATE: the tables use the format that the report year calls for (v2019 for 2019–2020, v2021 after)."""
    meta = report.meta
    if meta.template is None or meta.template_expected is None:
        why = "未识别表格格式" if meta.template is None else "报告年度未知"
        return [make("OL-TEMPLATE", "error", None, f"{why}，无法核对格式版本",
                     template=meta.template, expected=meta.template_expected, year=meta.year)]
    if meta.template == meta.template_expected:
        return [make("OL-TEMPLATE", "error", True, f"{meta.year}年度报告使用{meta.template}格式，与年度相符",
                     template=meta.template, expected=meta.template_expected, year=meta.year)]
    return [make("OL-TEMPLATE", "error", False,
                 f"{meta.year}年度报告应使用{meta.template_expected}格式，表格实为{meta.template}格式",
                 template=meta.template, expected=meta.template_expected, year=meta.year)]


def tables_present(report: Report) -> list[Finding]:
    """OL-TABLES: the three statistical tables are there."""
    out = []
    for table in ("table2", "table3", "table4"):
        pages = dict(report.tables.pages).get(table, ())
        if table_present(report, table):
            out.append(make("OL-TABLES", "error", True, f"找到{TABLE_NAMES[table]}", table=table, pages=list(pages)))
        elif report.tables.unread(table):
            # The document prints the table and we failed to read it: not assessable, no points lost.
            unread = report.tables.unread(table)[0]
            out.append(make("OL-TABLES", "error", None, f"{TABLE_NAMES[table]}未能读取，不评分：{unread.message}",
                            table=table, unreadable=unread.reason))
        else:
            out.append(make("OL-TABLES", "error", False, f"未找到{TABLE_NAMES[table]}（统计表缺失或为图片）",
                            table=table))
    return out


def _expected_refs(report: Report, table: str) -> list[Ref]:
    template = template_of(report)
    if table == "table2":
        return [Ref("table2", row, column, block.id)
                for block in TABLE2[template] for row in block.rows for column in block.columns]
    if table == "table4":
        return [Ref("table4", g, c) for g in TABLE4_GROUP_IDS for c in TABLE4_CELL_IDS]
    rows = [r.id for r in TABLE3_ROWS[template]]
    if _legacy_layout(report):
        rows = [r for r in rows if r not in _LEGACY_SUBROWS]
        rows.insert(rows.index("r3_7_total"), "r3_6_other")
    elif template == "v2019" and _subrow_layout(report):
        rows = [r for r in rows if r != "r3_6_other"]
        rows[rows.index("r3_7_total"):rows.index("r3_7_total")] = list(_LEGACY_SUBROWS)
    return [Ref("table3", r, c) for r in rows for c in TABLE3_COLUMN_IDS]


def _legacy_layout(report: Report) -> bool:
    """A v2021 table 三 that keeps the single v2019 （六）其他处理 row (洪泽区 2023/2024)."""
    rows = present_rows(report, "table3")
    return template_of(report) == "v2021" and "r3_6_other" in rows and not any(r in rows for r in _LEGACY_SUBROWS)


def _subrow_layout(report: Report) -> bool:
    rows = present_rows(report, "table3")
    return "r3_6_other" not in rows and any(r in rows for r in _LEGACY_SUBROWS)


def legacy_other_row(report: Report) -> list[Finding]:
    """OL-T3-LEGACY: table 三's 其他处理 follows the other template's layout (a deviation, not missing cells)."""
    if not table_present(report, "table3"):
        return []
    template = template_of(report)
    if _legacy_layout(report):
        return [make("OL-T3-LEGACY", "warning", False,
                     "表三“（六）其他处理”沿用2019年试行格式的单行，2021年格式应拆分为三项"
                     "（逾期不补正、逾期不缴费、其他）",
                     cells=[cell_evidence(report, Ref("table3", "r3_6_other", "total"))], template=template)]
    if template == "v2019" and _subrow_layout(report):
        return [make("OL-T3-LEGACY", "warning", False,
                     "表三“（六）其他处理”按2021年格式拆分为三项，与2019年试行格式的单行不同",
                     template=template)]
    return [make("OL-T3-LEGACY", "warning", True, f"表三“（六）其他处理”的行与{template}格式一致", template=template)]


def cells_present(report: Report) -> list[Finding]:
    """OL-CELLS: every row and column of tables 二/三/四 of the report's template is there."""
    out = []
    for table in ("table2", "table3", "table4"):
        if not table_present(report, table):
            continue
        # Rows the document prints but we could not place are ours to review, not cells it lacks.
        unread_rows = {row for u in report.tables.unread(table) for row in u.rows}
        expected = [r for r in _expected_refs(report, table) if r.row not in unread_rows]
        missing = [r for r in expected if r.cell(report) is None]
        if missing:
            rows = list(dict.fromkeys(r.row for r in missing))
            out.append(make("OL-CELLS", "error", False,
                            f"{TABLE_NAMES[table]}缺少{len(missing)}个单元格：{_missing_listing(expected, missing)}",
                            table=table, missing=[cell_evidence(report, r) for r in missing], rows=rows,
                            expected=len(expected)))
        elif unread_rows:
            out.append(make("OL-CELLS", "error", None,
                            f"{TABLE_NAMES[table]}有{len(unread_rows)}行未能读取（需人工复核，不扣分），其余单元格齐全",
                            table=table, expected=len(expected), unreadable_rows=sorted(unread_rows)))
        else:
            out.append(make("OL-CELLS", "error", True,
                            f"{TABLE_NAMES[table]}的{len(expected)}个单元格齐全（{template_of(report)}格式）",
                            table=table, expected=len(expected)))
    return out


def _missing_listing(expected: list[Ref], missing: list[Ref]) -> str:
    """Whole missing rows by name ("缺整行"), then the remaining single cells."""
    whole = [key for key in dict.fromkeys((r.block, r.row) for r in missing)
             if all(r in missing for r in expected if (r.block, r.row) == key)]
    parts = []
    if whole:
        names = [Ref(missing[0].table, row, "total", block) for block, row in whole]
        parts.append("整行缺失：" + "、".join(f"“{row_name(r)}”" for r in names))
    rest = [r for r in missing if (r.block, r.row) not in whole]
    if rest:
        parts.append(cells_listing(rest))
    return "；".join(parts)


def blank_cells(report: Report) -> list[Finding]:
    """OL-BLANK: no blank cells (blank is not 0: the template wants every cell filled, 0 included)."""
    out = []
    for table in ("table2", "table3", "table4"):
        if not table_present(report, table):
            continue
        blanks = [Ref(c.table, c.row, c.column, c.block) for c in report.tables.of(table) if c.value is None]
        if blanks:
            out.append(make("OL-BLANK", "warning", False,
                            f"{TABLE_NAMES[table]}有{len(blanks)}个空白单元格（应填0或数字）：{cells_listing(blanks)}",
                            table=table, count=len(blanks), cells=[cell_evidence(report, r) for r in blanks]))
        else:
            out.append(make("OL-BLANK", "warning", True, f"{TABLE_NAMES[table]}没有空白单元格", table=table))
    return out


def check_outline(report: Report) -> list[Finding]:
    """All outline and completeness rules."""
    return [
        *sections_present(report),
        *section_order(report),
        *overall_topics(report),
        *accountability(report),
        *template_fit(report),
        *tables_present(report),
        *legacy_other_row(report),
        *cells_present(report),
        *blank_cells(report),
    ]
