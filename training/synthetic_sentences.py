"""Template sentences written for this project, to give the small model volume for every topic."""

from __future__ import annotations

import random

# Fragments written by us (not taken from any report); combined at random with a fixed seed.
_WHO = ("", "", "我局", "本机关", "区政府办公室", "县政府", "市政务公开办", "各乡镇", "部分单位", "个别部门", "我委")
_AREA = (
    "政策解读", "依申请公开办理", "政府网站栏目", "政务新媒体", "主动公开目录", "财政预决算公开",
    "重点领域信息公开", "公开属性审查", "答复文书", "政务公开专区", "信息发布审核", "决策公开",
    "政府公报", "舆情回应", "基层政务公开", "公开指南", "办事指南", "政策文件库", "网站检索功能",
    "人大代表建议办理结果公开", "标准化规范化建设", "公众参与",
)
_PROBLEM_TAIL = (
    "还不够规范", "有待进一步提高", "仍需加强", "存在滞后现象", "不够及时", "质量不高", "形式比较单一",
    "覆盖面不广", "尚需完善", "与群众期待还有差距", "存在薄弱环节", "还不到位", "针对性不强",
    "更新不及时", "内容不够具体",
)
_PROBLEM_HEAD = ("", "", "一是", "二是", "三是", "主要问题是", "存在的不足是", "工作中发现")
_MEASURE_VERB = (
    "加强", "进一步优化", "持续推进", "扎实做好", "加大", "深入推进", "着力提升", "全面梳理", "改进",
    "积极拓展", "抓好", "重点做好", "不断丰富",
)
_MEASURE_TAIL = (
    "", "，提升公开实效", "，方便群众查询", "，及时回应社会关切", "，切实提高工作质量",
    "，确保信息准确及时", "，增强政策的知晓度",
)
_MEASURE_HEAD = ("", "", "下一步，", "明年将", "一是", "二是", "三是", "我们将", "同时，")
_MECH_VERB = ("建立", "建立健全", "完善", "制定", "落实", "严格执行", "实行", "出台", "健全")
_MECH_OBJ = (
    "工作制度", "审核机制", "联动机制", "工作规程", "管理办法", "考核办法", "责任制", "会商制度",
    "长效机制", "领导小组", "联席会议制度", "工作流程", "审查程序", "责任追究制度", "评议制度",
)
_MECH_TAIL = ("", "，明确责任分工", "，形成工作闭环", "，确保有章可循", "，将任务落实到人", "，定期通报")
_OTHER = (
    "全年{v}主动公开信息{n}条。", "本年度共受理申请{n}件。", "收取信息处理费{n}元。", "行政复议{n}件，行政诉讼{n2}件。",
    "其中予以公开{n}件，不予公开{n2}件。", "网站访问量达到{n}万人次。", "{h}主动公开政府信息情况", "（{c}）{a}情况",
    "本年度无其他需要报告的事项。", "新媒体粉丝数{n}人。", "制发规范性文件{n}件，废止{n2}件。",
)
_FREQ = ("每季度", "定期", "年中", "全年", "按月", "")
_CHECK = ("专项检查", "督查", "抽查", "专题培训", "巡查", "业务指导")
_ASSESS = ("年度绩效考核", "目标责任考核", "综合考评", "督查考核体系")
_CN = "一二三四五六"


def synthetic_sentences(n_per_label: int = 400, seed: int = 13) -> list[tuple[str, str]]:
    """(text, label) pairs built from our own fragments, balanced over the four topics."""
    rng = random.Random(seed)
    out: list[tuple[str, str]] = []
    for _ in range(n_per_label):
        out.append((f"{rng.choice(_PROBLEM_HEAD)}{rng.choice((*_WHO[8:], ''))}{rng.choice(_AREA)}{rng.choice(_PROBLEM_TAIL)}"
                    f"{rng.choice('。；')}", "problem"))
        if rng.random() < 0.3:  # inspections and training are steps, not standing mechanisms
            measure = f"{rng.choice(_FREQ)}对{rng.choice(_AREA)}开展{rng.choice(_CHECK)}{rng.choice(_MEASURE_TAIL)}。"
        else:
            measure = (f"{rng.choice(_MEASURE_HEAD)}{rng.choice(_MEASURE_VERB)}{rng.choice(_AREA)}工作"
                       f"{rng.choice(_MEASURE_TAIL)}{rng.choice('。；')}")
        out.append((measure, "measure"))
        if rng.random() < 0.2:  # assessment systems are mechanisms
            mechanism = f"将{rng.choice(_AREA)}纳入{rng.choice(_ASSESS)}{rng.choice(_MECH_TAIL)}。"
        else:
            mechanism = (f"{rng.choice(_WHO[:8])}{rng.choice(_MECH_VERB)}{rng.choice(_AREA)}{rng.choice(_MECH_OBJ)}"
                         f"{rng.choice(_MECH_TAIL)}。")
        out.append((mechanism, "mechanism"))
        template = rng.choice(_OTHER)
        out.append((template.format(v=rng.choice(("", "共", "累计")), n=rng.randint(0, 5000), n2=rng.randint(0, 60),
                                    h=rng.choice(_CN) + "、", c=rng.choice(_CN), a=rng.choice(_AREA)), "other"))
    return out
