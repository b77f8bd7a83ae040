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

TOPIC_NAMES: dict[str, str] = {"problem": "问题", "measure": "改进措施", "mechanism": "机制", "practice": "年度工作", "other": "其他"}
LEVEL_NAMES: dict[str, str] = {
    "national": "国家", "province": "省级", "city": "市级", "county": "县级", "township": "乡镇", "department": "部门",
}
SEVERITY_NAMES: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}
SECTION_NAMES: dict[str, str] = {s.key: s.heading for s in SECTIONS}

# Each statistical table belongs to the section that reports it; its title is that section's name.
TABLE_SECTIONS: dict[str, str] = {"table2": "s2_proactive", "table3": "s3_applications", "table4": "s4_review_litigation"}
TABLE_NAMES: dict[str, str] = {t: f"表{SECTION_BY_KEY[s].numeral}" for t, s in TABLE_SECTIONS.items()}
TABLE_TITLES: dict[str, str] = {t: f"{TABLE_NAMES[t]} {SECTION_BY_KEY[s].canonical}" for t, s in TABLE_SECTIONS.items()}
# Kinds of near-duplicate pairs a batch finds (service.batch.dedup).
PAIR_KIND_NAMES: dict[str, str] = {"same_year": "同年雷同", "across_years": "跨年雷同"}
# The file kinds the readers know (Report.source.format).
FORMAT_NAMES: dict[str, str] = {"pdf": "PDF", "html": "HTML 网页", "docx": "Word 文档（DOCX）", "text": "纯文本", "image": "图像"}
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
# A value the evaluator infers from the table's identities for one uncertain cell (eval.suggest): shown beside
# the printed value, never used for the score.
INFERRED_VALUE = "推断值，需人工核对"
# A broken identity that a cell read with low confidence may explain: our reading is in doubt, not the report.
DOUBTFUL_READING = "{cells}读取把握不大，此项不计入评分，需人工核对"
NOT_CHARGED = "此项不计入评分"
LAST_YEAR_CELL = "上年{cell}"

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

# ------------------------------------------------------------------ descriptions (one sentence for people)
# Every code a person may meet has a name (above or here) and a description: statuses, levels, rules,
# and the codes of reading problems (failures and warnings). tests/service/test_no_raw_codes_cli.py holds
# the CLI and the batch page to them.

STATUS_DESCRIPTIONS: dict[str, str] = {
    "ok": "报告已读取并评分。",
    "needs_review": "文档中有内容未能读取（多为表格），相关规则不评分，分数不参与排名，请人工核对原文。",
    "failed": "文档无法读取（空文件、加密、扫描件无文字层或不是年度报告等），没有评分，不参与排名。",
    "timeout": "处理时间超过上限，已停止，没有评分。",
    "memory": "处理所需内存超过上限，已停止，没有评分。",
    "crashed": "处理该文档的工作进程意外退出，没有评分；可用 --retry-failed 重试。",
    "error": "处理该文档时出错，没有评分；可用 --retry-failed 重试。",
}
LEVEL_DESCRIPTIONS: dict[str, str] = {
    "national": "国务院及其部门", "province": "省、自治区、直辖市人民政府", "city": "设区的市、自治州人民政府",
    "county": "县、县级市、市辖区人民政府", "township": "乡镇人民政府、街道办事处", "department": "政府的工作部门和其他机关",
}

