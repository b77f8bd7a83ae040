"""Period and format rules: statistics period, length of 一, 信息处理费 in 六, publication deadline."""

from __future__ import annotations

from datetime import date

from eval.period import deadline, overall_length, processing_fee, statistics_period, timeliness
from tests.eval.builders import S1_BODY, v2019_report, v2021_report, with_meta
from tests.eval.helpers import failed_rules


def test_period_must_be_the_calendar_year() -> None:
    report = with_meta(v2021_report(), period=("2021-01-01", "2021-12-21"))
    assert failed_rules(report) == {"PF-PERIOD"}
    (finding,) = statistics_period(report)
    assert finding.evidence["expected"] == ["2021-01-01", "2021-12-31"]
    assert finding.evidence["span"]["text"].startswith("2021年1月1日至")


def test_period_of_another_year_fails() -> None:
    (finding,) = statistics_period(with_meta(v2021_report(), period=("2020-01-01", "2020-12-31")))
    assert finding.passed is False


def test_period_not_stated_is_not_assessable() -> None:
    (finding,) = statistics_period(with_meta(v2021_report(), period=None))
    assert finding.passed is None


def test_overall_section_longer_than_1000_characters_in_v2021() -> None:
    long_line = "在门户网站专栏发布政策文件和解读材料，" * 60
    report = v2021_report(bodies={"s1_overall": [*S1_BODY, long_line]})
    assert failed_rules(report) == {"PF-S1-LENGTH"}
    (finding,) = overall_length(report)
    assert finding.evidence["chars"] > 1000 and finding.severity == "warning"
    assert overall_length(v2019_report(bodies={"s1_overall": [*S1_BODY, long_line]})) == []


def test_processing_fee_must_be_reported_in_section_six() -> None:
    report = v2021_report(bodies={"s6_other": ["无。"]})
    assert failed_rules(report) == {"PF-S6-FEE"}
    (finding,) = processing_fee(report)
    assert finding.severity == "error"


def test_processing_fee_reported_elsewhere_is_a_warning() -> None:
    report = v2021_report(bodies={"s6_other": ["无。"], "s2_proactive": ["本年度未收取信息处理费。"]})
    (finding,) = processing_fee(report)
    assert finding.passed is False and finding.severity == "warning"


def test_processing_fee_not_required_before_2021() -> None:
    assert processing_fee(v2019_report()) == []


def test_deadlines_by_level() -> None:
    assert deadline(2021, "department") == (date(2022, 1, 31), "1月31日")
    assert deadline(2021, "township")[0] == date(2022, 1, 31)
    assert deadline(2021, "county")[0] == date(2022, 3, 31)


def test_timeliness_only_with_a_publication_date() -> None:
    assert timeliness(v2021_report()) == []
    (on_time,) = timeliness(with_meta(v2021_report(), published="2022-01-20"))
    assert on_time.passed is True
    (late,) = timeliness(with_meta(v2021_report(), published="2022-04-15"))
    assert late.passed is False and late.evidence["days_late"] == 15
    (department,) = timeliness(with_meta(v2021_report(), published="2022-02-10", level="department"))
    assert department.passed is False
    (unknown,) = timeliness(with_meta(v2021_report(), published="2022-02-10", level=None))
    assert unknown.passed is None
    (early,) = timeliness(with_meta(v2021_report(), published="2021-11-01"))
    assert early.passed is False and early.severity == "warning"
