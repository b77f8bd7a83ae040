"""Narrative quality: problems and measures in 五, boilerplate, problem–measure matching, rectification."""

from __future__ import annotations

from dataclasses import replace

from eval.quality import (
    answer_of,
    check_quality,
    count_enumerations,
    is_concrete,
    label_points,
    overall_concreteness,
    problems_and_measures,
    rectification,
    vague_phrases,
)
from nlp.report import Finding, Report, Sentence
from tests.eval.builders import S1_BODY, v2021_report
from tests.eval.helpers import failed_rules, of_rule


def _by_rule(report: Report) -> dict[str, Finding]:
    return {f.rule: f for f in problems_and_measures(report)}


def test_correct_report_quality() -> None:
    findings = check_quality(v2021_report())
    assert all(f.passed is True for f in findings)
    rules = _by_rule(v2021_report())
    assert rules["Q-S5-PROBLEMS"].evidence["count"] == 2
    assert rules["Q-S5-MEASURES"].evidence["count"] == 3
    assert rules["Q-S5-PROBLEMS"].evidence["enumerations"] == 7  # （一）（二） and 一是…三是
    assert rules["Q-S5-MATCH"].evidence["answered"] == 2


def test_no_problems_named() -> None:
    report = v2021_report(bodies={"s5_problems": ["下一步将制作政策图解和短视频解读不少于20件。"]})
    assert failed_rules(report) >= {"Q-S5-PROBLEMS"}
    rules = _by_rule(report)
    assert rules["Q-S5-PROBLEMS"].passed is False and rules["Q-S5-PROBLEMS"].evidence["count"] == 0
    assert rules["Q-S5-MATCH"].passed is None


def test_boilerplate_counts_against() -> None:
    report = v2021_report(bodies={"s5_problems": [
        "一是工作水平有待进一步提高。",
        "二是下一步将进一步加强政府信息公开工作。",
        "三是不断提升政务公开水平。",
    ]})
    rules = _by_rule(report)
    assert rules["Q-S5-VAGUE"].passed is False
    assert rules["Q-S5-VAGUE"].evidence["vague"] == 3
    assert rules["Q-S5-PROBLEMS"].passed is False and "笼统" in rules["Q-S5-PROBLEMS"].message
    assert "Q-S5-VAGUE" in failed_rules(report)


def test_measures_must_answer_problems() -> None:
    report = v2021_report(bodies={"s5_problems": [
        "（一）存在的主要问题",
        "一是政策解读形式比较单一。",
        "二是政务新媒体更新不够及时。",
        "（二）改进措施",
        "一是将完成档案数字化扫描5000卷。",
    ]})
    rules = _by_rule(report)
    assert rules["Q-S5-MATCH"].passed is False
    assert rules["Q-S5-MATCH"].evidence["answered"] == 0
    assert failed_rules(report) == {"Q-S5-MATCH", "Q-RECTIFY"}  # the bonus is simply not earned


def test_sub_headings_decide_problem_or_measure() -> None:
    points = label_points(
        [(Sentence(0, 10, "s5_problems"), "对下一步工作没有计划。"), (Sentence(20, 30, "s5_problems"), "公开栏目不足。")],
        contexts=[(0, "存在问题方面"), (15, "改进情况方面")],
    )
    assert [p.kind for p in points] == ["problem", "measure"]


def test_topics_replace_the_cue_phrases() -> None:
    sentences = [
        (Sentence(0, 10, "s5_problems", topic="problem"), "加强政策解读。"),
        (Sentence(20, 30, "s5_problems", topic="mechanism"), "政策解读不足。"),
        (Sentence(40, 50, "s5_problems", topic="measure"), "网站栏目。"),
    ]
    # Under labels v2 a mechanism in 五 is not a measure; under v1 (no practice anywhere) it was how a plan to
    # build a mechanism was labelled, so it counts as one (tests/eval/test_quality_v2.py has the rest).
    assert [p.kind for p in label_points(sentences, label_set=2)] == ["problem", "measure"]
    assert [p.kind for p in label_points(sentences)] == ["problem", "measure", "measure"]


def test_problem_clauses_are_counted_separately() -> None:
    text = "主要是：公开目录更新频率有待提升，办事指南内容还不够完整、网上留言回复还需加强等。"
    points = label_points([(Sentence(0, len(text), "s5_problems"), text)])
    assert [p.text for p in points if p.kind == "problem"] == [
        "公开目录更新频率有待提升", "办事指南内容还不够完整", "网上留言回复还需加强等"]


def test_answer_by_topic_words() -> None:
    problem, measure = label_points([
        (Sentence(0, 12, "s5_problems"), "政务公开队伍建设有待加强。"),
        (Sentence(20, 30, "s5_problems"), "下一步将组织业务培训4次。"),
    ])
    assert answer_of(problem, [measure]) == measure


def test_helpers() -> None:
    assert count_enumerations("一是甲；二是乙。（一）丙\n1. 丁\n2. 戊") == 5
    assert vague_phrases("进一步加强政府信息公开工作") == ("进一步加强",)
    assert not is_concrete("进一步加强政府信息公开工作")
    assert is_concrete("进一步加强政务公开专栏维护")


def test_rectification_bonus() -> None:
    (found,) = rectification(v2021_report())
    assert found.passed is True and found.severity == "info"
    assert found.evidence["span"]["text"].startswith("上年度")
    body = [line for line in v2021_report().section_text("s5_problems").splitlines()[1:] if "上年度" not in line]
    (missing,) = rectification(v2021_report(bodies={"s5_problems": body}))
    assert missing.passed is False and missing.severity == "info"


def test_rectification_by_last_year_number() -> None:
    report = v2021_report(bodies={"s5_problems": ["（一）2020年工作中存在问题的改进情况", "已完成栏目整合。"]})
    (found,) = rectification(report)
    assert found.passed is True


def test_overall_section_without_numbers_is_vague() -> None:
    body = [line for line in S1_BODY if not any(ch.isdigit() for ch in line)]
    body += ["持续做好政务公开各项工作。", "认真落实上级部署。"]
    (finding,) = overall_concreteness(v2021_report(bodies={"s1_overall": body}))
    assert finding.passed is False


def test_missing_section_five_is_not_assessable() -> None:
    report = v2021_report(drop_sections=("s5_problems",))
    findings = problems_and_measures(report)
    assert {f.passed for f in findings} == {None}
    assert rectification(report) == []
    assert of_rule(check_quality(replace(report)), "Q-S1-CONCRETE")[0].passed is True