# Scoring rules (eval/rubric.toml) by what they check.
RULE_NAMES: dict[str, str] = {
    "REPORT-FAILED": "文档无法读取",
    "OL-SECTIONS": "六个部分齐全", "OL-ORDER": "部分顺序", "OL-S1-TOPICS": "总体情况五项内容",
    "OL-S1-ACCOUNT": "考核评议与责任追究", "OL-TEMPLATE": "表格格式版本", "OL-TABLES": "三张统计表齐全",
    "OL-CELLS": "统计表单元格齐全", "OL-T3-LEGACY": "表三“其他处理”分项", "OL-BLANK": "统计表无空白单元格",
    "PF-S6-FEE": "信息处理费收取情况", "PF-PERIOD": "统计期限", "PF-S1-LENGTH": "总体情况篇幅",
    "PF-TIMELY": "按时发布",
    "T3-R1": "表三收结平衡", "T3-R2": "表三各行合计", "T3-R3": "表三办理结果合计", "T3-R4": "表三数值规范",
    "T4-R1": "表四行政复议合计", "T4-R2": "表四行政诉讼（未经复议）合计", "T4-R3": "表四行政诉讼（复议后起诉）合计",
    "T4-R4": "表四数值规范", "T2-R1": "表二数值规范",
    "T3-N1": "正文与表三一致", "T4-N1": "正文与表四一致", "T2-N1": "正文与表二一致",
    "T3-X1": "表三与上年结转衔接", "T2-X1": "表二与上年现行有效件数衔接", "X-PAIR": "跨年度对比的前提",
    "X-REUSE-S5": "问题与措施不照搬上年", "X-REUSE-TEXT": "全文不照搬上年",
    "Q-S1-CONCRETE": "总体情况内容具体", "Q-S5-PROBLEMS": "列出具体问题", "Q-S5-MEASURES": "列出改进措施",
    "Q-S5-VAGUE": "问题表述不空泛", "Q-S5-MATCH": "措施对应问题", "Q-RECTIFY": "上年度问题整改情况",
}
RULE_DESCRIPTIONS: dict[str, str] = {
    "REPORT-FAILED": "文档无法读取时没有其他可检查的内容，整份报告不评分。",
    "OL-SECTIONS": "报告应有格式规定的六个部分：总体情况、主动公开、依申请公开、复议诉讼、问题及改进、其他事项。",
    "OL-ORDER": "六个部分应按格式规定的顺序排列。",
    "OL-S1-TOPICS": "总体情况应分别报告主动公开、依申请公开、政府信息管理、平台建设、监督保障五项内容。",
    "OL-S1-ACCOUNT": "各级政府应在总体情况中报告工作考核、社会评议和责任追究结果（条例第五十条）。",
    "OL-TEMPLATE": "报告年度适用的统计表格式（2019 年试行格式或 2021 年格式）应与所用格式一致。",
    "OL-TABLES": "表二、表三、表四三张统计表都应在报告中给出。",
    "OL-CELLS": "统计表的每一行、每一列都应按格式给出，不缺行缺列。",
    "OL-T3-LEGACY": "2021 年格式把表三“（六）其他处理”拆为逾期不补正、逾期不缴费、其他三项，不应沿用单行。",
    "OL-BLANK": "统计表的单元格应填数字，没有发生的填 0，不留空白。",
    "PF-S6-FEE": "第六部分应报告信息处理费的收取情况（国办函〔2021〕30号）。",
    "PF-PERIOD": "统计期限应为报告年度的 1 月 1 日至 12 月 31 日。",
    "PF-S1-LENGTH": "总体情况应简明扼要，篇幅不宜过长。",
    "PF-TIMELY": "年度报告应在次年 1 月 31 日前发布。",
    "T3-R1": "表三每一列：本年新收 + 上年结转 = 办理结果总计 + 结转下年度继续办理。",
    "T3-R2": "表三每一行：各类申请人的数字之和等于总计列。",
    "T3-R3": "表三每一列：各项办理结果之和等于办理结果总计。",
    "T3-R4": "表三填写的数值应为非负整数。",
    "T4-R1": "表四行政复议：结果维持、结果纠正、其他结果、尚未审结之和等于总计。",
    "T4-R2": "表四未经复议直接起诉的行政诉讼：各项结果之和等于总计。",
    "T4-R3": "表四复议后起诉的行政诉讼：各项结果之和等于总计。",
    "T4-R4": "表四填写的数值应为非负整数。",
    "T2-R1": "表二填写的数值应为非负数，件数为整数，收费金额可有小数。",
    "T3-N1": "正文中收到、办结、结转的申请数应与表三相应单元格一致。",
    "T4-N1": "正文中行政复议、行政诉讼的件数应与表四总计一致。",
    "T2-N1": "正文中制发、废止、现行有效的规章和规范性文件件数应与表二一致。",
    "T3-X1": "本年表三“上年结转”应等于上年报告表三“结转下年度继续办理”。",
    "T2-X1": "上年现行有效件数 + 本年制发 − 本年废止应等于本年现行有效件数。",
    "X-PAIR": "跨年度检查需要同一机关相邻年度的报告；机关或年度对不上时只作提示。",
    "X-REUSE-S5": "第五部分的问题和改进措施不应与上年报告大段相同。",
    "X-REUSE-TEXT": "全文不应与上年报告大段相同。",
    "Q-S1-CONCRETE": "总体情况应有具体数字和做法，而非泛泛而谈。",
    "Q-S5-PROBLEMS": "第五部分应列出本年度工作中存在的具体问题。",
    "Q-S5-MEASURES": "第五部分应针对问题提出改进措施。",
    "Q-S5-VAGUE": "问题应具体，不用“还有差距”“有待加强”之类空泛的说法代替。",
    "Q-S5-MATCH": "改进措施应与所列问题一一对应。",
    "Q-RECTIFY": "报告上年度问题的整改情况（加分项，不是格式要求）。",
}

