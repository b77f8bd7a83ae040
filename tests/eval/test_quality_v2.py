"""Specificity under labels v2: problems and measures in 五, practices and mechanisms in 一, v1 reports alike."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from eval.quality import label_set_of, overall_concreteness, problems_and_measures, topic_kind
from nlp.report import Finding, Report, Sentence
from tests.eval.builders import v2021_report

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not available")

# Section 一 written for these tests: two practices (one concrete), one mechanism naming a rule, one count.
S1_WORK = [
    "（一）主动公开情况",
    "全年召开新闻发布会6场，发布政策图解15篇。",
    "持续做好政务公开各项工作。",
    "严格执行《信息发布审核办法》，坚持先审后发。",
    "全年收到政府信息公开申请24件，均按期答复。",
]
S1_TOPICS = {S1_WORK[1]: "practice", S1_WORK[2]: "practice", S1_WORK[3]: "mechanism"}


def _classified(report: Report, topics: dict[str, str], default: str = "other") -> Report:
    """The report with each sentence's topic set by its text, as a classifier would."""
    return replace(report, sentences=tuple(
        replace(s, topic=topics.get(report.text[s.start : s.end], default)) for s in report.sentences))


def _s1(report: Report) -> Finding:
    (finding,) = overall_concreteness(report)
    return finding


def test_label_set_of_the_topics() -> None:
    assert label_set_of([Sentence(0, 1), Sentence(1, 2)]) is None
    assert label_set_of([Sentence(0, 1, topic="measure"), Sentence(1, 2, topic="other")]) == 1
    assert label_set_of([Sentence(0, 1, topic="measure"), Sentence(1, 2, topic="practice")]) == 2


def test_what_each_topic_counts_as() -> None:
    assert topic_kind("practice", 2, "s1_overall") == "practice"
    assert topic_kind("mechanism", 2, "s1_overall") == "mechanism"
    assert topic_kind("measure", 2, "s1_overall") is None  # an improvement step is not the year's work
    assert topic_kind("measure", 1, "s1_overall") == "practice"  # v1's measure in 一 is the year's work
    assert topic_kind("mechanism", 2, "s5_problems") is None
    assert topic_kind("mechanism", 1, "s5_problems") == "measure"  # v1's plan to build a mechanism
    assert topic_kind("practice", 2, "s5_problems") is None
    assert topic_kind("problem", 2, None) == "problem"  # no section reads as 五
    assert topic_kind(None, 2, "s5_problems") is None


def test_overall_section_counts_practices_and_mechanisms() -> None:
    report = _classified(v2021_report(bodies={"s1_overall": S1_WORK}), S1_TOPICS)
    finding = _s1(report)
    assert finding.passed is True
    e = finding.evidence
    assert (e["source"], e["label_set"]) == ("topic", 2)
    assert (e["sentences"], e["with_numbers"]) == (4, 2)
    assert (e["practices"], e["mechanisms"], e["concrete_work"], e["work_share"]) == (2, 1, 2, 0.667)
    assert [p["text"] for p in e["vague_points"]] == ["持续做好政务公开各项工作。"]
    assert "3条年度工作和工作机制中2条有具体对象" in finding.message


def test_overall_section_with_vague_work_fails_only_with_topics() -> None:
    body = [*S1_WORK[:3], "认真落实上级各项部署要求。", S1_WORK[4]]
    topics = {body[1]: "practice", body[2]: "practice", body[3]: "mechanism"}
    plain = v2021_report(bodies={"s1_overall": body})
    assert _s1(plain).passed is True  # 2 of 4 sentences carry numbers: enough without topics
    finding = _s1(_classified(plain, topics))
    assert finding.passed is False and "偏笼统" in finding.message
    assert (finding.evidence["concrete_work"], finding.evidence["work_share"]) == (1, 0.333)


