"""Cross-report rules: carry-over (T3-X1), 现行有效 continuity (T2-X1), text reuse, pairing."""

from __future__ import annotations

from eval.cross import carry_over, check_cross, reuse, text_reuse, valid_documents
from nlp.report import Report
from tests.eval.builders import set_cell, set_cells, v2019_report, v2021_report, with_meta
from tests.eval.helpers import failed_rules, failing, of_rule

OTHER_S5 = [
    "（一）存在的主要问题",
    "一是政府信息公开指南多年未修订，与机构改革后的职能不符。",
    "（二）改进措施",
    "一是在三月底前完成公开指南修订并在门户网站重新发布。",
]


OTHER_S1 = [
    "（一）主动公开情况",
    "围绕乡村振兴和营商环境两个重点领域，按季度更新惠企政策汇编。",
    "（二）依申请公开情况",
    "申请渠道包括当面、信函和网上三种，均在法定期限内作出答复。",
    "（三）政府信息管理情况",
    "对历年文件逐件标注公开属性，清理过时信息并归档。",
    "（四）平台建设情况",
    "将政务新媒体账号统一纳入门户网站集约化平台管理。",
    "（五）监督保障情况",
    "县政务公开领导小组召开专题会议两次，结果纳入年度考核。",
]


def previous_year() -> Report:
    """Last year's report of the same body: its own wording, tables that continue into this year's."""
    report = v2021_report(bodies={"s5_problems": OTHER_S5, "s1_overall": OTHER_S1})
    report = set_cell(report, "table2", "行政规范性文件", "现行有效件数", 17, "art20_1")  # 17 + 4 − 1 = 20
    return with_meta(report, year=2020, period=("2020-01-01", "2020-12-31"))


def test_consistent_pair_passes() -> None:
    findings = check_cross(v2021_report(), previous_year())
    assert all(f.passed is True for f in findings), [f.message for f in findings if not f.passed]
    assert {f.rule for f in findings} == {"X-PAIR", "T3-X1", "T2-X1", "X-REUSE-S5", "X-REUSE-TEXT"}


def test_carry_over_mismatch_per_column() -> None:
    previous = set_cells(previous_year(), {("table3", "r4_carry_out", "natural"): 3,
                                           ("table3", "r4_carry_out", "total"): 3})
    assert failed_rules(v2021_report(), previous) == {"T3-X1"}
    failed = failing(carry_over(v2021_report(), previous), "T3-X1")
    assert [f.evidence["column"] for f in failed] == ["natural", "total"]
    assert failed[0].severity == "warning"
    assert (failed[0].evidence["left"], failed[0].evidence["right"]) == (2, 3)
    assert failed[0].evidence["previous_cell"]["row"] == "r4_carry_out"


def test_carry_over_blank_is_not_assessable() -> None:
    previous = set_cell(previous_year(), "table3", "r4_carry_out", "natural", None)
    (natural,) = [f for f in carry_over(v2021_report(), previous) if f.evidence["column"] == "natural"]
    assert natural.passed is None


def test_valid_documents_continuity() -> None:
    assert all(f.passed for f in valid_documents(v2021_report(), previous_year()))
    # 20 (last year) + 4 issued − 1 repealed = 23, but 20 is reported: a soft warning.
    previous = set_cell(previous_year(), "table2", "行政规范性文件", "现行有效件数", 20, "art20_1")
    assert [f.passed for f in valid_documents(v2021_report(), previous)] == [True, False]
    (finding,) = failing(valid_documents(v2021_report(), previous), "T2-X1")
    assert finding.severity == "warning" and finding.evidence["right"] == 23


def test_valid_documents_only_between_v2021_reports() -> None:
    assert valid_documents(v2021_report(), with_meta(v2019_report(), year=2020)) == []


def test_repeated_text_is_flagged() -> None:
    previous = with_meta(v2021_report(), year=2020, period=("2020-01-01", "2020-12-31"))
    findings = text_reuse(v2021_report(), previous)
    s5, whole = of_rule(findings, "X-REUSE-S5")[0], of_rule(findings, "X-REUSE-TEXT")[0]
    assert s5.passed is False and s5.severity == "error" and s5.evidence["share"] == 1.0
    assert whole.passed is False and whole.severity == "warning"
    assert s5.evidence["passages"][0]["text"]


def test_reuse_folds_numbers_and_measures_coverage() -> None:
    old = ("2020年全年收到申请20件，办结18件。针对政策解读形式单一的问题，将制作图解10件，"
           "并在门户网站开设解读专栏，按月更新。")
    new = ("2021年全年收到申请35件，办结31件。针对政策解读形式单一的问题，将制作图解15件，"
           "并在门户网站开设解读专栏，按月更新。")
    found = reuse(new, (0, len(new)), old, (0, len(old)))
    assert found is not None and found.share > 0.9
    unrelated = "本机关按季度向社会公布财政预决算信息并接受社会监督，全年未发生行政复议和行政诉讼案件，工作平稳。"
    other = reuse(unrelated, (0, len(unrelated)), old, (0, len(old)))
    assert other is not None and other.share == 0.0
    assert reuse("太短", (0, 2), old, (0, len(old))) is None


def test_pairing_problems_are_reported() -> None:
    other_body = with_meta(previous_year(), agency="另一县人民政府")
    (pair,) = of_rule(check_cross(v2021_report(), other_body), "X-PAIR")
    assert pair.passed is False and "发布机关不同" in pair.message
    gap = with_meta(previous_year(), year=2018)
    findings = check_cross(v2021_report(), gap)
    assert of_rule(findings, "T3-X1") == [] and of_rule(findings, "X-REUSE-S5")


def test_unreadable_previous_report() -> None:
    findings = check_cross(v2021_report(), Report(status="failed"))
    assert [(f.rule, f.passed) for f in findings] == [("X-PAIR", None)]
