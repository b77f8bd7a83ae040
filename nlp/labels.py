"""Chinese names shown to people: topics, levels, severities, sections, tables and their rows and columns."""

from __future__ import annotations

import re

from nlp.schema import (
    SECTION_BY_KEY,
    SECTIONS,
    TABLE2,
    TABLE3_COLUMNS,
    TABLE3_GROUPS,
    TABLE3_ROWS,
    TABLE4_CELLS,
    TABLE4_GROUPS,
)
from nlp.vocabulary import ARABIC_ITEM, HEADING_NUMBER, PAREN_NUMBER

TOPIC_NAMES: dict[str, str] = {"problem": "问题", "measure": "措施", "mechanism": "机制", "practice": "年度工作", "other": "其他"}
LEVEL_NAMES: dict[str, str] = {
    "national": "国家", "province": "省级", "city": "市级", "county": "县级", "township": "乡镇", "department": "部门",
}
SEVERITY_NAMES: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}
SECTION_NAMES: dict[str, str] = {s.key: s.heading for s in SECTIONS}

# Each statistical table belongs to the section that reports it; its title is that section's name.
TABLE_SECTIONS: dict[str, str] = {"table2": "s2_proactive", "table3": "s3_applications", "table4": "s4_review_litigation"}
TABLE_NAMES: dict[str, str] = {t: f"表{SECTION_BY_KEY[s].numeral}" for t, s in TABLE_SECTIONS.items()}
TABLE_TITLES: dict[str, str] = {t: f"{TABLE_NAMES[t]} {SECTION_BY_KEY[s].canonical}" for t, s in TABLE_SECTIONS.items()}
# The table format a report follows (nlp.schema's template keys), as a reviewer names it.
TEMPLATE_NAMES: dict[str, str] = {"v2019": "2019 年试行格式", "v2021": "2021 年格式"}
# Table 二's blocks by the article item they report (第二十条第（一）项), never by their internal id.
TABLE2_BLOCK_NAMES: dict[str, str] = {b.id: f"第二十条第（{b.item}）项" for blocks in TABLE2.values() for b in blocks}

# Short labels keep messages readable; the template labels (nlp.schema) stay in the evidence.
# Table 三's 其他 column would read as "other" alone, so it names the applicant kind.
T3_COLUMN_LABELS: dict[str, str] = dict(TABLE3_COLUMNS) | {"other_org": "其他组织"}
# Both litigation groups are 行政诉讼; the template heads them only by how the case came to court.
T4_GROUP_LABELS: dict[str, str] = {
    g: (label if g == "review" else f"行政诉讼（{label}）") for g, label in TABLE4_GROUPS
}
# The template's 结果维持/结果纠正/其他结果/尚未审结 without the 结果 and 尚 every equation would repeat.
T4_CELL_LABELS: dict[str, str] = {c: re.sub(r"结果|^尚", "", label) for c, label in TABLE4_CELLS}

_NUMBERING = re.compile(rf"^(?:{HEADING_NUMBER}|{PAREN_NUMBER}|{ARABIC_ITEM})")
_ROW_LABELS = {r.id: r.label for rows in TABLE3_ROWS.values() for r in rows}


def _bare(label: str) -> str:
    """A template row label without its numbering and its parenthesised note ("（二）部分公开（…）" → 部分公开)."""
    return re.sub(r"（[^）]*）$", "", _NUMBERING.sub("", label))


# Table 三's top rows as a reviewer says them: the template label less numbering, notes and the repeated
# 政府信息公开申请数量 / 继续办理; the results total is named with its group so it is not the table's 总计.
T3_ROW_SHORT: dict[str, str] = {
    row: re.sub(r"政府信息公开申请数量$|继续办理$", "", _bare(_ROW_LABELS[row]))
    for row in ("r1_new", "r2_carry_in", "r3_1_granted", "r3_2_partial", "r3_6_other", "r4_carry_out")
} | {"r3_7_total": "办理结果总计"}
_GROUP_SHORT: dict[str, str] = {g: _bare(label) for g, label in TABLE3_GROUPS.items() if g != "r3_results"}


def t3_row_label(row: str) -> str:
    """A short readable label for a table-三 row ("不予公开·1.属于国家秘密")."""
    if row in T3_ROW_SHORT:
        return T3_ROW_SHORT[row]
    label = _ROW_LABELS.get(row)
    if label is None:
        return row
    parent = next((r.parent for rows in TABLE3_ROWS.values() for r in rows if r.id == row), None)
    group = _GROUP_SHORT.get(parent or "")
    return f"{group}·{label}" if group else label

# How the reader placed a cell under its column, as a reviewer reads it.
PLACEMENT_NAMES: dict[str, str] = {
    "header_span": "按表头的合并单元格位置", "geometry": "按版面横向位置", "arithmetic_choice": "按勾稽关系在多种对齐中选择",
    "template_order": "按模板列顺序",
}

# A report's status as reviewers see it (needs_review scores are listed apart, never ranked), and in a batch
# the outcome of a worker that did not return one.
STATUS_NAMES: dict[str, str] = {
    "ok": "已读取", "needs_review": "需人工复核", "failed": "读取失败",
    "timeout": "处理超时", "memory": "内存超限", "crashed": "工作进程崩溃", "error": "处理出错",
}
JOB_STATUS_NAMES: dict[str, str] = {
    "queued": "排队中", "running": "处理中", "done": "已完成", "failed": "失败", "cancelled": "已取消",
}
# Why a report could not be (fully) read or scored, in a word: the reasons batch summaries group reports by.
REASON_NAMES: dict[str, str] = {
    "empty_file": "空文件", "old_word_format": "旧版 Word 格式", "unsupported_format": "不支持的文件格式",
    "cannot_open": "无法打开", "encrypted": "文件已加密", "unreadable": "文件损坏或不完整", "no_text_layer": "扫描件无文字层",
    "cid_garbage": "字体无法解码", "no_text": "没有可读文字", "not_a_report": "不是年度报告", "too_large": "文件过大",
    "too_complex": "结构过于复杂", "internal_error": "程序内部错误", "table_unreadable": "表格未能读取",
    "timeout": "处理超时", "memory": "内存超限", "crashed": "工作进程崩溃", "error": "处理出错",
}


def reason_name(code: str | None) -> str:
    """The Chinese name of a failure reason code (the code itself for one not named yet)."""
    return REASON_NAMES.get(code or "", code or "未知原因")


# A topic model version's origin and each switch of the served version (training.versions), on the models page.
MODEL_DECISION_NAMES: dict[str, str] = {
    "seed": "初始版本", "promoted": "已启用", "kept": "未启用（保留旧版本）", "rollback": "手动切换",
}
# Why the review queue asks again about an answer given under an older label set ({version}: that set's number,
# {label}: its topic name, {new}: the topic split off it).
RECHECK_NOTES: dict[str, str] = {
    "recheck": "此句曾按第 {version} 版标签标为“{label}”。新版标签把本年度做了的工作单列为“{new}”，"
               "“{label}”只指为改进工作、整改问题采取或计划的措施，请重新判断。",
    "void": "此句曾按第 {version} 版标签标为“{label}”，当前标签中已没有这一类，请重新判断。",
}
