"""Hand-built Reports for evaluator tests: a correct v2021 and v2019 report, and single-cell mutations."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from nlp.report import Cell, CellValue, Meta, Report, Section, Sentence, Source, SubItem, Tables
from nlp.schema import (
    APPLICANT_COLUMNS,
    SECTION_BY_KEY,
    SECTION_KEYS,
    TABLE2,
    TABLE3_COLUMN_IDS,
    TABLE3_ROWS,
    TABLE4_CELL_IDS,
)

# Table 三 of the correct report: applicant counts per row (missing = 0); totals and （七）总计 are computed.
# Per column: 新收 + 结转 = 办理结果 + 结转下年 (natural 20+2 = 20+2, commercial 3 = 3, legal 1 = 1).
T3_PARTS: dict[str, dict[str, int]] = {
    "r1_new": {"natural": 20, "commercial": 3, "legal": 1},
    "r2_carry_in": {"natural": 2},
    "r3_1_granted": {"natural": 8, "commercial": 1, "legal": 1},
    "r3_2_partial": {"natural": 3},
    "r3_3_4": {"natural": 1},
    "r3_4_1": {"natural": 5, "commercial": 1},
    "r3_4_2": {"natural": 1},
    "r3_5_2": {"natural": 1},
    "r3_6_1": {"natural": 1},
    "r3_6_3": {"commercial": 1},
    "r3_6_other": {"natural": 1, "commercial": 1},  # v2019: the same two applications in one row
    "r4_carry_out": {"natural": 2},
}
T4_VALUES: dict[str, tuple[int, int, int, int, int]] = {
    "review": (2, 1, 0, 1, 4),
    "lit_direct": (1, 0, 0, 0, 1),
    "lit_after_review": (0, 0, 1, 0, 1),
}
T2_VALUES: dict[str, dict[tuple[str, str], list[CellValue]]] = {
    "v2021": {
        ("art20_1", "规章"): [0, 0, 3],
        ("art20_1", "行政规范性文件"): [4, 1, 20],
        ("art20_5", "行政许可"): [120],
        ("art20_6", "行政处罚"): [35],
        ("art20_6", "行政强制"): [2],
        ("art20_8", "行政事业性收费"): [1.25],
    },
    "v2019": {
        ("art20_1", "规章"): [1, 1, 10],
        ("art20_1", "规范性文件"): [4, 4, 30],
        ("art20_5", "行政许可"): [50, -3, 200],
        ("art20_5", "其他对外管理服务事项"): [10, 2, 40],
        ("art20_6", "行政处罚"): [30, 0, 15],
        ("art20_6", "行政强制"): [5, 1, 3],
        ("art20_8", "行政事业性收费"): [6, -1],
        ("art20_9", "政府集中采购"): [12, 345.6],
    },
}
TABLE_PAGES = {"table2": 2, "table3": 3, "table4": 4}

# Narrative written for these tests (numbers agree with the tables above).
S1_BODY = [
    "（一）主动公开情况",
    "全年制发行政规范性文件4件，现行有效行政规范性文件20件。",
    "（二）依申请公开情况",
    "全年收到政府信息公开申请24件，办结24件，均按期答复。",
    "全年发生政府信息公开行政复议4件、行政诉讼2件。",
    "（三）政府信息管理情况",
    "建立公文公开属性源头认定机制，对38份文件开展合法性审查。",
    "（四）平台建设情况",
    "完成门户网站信息公开专栏改版，新增栏目6个。",
    "（五）监督保障情况",
    "组织业务培训3次，将政务公开纳入年度绩效考核。",
]
S5_BODY = [
    "（一）存在的主要问题",
    "一是政策解读形式比较单一，图解和视频解读仅占12%。",
    "二是依申请公开答复文书格式不够统一。",
    "（二）改进措施",
    "一是针对上年度指出的栏目更新不及时问题，已建立周检查台账并完成整改。",
    "二是下一步将制作政策图解和短视频解读不少于20件。",
    "三是制定统一的答复文书模板，组织一次答复文书专题评查。",
]
TABLE_NOTE = ["本部分数据见下表。"]


def default_bodies(template: str) -> dict[str, list[str]]:
    """The six section bodies of the correct report."""
    s1 = list(S1_BODY)
    if template == "v2019":
        s1[1] = "全年制定规范性文件4件。"
    return {
        "s1_overall": s1,
        "s2_proactive": TABLE_NOTE,
        "s3_applications": TABLE_NOTE,
        "s4_review_litigation": TABLE_NOTE,
        "s5_problems": list(S5_BODY),
        "s6_other": ["本年度未收取信息处理费。"] if template == "v2021" else ["无。"],
    }


def _bbox(row: int, column: int) -> tuple[float, float, float, float]:
    return (100.0 + 60 * column, 100.0 + 20 * row, 150.0 + 60 * column, 115.0 + 20 * row)


def _cell(table: str, row: str, column: str, value: CellValue, r: int, c: int, block: str | None = None) -> Cell:
    raw = "" if value is None else str(value)
    return Cell(table, row, column, value, raw, block, None, TABLE_PAGES[table], _bbox(r, c))  # type: ignore[arg-type]


def table3_cells(template: str, parts: dict[str, dict[str, int]] | None = None) -> list[Cell]:
    """Table 三 with totals computed: every row's 总计, and （七）总计 as the sum of the result rows."""
    parts = T3_PARTS if parts is None else parts
    rows = [r.id for r in TABLE3_ROWS[template]]
    values: dict[str, dict[str, int]] = {}
    for row in rows:
        if row == "r3_7_total":
            results = [r for r in rows if r.startswith("r3_") and r != "r3_7_total"]
            values[row] = {c: sum(values[r][c] for r in results) for c in APPLICANT_COLUMNS}
        else:
            values[row] = {c: parts.get(row, {}).get(c, 0) for c in APPLICANT_COLUMNS}
        values[row]["total"] = sum(values[row][c] for c in APPLICANT_COLUMNS)
    return [_cell("table3", row, col, values[row][col], i, j)
            for i, row in enumerate(rows) for j, col in enumerate(TABLE3_COLUMN_IDS)]