# Codes of reading problems (nlp ReportError.code): failures, warnings and notes, by what a reviewer does next.
CODE_NAMES: dict[str, str] = REASON_NAMES | {
    "no_text_layer": "扫描件无文字层", "invalid_bytes": "个别字节无法解码", "too_many_pages": "页数超过上限",
    "cell_unparseable": "单元格数值无法识别", "missing_sections": "缺少部分", "missing_table": "缺少统计表",
    "table2_block_unexpected": "表二出现格式以外的栏目", "table3_columns_reordered": "表三列顺序与格式不同",
    "table3_legacy_other_row": "表三沿用“其他处理”单行", "table_cell_outside_header": "单元格超出表头范围",
    "topics_unavailable": "句子主题模型不可用", "table_row_skipped": "表格行未能读取",
    "pre2019_format": "2019 年以前的格式", "template_mismatch": "表格格式与年度不符",
    "section_heading_inferred": "部分标题由内容推断", "table_alignment_by_arithmetic": "列对齐按勾稽关系确定",
    "table_alignment_ambiguous": "列对齐无法确定",
    "ocr_used": "已用文字识别读取", "ocr_unavailable": "文字识别不可用", "ocr_page_turned": "页面方向已转正",
    "ocr_too_many_boxes": "文字框过多", "ocr_page_timeout": "文字识别超时", "image_downscaled": "图像已缩小后识别",
    "text_layer_garbage": "文字层是乱码",
}
CODE_DESCRIPTIONS: dict[str, str] = {
    "empty_file": "文件没有内容。", "old_word_format": "旧版 .doc 格式无法读取，请另存为 .docx 或 PDF。",
    "unsupported_format": "只支持 PDF、HTML、DOCX、纯文本和 Markdown。", "cannot_open": "文件无法打开，可能已损坏。",
    "encrypted": "PDF 已加密，需先解除密码保护。", "unreadable": "文件损坏或不完整，无法读取。",
    "no_text_layer": "PDF 是扫描图像，没有文字层，需要先做文字识别（OCR）。",
    "cid_garbage": "PDF 的字体没有编码映射，提取出的文字是乱码。", "no_text": "文档中没有可读的文字。",
    "not_a_report": "文档不像政府信息公开工作年度报告（没有报告标题、六个部分或统计表）。",
    "too_large": "文件超过大小、行数或页数的上限。", "too_complex": "文档结构超过处理上限（如文字操作过多、表格过大）。",
    "internal_error": "程序自身出错（不是报告的问题），已记入日志；可重试。",
    "table_unreadable": "文档中有统计表但未能读取，相关规则不评分，需人工核对。",
    "timeout": STATUS_DESCRIPTIONS["timeout"], "memory": STATUS_DESCRIPTIONS["memory"],
    "crashed": STATUS_DESCRIPTIONS["crashed"], "error": STATUS_DESCRIPTIONS["error"],
    "invalid_bytes": "文本中少量字节无法解码，已替换为占位符，个别字可能显示不正确。",
    "too_many_pages": "只读取了前面的页，后面的页超出上限未读。",
    "cell_unparseable": "单元格中的内容不是可识别的数字，按空白处理。",
    "missing_sections": "报告缺少格式规定的部分。", "missing_table": "报告中没有找到某张统计表。",
    "table2_block_unexpected": "表二中有格式以外的栏目，已忽略。",
    "table3_columns_reordered": "表三的申请人列顺序与格式不同，已按表头对齐读取。",
    "table3_legacy_other_row": "表三“（六）其他处理”仍是 2019 年试行格式的单行，未拆为 2021 年格式的三项。",
    "table_cell_outside_header": "有单元格位于表头各列之外，未能归入某一列。",
    "topics_unavailable": "句子主题模型无法加载，正文句子未分类，相关规则无法评价。",
    "table_row_skipped": "表格中有一行未能读取，已跳过。",
    "pre2019_format": "报告使用 2019 年以前的格式，部分规则不适用。",
    "template_mismatch": "报告所用表格格式与报告年度应使用的格式不同。",
    "section_heading_inferred": "某个部分的标题没有按格式书写，由内容推断其位置。",
    "table_alignment_by_arithmetic": "表格列位置有多种可能，按表内勾稽关系选定，请核对。",
    "table_alignment_ambiguous": "表格列位置无法确定，相关单元格需人工核对。",
    "ocr_used": "文档没有可用的文字层，已用文字识别（OCR）读取；识别把握不足的数字已标出，需人工核对。",
    "ocr_unavailable": "这是图像或扫描件，但本机的文字识别（OCR）无法使用，文档未能读取。",
    "ocr_page_turned": "页面图像是横放或倒置的，已转正后识别。",
    "ocr_too_many_boxes": "一页中的文字框超过上限，只识别了前面的部分。",
    "ocr_page_timeout": "一页的文字识别超过时限，该页未读取。",
    "image_downscaled": "页面图像过大，已按较低分辨率识别，个别字可能识别不准。",
    "text_layer_garbage": "PDF 的文字层是乱码，已改用文字识别（OCR）读取。",
}


