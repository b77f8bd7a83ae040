"""The domain's words in one place: topic labels, cue phrases, heading and numbering patterns, count units."""

from __future__ import annotations

import re
from collections.abc import Iterable

# ---------------------------------------------------------------- topics

LABELS: tuple[str, ...] = ("problem", "measure", "mechanism", "other")

# ---------------------------------------------------------------- cue phrases

# The words of the keyword rules the shipped topic model was fitted with (models/baseline.py keyword_rule
# feeds the model's keyword share): kept as fitted, so that model's outputs do not move.
PROBLEM_WORDS: tuple[str, ...] = (
    "有待", "仍需", "尚需", "还需", "不够", "不足", "不到位", "不及时", "不规范", "差距", "薄弱", "单一", "不高",
    "欠缺", "滞后", "偏低", "较少",
)
PROBLEM_PATTERN = r"存在.{0,12}问题"  # a problem named as such ("存在信息更新不及时等问题")
MECHANISM_WORDS: tuple[str, ...] = (
    "制度", "机制", "领导小组", "责任制", "办法》", "规定》", "工作规程", "联席会议", "考核",
)
MEASURE_WORDS: tuple[str, ...] = (
    "加强", "推进", "提升", "优化", "加大", "强化", "深化", "做好", "开展", "抓好", "完善", "拓展", "改进", "发布",
    "组织", "及时", "下一步",
)

# Further words the evaluator reads in section 五, where a sentence has no model topic.
PROBLEM_MORE: tuple[str, ...] = (
    "亟需", "亟待", "存在", "问题", "不完善", "不具体", "不顺畅", "不便", "不强", "不深", "不全", "不平衡", "偏少",
    "过快", "过多", "需要加强", "需要改进", "短板", "漏洞", "缺乏", "缺少", "流于形式", "没有", "未能", "尚未",
    "较弱", "分散",
)
MEASURE_MORE: tuple[str, ...] = (
    "建立", "健全", "提高", "落实", "规范", "严格", "持续", "继续", "着力", "确保", "推动", "探索", "创新", "实行",
    "实施", "编制", "更新", "修订", "制定", "整改", "积极", "将",
)
# What a rule or system is called (the objects of 建立…制度, 落实…机制).
MECHANISM_NOUNS: tuple[str, ...] = (
    "制度", "机制", "办法", "规定", "责任制", "领导小组", "流程", "程序", "原则", "体系", "清单",
)
# Verbs that set up or apply a mechanism.
SETUP_VERBS: tuple[str, ...] = ("建立", "健全", "完善", "制定", "出台", "落实", "执行", "实行", "形成", "设立")
# Words a measure sentence opens with besides the action verbs ("围绕…", "不断…").
MEASURE_OPENERS: tuple[str, ...] = (
    "将", "进一步", "持续", "积极", "着力", "围绕", "聚焦", "针对", "全面", "扎实", "不断", "重点",
)
# A plan rather than a shortcoming: a sentence opening so is not a problem even with a problem word.
PLAN_OPENING = r"^(?:下一步|针对|我们将|将)"


def _unique(*groups: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(w for group in groups for w in group))


# Every cue phrase by what it signals: what the evaluator and spaCy's PhraseMatcher look for.
CUE_PHRASES: dict[str, tuple[str, ...]] = {
    "problem": _unique(PROBLEM_WORDS, PROBLEM_MORE),
    "measure": _unique(MEASURE_WORDS, MEASURE_MORE),
    "mechanism": _unique(MECHANISM_WORDS, MECHANISM_NOUNS),
}


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first so that 不到位 wins over 不到."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# ---------------------------------------------------------------- headings and numbering

NUMERALS = "一二三四五六七八九十"
CN_NUMBER = f"[{NUMERALS}]+"
HEADING_NUMBER = f"{CN_NUMBER}、"  # 一、 opens a section
PAREN_NUMBER = f"[（(]{CN_NUMBER}[）)]"  # （一） opens a sub-item
ENUMERATION_IS = f"[{NUMERALS}]是"  # 一是 … 二是 … inside a paragraph
ARABIC_ITEM = r"\d{1,2}[.．、](?!\d)"  # 1. 2、 but not the decimal 1.5
TABLE_CAPTION = "表[一二三四]"
# A short line that is only a numbered heading ("一、总体情况", "（二）主动公开").
SHORT_HEADING = re.compile(rf"^(?:{HEADING_NUMBER}|{PAREN_NUMBER})\S{{0,30}}$")

# ---------------------------------------------------------------- counts

# Count units of the reports; longest first so 人次 wins over 人.
UNITS: tuple[str, ...] = (
    "人次", "万元", "件次", "余条", "余件", "余个", "元", "件", "条", "个", "项", "次", "场", "期", "篇", "人", "家",
    "份", "起", "宗", "%", "％", "万",
)