def table4_cells() -> list[Cell]:
    """Table 四 of the correct report."""
    return [_cell("table4", group, col, value, i, j)
            for i, (group, row) in enumerate(T4_VALUES.items()) for j, (col, value) in enumerate(
                zip(TABLE4_CELL_IDS, row, strict=True))]


def table2_cells(template: str) -> list[Cell]:
    """Table 二 of the correct report."""
    out = []
    for i, block in enumerate(TABLE2[template]):
        for k, row in enumerate(block.rows):
            for j, column in enumerate(block.columns):
                value = T2_VALUES[template][(block.id, row)][j]
                out.append(_cell("table2", row, column, value, 4 * i + k, j, block.id))
    return out


def _split(line: str) -> list[tuple[int, int]]:
    """Sentence spans of one line: on 。；！？ (the evaluator only needs spans and sections)."""
    spans, start = [], 0
    for match in re.finditer(r"[。；！？]", line):
        spans.append((start, match.end()))
        start = match.end()
    if line[start:].strip():
        spans.append((start, len(line)))
    return spans


def build_report(
    template: str = "v2021",
    *,
    bodies: dict[str, list[str]] | None = None,
    drop_sections: tuple[str, ...] = (),
    titles: dict[str, str] | None = None,
    preamble: str | None = None,
    meta: dict[str, Any] | None = None,
) -> Report:
    """A whole Report: title, preamble with the statistics period, six sections, sentences and tables."""
    year = 2021 if template == "v2021" else 2020
    content = default_bodies(template) | (bodies or {})
    title = f"示例县人民政府{year}年政府信息公开工作年度报告"
    preamble = preamble if preamble is not None else (
        f"本报告由示例县人民政府办公室编制，统计期限为{year}年1月1日至{year}年12月31日。")
    text = f"{title}\n{preamble}\n"
    sections, sentences = [], []
    for key in SECTION_KEYS:
        if key in drop_sections:
            continue
        spec = SECTION_BY_KEY[key]
        heading = (titles or {}).get(key, f"{spec.numeral}、{spec.canonical}")
        start = len(text)
        text += heading + "\n"
        sentences.append(Sentence(start, start + len(heading), key))
        items = []
        for line in content[key]:
            line_start = len(text)
            text += line + "\n"
            for a, b in _split(line):
                sentences.append(Sentence(line_start + a, line_start + b, key))
            label = re.match(r"^（[一二三四五六七八九十]）", line)
            if label:
                items.append(SubItem(label.group(), line[len(label.group()):], line_start, line_start + len(line)))
        end = len(text) - 1
        items = [replace(item, end=(items[i + 1].start - 1 if i + 1 < len(items) else end))
                 for i, item in enumerate(items)]
        sections.append(Section(key, heading, start, end, 1 + SECTION_KEYS.index(key) // 2, tuple(items)))
    cells = table2_cells(template) + table3_cells(template) + table4_cells()
    tables = Tables(tuple(cells), ("table2", "table3", "table4"),
                    tuple((t, (p,)) for t, p in TABLE_PAGES.items()))
    fields: dict[str, Any] = {
        "title": title, "agency": "示例县人民政府", "region": "示例县", "level": "county", "year": year,
        "template": template, "template_expected": template, "period": (f"{year}-01-01", f"{year}-12-31"),
    } | (meta or {})
    missing = tuple(k for k in SECTION_KEYS if k in drop_sections)
    return Report(
        source=Source(path=f"built-{template}.txt", format="text"), text=text, meta=Meta(**fields),
        sections=tuple(sections), missing_sections=missing, tables=tables, sentences=tuple(sentences),
    )


def v2021_report(**kwargs: Any) -> Report:
    """The correct 2021-format report (year 2021)."""
    return build_report("v2021", **kwargs)


def v2019_report(**kwargs: Any) -> Report:
    """The correct 2019-trial-format report (year 2020)."""
    return build_report("v2019", **kwargs)


DROP = object()  # a value for set_cells that removes the cell


def set_cells(report: Report, changes: dict[tuple[str, ...], Any]) -> Report:
    """A copy with cells changed: keys are (table, row, column) or (table, row, column, block)."""
    keyed = {(k[0], k[1], k[2], k[3] if len(k) > 3 else None): v for k, v in changes.items()}
    seen, cells = set(), []
    for cell in report.tables.cells:
        key = (cell.table, cell.row, cell.column, cell.block)
        if key in keyed:
            seen.add(key)
            if keyed[key] is DROP:
                continue
            value = keyed[key]
            cell = replace(cell, value=value, raw="" if value is None else str(value))
        cells.append(cell)
    unknown = set(keyed) - seen
    if unknown:
        raise KeyError(f"no such cells: {sorted(map(str, unknown))}")
    return replace(report, tables=replace(report.tables, cells=tuple(cells)))


def set_cell(report: Report, table: str, row: str, column: str, value: Any, block: str | None = None) -> Report:
    """A copy with one cell changed (DROP removes it)."""
    key = (table, row, column) if block is None else (table, row, column, block)
    return set_cells(report, {key: value})


def drop_rows(report: Report, table: str, rows: tuple[str, ...]) -> Report:
    """A copy without some rows of a table."""
    cells = tuple(c for c in report.tables.cells if not (c.table == table and c.row in rows))
    return replace(report, tables=replace(report.tables, cells=cells))


def drop_table(report: Report, table: str) -> Report:
    """A copy without one table (as when it is an image)."""
    cells = tuple(c for c in report.tables.cells if c.table != table)
    found = tuple(t for t in report.tables.found if t != table)
    pages = tuple(p for p in report.tables.pages if p[0] != table)
    return replace(report, tables=Tables(cells, found, pages))


def with_meta(report: Report, **changes: Any) -> Report:
    """A copy with metadata changed."""
    return replace(report, meta=replace(report.meta, **changes))


def legacy_other(report: Report) -> Report:
    """A v2021 report whose table 三 keeps the single v2019 其他处理 row (洪泽区 2023/2024 layout)."""
    cells = [c for c in report.tables.cells if not (c.table == "table3" and c.row in ("r3_6_1", "r3_6_2", "r3_6_3"))]
    legacy = {c.column: 0 for c in cells if c.table == "table3"}
    for c in report.tables.cells:
        if c.table == "table3" and c.row in ("r3_6_1", "r3_6_2", "r3_6_3"):
            legacy[c.column] += c.value  # type: ignore[operator]
    cells += [_cell("table3", "r3_6_other", col, legacy[col], 22, j) for j, col in enumerate(TABLE3_COLUMN_IDS)]
    return replace(report, tables=replace(report.tables, cells=tuple(cells)))


def to_text_document(report: Report) -> str:
    """The report as plain text with tab-separated tables 三 and 四 (like text copied out of a PDF)."""
    t3 = ["\t\t申请人情况", "\t\t自然人\t法人或其他组织\t\t\t\t\t总计",
          "\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t"]
    layout = "v2021" if report.tables.get("table3", "r3_6_1", "total") else "v2019"
    for row in TABLE3_ROWS[layout]:
        values = ["" if (v := report.tables.value("table3", row.id, c)) is None else str(v) for c in TABLE3_COLUMN_IDS]
        t3.append("\t".join([row.label, "", *values]))
    t4 = ["行政复议\t\t\t\t\t行政诉讼", "\t\t\t\t\t未经复议直接起诉\t\t\t\t\t复议后起诉",
          "\t".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3),
          "\t".join(str(report.tables.value("table4", g, c)) for g in T4_VALUES for c in TABLE4_CELL_IDS)]
    out = []
    for line in report.text.splitlines():
        out += [line, ""]
        if line.startswith("三、"):
            out += [*t3, ""]
        elif line.startswith("四、"):
            out += [*t4, ""]
    return "\n".join(out) + "\n"