def describe(names: dict[str, str], descriptions: dict[str, str], code: str) -> str:
    """"名称：说明" for a code; a code without a name is shown as 未知代码 with the code, never bare."""
    name = names.get(code)
    if name is None:
        return f"未知代码（{code}）"
    text = descriptions.get(code)
    return f"{name}：{text}" if text else name


# ------------------------------------------------------------------ the web service's words
# Account roles (the 403 page names the role a page needs) and the groupings a ranking offers.
ROLE_NAMES: dict[str, str] = {"viewer": "只读", "reviewer": "评审员", "admin": "管理员"}
GROUPING_NAMES: dict[str, str] = {"province": "省份", "city": "城市", "level": "层级", "year": "年度"}


# Reader messages end with an English gloss for logs ("文件为空 (empty file)") and may name a table format by
# its key ("应使用 v2021 格式"); people get the Chinese sentence with the format's name.
_GLOSS = re.compile(r"\s*\([A-Za-z][\x20-\x7e]*\)\s*$")
_TEMPLATE_KEY = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(map(re.escape, TEMPLATE_NAMES)) + r")(?![A-Za-z0-9])\s*(格式)?")


def for_people(message: str) -> str:
    """A message as people read it: without its English gloss, table formats by name."""
    return _TEMPLATE_KEY.sub(lambda m: TEMPLATE_NAMES[m.group(1)], _GLOSS.sub("", message))


# The served topic model's name where the service runs without one (service.web.analyzer says "none").
NO_MODEL_NAME = "未加载主题模型"

# What an error page says for the HTTP errors the framework raises with its English phrase ("Not Found").
HTTP_ERROR_NAMES: dict[int, str] = {
    400: "请求有误", 401: "需要登录", 403: "无权操作", 404: "页面不存在", 405: "不支持此请求方式",
    413: "上传内容过大", 415: "文件类型不受支持", 422: "请求参数有误", 429: "请求过于频繁，请稍后再试",
    500: "服务器内部错误",
}
