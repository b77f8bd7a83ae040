"""The official report template: section keys and headings, table rows and columns with stable ids."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from nlp.vocabulary import ITEM_MARK

# ---------------------------------------------------------------- sections


@dataclass(frozen=True)
class SectionSpec:
    """One of the six required sections, with the heading phrases that identify it."""

    key: str
    numeral: str
    canonical: str
    # Distinctive phrases of the heading (after the numeral); a heading matches when it contains one.
    cues: tuple[str, ...]

    @property
    def heading(self) -> str:
        """The heading as the template prints it: numeral, 、, canonical title."""
        return f"{self.numeral}、{self.canonical}"


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("s1_overall", "一", "总体情况", ("总体情况", "概述", "基本情况")),
    SectionSpec(
        "s2_proactive", "二", "主动公开政府信息情况", ("主动公开政府信息", "主动公开情况", "主动公开")
    ),
    SectionSpec(
        "s3_applications",
        "三",
        "收到和处理政府信息公开申请情况",
        ("收到和处理政府信息公开申请", "处理政府信息公开申请", "依申请公开", "收到和处理"),
    ),
    SectionSpec(
        "s4_review_litigation",
        "四",
        "政府信息公开行政复议、行政诉讼情况",
        ("行政复议", "行政诉讼", "复议", "诉讼"),
    ),
    SectionSpec(
        "s5_problems",
        "五",
        "存在的主要问题及改进情况",
        ("存在的主要问题", "主要问题", "存在问题", "问题及改进", "改进情况", "改进措施"),
    ),
    SectionSpec("s6_other", "六", "其他需要报告的事项", ("其他需要报告", "其他报告的事项", "其他需报告")),
)

SECTION_KEYS = tuple(s.key for s in SECTIONS)
SECTION_BY_KEY = {s.key: s for s in SECTIONS}

# ---------------------------------------------------------------- table 二


@dataclass(frozen=True)
class Table2Block:
    """One 第二十条 item block of table 二: its rows and columns as the template labels them."""

    id: str
    item: str  # the Chinese item numeral inside 第二十条第（…）项
    rows: tuple[str, ...]
    columns: tuple[str, ...]


TABLE2: dict[str, tuple[Table2Block, ...]] = {
    "v2019": (
        Table2Block("art20_1", "一", ("规章", "规范性文件"), ("本年新制作数量", "本年新公开数量", "对外公开总数量")),
        Table2Block(
            "art20_5",
            "五",
            ("行政许可", "其他对外管理服务事项"),
            ("上一年项目数量", "本年增/减", "处理决定数量"),
        ),
        Table2Block(
            "art20_6", "六", ("行政处罚", "行政强制"), ("上一年项目数量", "本年增/减", "处理决定数量")
        ),
        Table2Block("art20_8", "八", ("行政事业性收费",), ("上一年项目数量", "本年增/减")),
        Table2Block("art20_9", "九", ("政府集中采购",), ("采购项目数量", "采购总金额")),
    ),
    "v2021": (
        Table2Block(
            "art20_1", "一", ("规章", "行政规范性文件"), ("本年制发件数", "本年废止件数", "现行有效件数")
        ),
        Table2Block("art20_5", "五", ("行政许可",), ("本年处理决定数量",)),
        Table2Block("art20_6", "六", ("行政处罚", "行政强制"), ("本年处理决定数量",)),
        Table2Block("art20_8", "八", ("行政事业性收费",), ("本年收费金额（单位：万元）",)),
    ),
}

# Cells of table 二 that may be signed or fractional (T2-R1).
TABLE2_SIGNED_COLUMNS = frozenset({"本年增/减"})
TABLE2_DECIMAL_COLUMNS = frozenset({"本年收费金额（单位：万元）", "采购总金额"})

# ---------------------------------------------------------------- table 三

TABLE3_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("nonprofit", "社会公益组织"),
    ("legal", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)
TABLE3_COLUMN_IDS = tuple(c for c, _ in TABLE3_COLUMNS)
APPLICANT_COLUMNS = TABLE3_COLUMN_IDS[:-1]


@dataclass(frozen=True)
class Table3Row:
    """A data row of table 三; `parent` names the result group it belongs to."""

    id: str
    label: str
    parent: str | None = None


_T3_HEAD = (
    Table3Row("r1_new", "一、本年新收政府信息公开申请数量"),
    Table3Row("r2_carry_in", "二、上年结转政府信息公开申请数量"),
    Table3Row("r3_1_granted", "（一）予以公开", "r3_results"),
    Table3Row("r3_2_partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "r3_results"),
    Table3Row("r3_3_1", "1.属于国家秘密", "r3_3_denied"),
    Table3Row("r3_3_2", "2.其他法律行政法规禁止公开", "r3_3_denied"),
    Table3Row("r3_3_3", "3.危及“三安全一稳定”", "r3_3_denied"),
    Table3Row("r3_3_4", "4.保护第三方合法权益", "r3_3_denied"),
    Table3Row("r3_3_5", "5.属于三类内部事务信息", "r3_3_denied"),
    Table3Row("r3_3_6", "6.属于四类过程性信息", "r3_3_denied"),
    Table3Row("r3_3_7", "7.属于行政执法案卷", "r3_3_denied"),
    Table3Row("r3_3_8", "8.属于行政查询事项", "r3_3_denied"),
    Table3Row("r3_4_1", "1.本机关不掌握相关政府信息", "r3_4_unable"),
    Table3Row("r3_4_2", "2.没有现成信息需要另行制作", "r3_4_unable"),
    Table3Row("r3_4_3", "3.补正后申请内容仍不明确", "r3_4_unable"),
    Table3Row("r3_5_1", "1.信访举报投诉类申请", "r3_5_not_processed"),
    Table3Row("r3_5_2", "2.重复申请", "r3_5_not_processed"),
    Table3Row("r3_5_3", "3.要求提供公开出版物", "r3_5_not_processed"),
    Table3Row("r3_5_4", "4.无正当理由大量反复申请", "r3_5_not_processed"),
    Table3Row("r3_5_5", "5.要求行政机关确认或重新出具已获取信息", "r3_5_not_processed"),
)
_T3_TAIL = (
    Table3Row("r3_7_total", "（七）总计", "r3_results"),
    Table3Row("r4_carry_out", "四、结转下年度继续办理"),
)
TABLE3_ROWS: dict[str, tuple[Table3Row, ...]] = {
    "v2019": (*_T3_HEAD, Table3Row("r3_6_other", "（六）其他处理", "r3_results"), *_T3_TAIL),
    "v2021": (
        *_T3_HEAD,
        Table3Row("r3_6_1", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "r3_6_other"),
        Table3Row(
            "r3_6_2", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "r3_6_other"
        ),
        Table3Row("r3_6_3", "3.其他", "r3_6_other"),
        *_T3_TAIL,
    ),
}

# Group labels that carry no numbers in the template; their first child often shares their line.
TABLE3_GROUPS: dict[str, str] = {
    "r3_results": "三、本年度办理结果",
    "r3_3_denied": "（三）不予公开",
    "r3_4_unable": "（四）无法提供",
    "r3_5_not_processed": "（五）不予处理",
    "r3_6_other": "（六）其他处理",
}

# ---------------------------------------------------------------- table 四

TABLE4_GROUPS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"),
    ("lit_direct", "未经复议直接起诉"),
    ("lit_after_review", "复议后起诉"),
)
TABLE4_CELLS: tuple[tuple[str, str], ...] = (
    ("maintain", "结果维持"),
    ("correct", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
TABLE4_GROUP_IDS = tuple(g for g, _ in TABLE4_GROUPS)
TABLE4_CELL_IDS = tuple(c for c, _ in TABLE4_CELLS)


def expected_cells(template: str) -> dict[str, int]:
    """Number of data cells each table has in a template (format-spec §4)."""
    table2 = sum(len(b.rows) * len(b.columns) for b in TABLE2[template])
    table3 = len(TABLE3_ROWS[template]) * len(TABLE3_COLUMNS)
    return {"table2": table2, "table3": table3, "table4": len(TABLE4_GROUPS) * len(TABLE4_CELLS)}


_ITEM_NUMBER = re.compile(rf"^{ITEM_MARK}")


@cache
def row_labels(table: str) -> tuple[str, ...]:
    """The row labels a table prints, in either template, without their numbering (which copies keep or drop)."""
    if table == "table2":
        labels = [row for blocks in TABLE2.values() for block in blocks for row in block.rows]
    elif table == "table3":
        labels = [row.label for rows in TABLE3_ROWS.values() for row in rows]
    else:
        labels = [label for _, label in TABLE4_GROUPS]
    return tuple(dict.fromkeys(_ITEM_NUMBER.sub("", label) for label in labels))
