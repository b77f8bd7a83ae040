"""The domain's words in one place: topic labels, cue phrases, heading and numbering patterns, count units."""

from __future__ import annotations

import re
from collections.abc import Iterable

# ---------------------------------------------------------------- topics

LABELS_V1: tuple[str, ...] = ("problem", "measure", "mechanism", "other")
# v2 splits the year's work done (practice) off measure, which now means improvement steps only (GUIDELINES.md).
LABELS_V2: tuple[str, ...] = ("problem", "measure", "mechanism", "practice", "other")
LABEL_SETS: dict[int, tuple[str, ...]] = {1: LABELS_V1, 2: LABELS_V2}
# The set the shipped model was trained on: flipped to 2 together with a v2 model.
LABEL_SET_VERSION = 2
LABELS: tuple[str, ...] = LABEL_SETS[LABEL_SET_VERSION]

# ---------------------------------------------------------------- headings and numbering

NUMERALS = "一二三四五六七八九十"
CN_NUMBER = f"[{NUMERALS}]+"
HEADING_NUMBER = f"{CN_NUMBER}、"  # 一、 opens a section
PAREN_NUMBER = f"[（(]{CN_NUMBER}[）)]"  # （一） opens a sub-item
ENUMERATION_IS = f"[{NUMERALS}]是"  # 一是 … 二是 … inside a paragraph
ARABIC_ITEM = r"\d{1,2}[.．、](?!\d)"  # 1. 2、 but not the decimal 1.5
TABLE_CAPTION = "表[一二三四]"
# The words that end a report's title: "…政府信息公开工作年度报告" and its short forms.
REPORT_TITLE_WORDS = r"(?:政府)?信息公开(?:工作)?年度?报告"
# Any item numbering a line may open with: 一、 二. （三） 4. 5、 (spaces allowed, decimals not).
ITEM_MARK = rf"(?:{CN_NUMBER}\s*[、.．]|[（(]\s*{CN_NUMBER}\s*[）)]|\d{{1,2}}\s*[.．、](?!\d))"
# A short line that is only a numbered heading ("一、总体情况", "（二）主动公开").
SHORT_HEADING = re.compile(rf"^(?:{HEADING_NUMBER}|{PAREN_NUMBER})\S{{0,30}}$")

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

# Labels v2's practice, the year's work reported as done in 一 (events, releases, trainings, platforms): cue words
# for the rules and lexical parts of a topic model, not read by the evaluator.
PRACTICE_WORDS: tuple[str, ...] = (
    "召开", "举办", "发布会", "通气会", "培训班", "参训", "上线", "开通", "建成", "改版", "编发", "刊登", "推送", "活动",
    "开放日", "组织开展", "年内",
)
# A count that sizes the body's own work ("召开发布会12场", "编发公报6期"), a practice in 一.
PRACTICE_COUNT = r"(?:召开|举办|举行|编发|刊登|推送|制作|开展|组织|培训|检查|发布)[^。；，]{0,16}?\d+余?\s*(?:场|次|期|件|条|篇|个|项|批|人次)"
# Reach and audience figures: a sentence whose point they are is other, even when it also counts releases.
REACH_WORDS: tuple[str, ...] = ("阅读量", "浏览量", "访问量", "观看量", "播放量", "点赞", "粉丝", "关注人数")

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
# A sentence that announces what will be done, wherever it says so ("我区将继续…", "二是拟…").
PLAN_PATTERN = rf"下一步|^(?:{ENUMERATION_IS})?(?:将|拟|计划)|[我本][区市县省局委办厅镇乡]将|将(?:进一步|继续|着力|切实|持续)"
# Words of 五's sub-headings that say whether the sentences under them are problems or improvements.
PROBLEM_PART = r"问题|不足|短板|表现在"
IMPROVE_PART = r"改进|整改|措施|举措|下一步|计划|打算|以下工作"
# Verbs that say a problem was dealt with (上年度问题…已整改).
RECTIFY_WORDS = r"整改|改进|落实|解决"


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


# Boilerplate that says nothing without a concrete object (our list, not an official one).
VAGUE_PHRASES: tuple[str, ...] = (
    "进一步加强", "进一步提升", "进一步提高", "进一步完善", "进一步规范", "进一步推进", "进一步深化", "进一步做好",
    "不断提升", "不断提高", "不断完善", "不断加强", "不断规范", "有待提高", "有待提升", "有待加强", "有待进一步",
    "有待改进", "仍需加强", "仍需提升", "仍需进一步", "还需加强", "还需进一步", "尚需加强", "持续推进", "持续提升",
    "切实加强", "全面提升", "着力提升", "稳步推进", "扎实推进", "取得一定成效", "取得一定的成效", "取得一定成绩",
    "存在一定差距", "仍存在一定差距", "一些不足", "还存在差距", "还有差距", "提高认识", "统一思想", "高度重视",
    "认真做好", "切实做好", "有力促进", "大力推进", "常态化", "新要求", "新期待",
)
# Objects that make a statement about disclosure work concrete enough to act on.
CONCRETE_OBJECTS: tuple[str, ...] = (
    "《", "“", "栏目", "专栏", "网站", "门户", "平台", "目录", "指南", "解读", "培训", "答复", "文书", "复议", "诉讼",
    "申请", "新媒体", "公众号", "微博", "公报", "清单", "台账", "流程", "模板", "案例", "标准", "考核", "督查", "热线",
    "场所", "数据", "系统", "决策", "征集", "听证", "回应", "舆情", "预算", "决算", "收费", "采购", "许可", "处罚",
    "审批", "人员", "队伍", "编制", "检索", "页面", "事项", "档案", "保密", "审查", "意见", "政策", "文件",
)

# ---------------------------------------------------------------- administrative divisions

# The suffixes that name a division's level in a body's name ("淮安市", "洪泽区", "延边朝鲜族自治州").
PROVINCE_SUFFIXES: tuple[str, ...] = ("省", "自治区")
CITY_SUFFIXES: tuple[str, ...] = ("市", "自治州", "地区", "盟")
COUNTY_SUFFIXES: tuple[str, ...] = ("县", "自治县", "区", "旗")
TOWNSHIP_SUFFIXES: tuple[str, ...] = ("乡", "镇", "街道")

# ---------------------------------------------------------------- counts

# Count units of the reports; longest first so 人次 wins over 人.
UNITS: tuple[str, ...] = (
    "人次", "万元", "件次", "余条", "余件", "余个", "元", "件", "条", "个", "项", "次", "场", "期", "篇", "人", "家",
    "份", "起", "宗", "%", "％", "万",
)