def test_a_v1_report_reads_the_same() -> None:
    v1_topics = {text: "measure" if topic == "practice" else topic for text, topic in S1_TOPICS.items()}
    finding = _s1(_classified(v2021_report(bodies={"s1_overall": S1_WORK}), v1_topics))
    assert finding.evidence["label_set"] == 1
    assert (finding.evidence["practices"], finding.evidence["mechanisms"], finding.evidence["concrete_work"]) == (2, 1, 2)
    assert finding.passed is True


def test_improvements_in_one_are_not_the_years_work() -> None:
    body = [*S1_WORK, "下一步将优化网站栏目设置。"]
    finding = _s1(_classified(v2021_report(bodies={"s1_overall": body}), {**S1_TOPICS, body[-1]: "measure"}))
    assert (finding.evidence["practices"], finding.evidence["mechanisms"]) == (2, 1)


def test_overall_section_without_work_fails() -> None:
    finding = _s1(_classified(v2021_report(bodies={"s1_overall": S1_WORK}), {}))
    assert finding.passed is False and "没有写出本年度的具体工作和工作机制" in finding.message
    assert finding.evidence["practices"] == 0 and finding.evidence["mechanisms"] == 0


S5_PLAN = [
    "（一）存在的主要问题",
    "一是政策解读形式比较单一。",
    "（二）改进措施",
    "一是下一步将建立健全政策解读效果评估机制。",
    "二是下一步将制作政策图解不少于20件。",
]


def _measures(report: Report) -> Finding:
    return {f.rule: f for f in problems_and_measures(report)}["Q-S5-MEASURES"]


def test_plans_to_build_a_mechanism_are_measures_in_both_label_sets() -> None:
    base = v2021_report(bodies={"s1_overall": S1_WORK, "s5_problems": S5_PLAN})
    v1 = {S5_PLAN[1]: "problem", S5_PLAN[3]: "mechanism", S5_PLAN[4]: "measure", S1_WORK[1]: "measure"}
    v2 = {**v1, S5_PLAN[3]: "measure", S1_WORK[1]: "practice"}
    for topics, label_set in ((v1, 1), (v2, 2)):
        finding = _measures(_classified(base, topics))
        assert (finding.evidence["count"], finding.evidence["label_set"]) == (2, label_set)
        assert finding.evidence["source"] == "topic"
    # Under v2 a sentence still labelled mechanism in 五 is not a measure.
    stale = _measures(_classified(base, {**v2, S5_PLAN[3]: "mechanism"}))
    assert stale.evidence["count"] == 1


def _gold(name: str) -> dict[str, dict[tuple[int, int], str]]:
    out: dict[str, dict[tuple[int, int], str]] = {}
    for line in (ROOT / "training" / "gold" / name).read_text(encoding="utf-8").splitlines():
        ref = json.loads(line)
        out.setdefault(ref["file"], {})[(ref["start"], ref["end"])] = ref["label"]
    return out


@needs_corpus
def test_specificity_on_the_gold_sets() -> None:
    from nlp.pipeline import parse_file

    v1, v2 = _gold("dev_v1.jsonl"), _gold("dev_v2.jsonl")
    report = parse_file(str(CORPUS / "html" / "shanghai-office-2019.html"))

    def labelled(gold: dict[str, dict[tuple[int, int], str]]) -> Report:
        spans = gold["html/shanghai-office-2019.html"]
        return replace(report, sentences=tuple(replace(s, topic=spans.get((s.start, s.end), "other"))
                                               for s in report.sentences))

    s1_v1, s1_v2 = _s1(labelled(v1)).evidence, _s1(labelled(v2)).evidence
    # v2 adds the counts of the body's own work (公开规章…件, 编发公报…期) to the practices of 一.
    assert (s1_v1["practices"], s1_v1["mechanisms"], s1_v1["concrete_work"]) == (42, 11, 48)
    assert (s1_v2["practices"], s1_v2["mechanisms"], s1_v2["concrete_work"]) == (45, 11, 51)
    # 五 reads the same under both: its three v1 mechanisms were plans to build one, measures in v2.
    assert _measures(labelled(v1)).evidence["count"] == _measures(labelled(v2)).evidence["count"] == 13
