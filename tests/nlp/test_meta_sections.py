"""Metadata and sections: titles split over lines, heading variants, a lost 五 heading."""

from __future__ import annotations

import pytest

from nlp.pipeline import parse_bytes, parse_file
from nlp.structure.meta import level_of
from tests.conftest import FIXTURES, corpus_file


@pytest.mark.parametrize(
    ("name", "agency", "level", "year", "period"),
    [
        ("pdf/huaian-city-2024.pdf", "淮安市人民政府", "city", 2024, ("2024-01-01", "2024-12-31")),
        ("pdf/hongze-district-2023.pdf", "洪泽区人民政府", "county", 2023, ("2023-01-01", "2023-12-31")),
        ("html/shanghai-office-2019.html", "上海市人民政府办公厅", "department", 2019, ("2019-01-01", "2019-12-31")),
    ],
)
def test_real_report_metadata(name: str, agency: str, level: str, year: int, period: tuple[str, str]) -> None:
    meta = parse_file(corpus_file(name)).meta
    assert (meta.agency, meta.level, meta.year, meta.period) == (agency, level, year, period)


def test_publication_date_from_the_page() -> None:
    assert parse_file(corpus_file("html/shanghai-office-2019.html")).meta.published == "2020-01-31"


def test_lost_problems_heading_is_inferred_from_its_sub_items() -> None:
    report = parse_file(corpus_file("text/shanghai-office-2025.pdf-extract.md"))
    assert report.section("s5_problems") is not None
    assert any(e.code == "section_heading_inferred" for e in report.errors)


@pytest.mark.parametrize(
    ("agency", "level"),
    [("澄湖市人民政府", "city"), ("临江区人民政府", "county"), ("望湖镇人民政府", "township"),
     ("南屏市交通运输局", "department"), ("江南省人民政府", "province"), ("国家统计局", "national")],
)
def test_level_of(agency: str, level: str) -> None:
    assert level_of(agency) == level


def test_heading_variants_and_sub_items() -> None:
    text = (
        "某县人民政府2021年政府信息公开工作年度报告\n一、总体情况\n（一）主动公开情况。全年公开信息10条。\n"
        "（二）依申请公开情况。收到申请2件。\n二、行政机关主动公开政府信息情况\n三、行政机关收到和处理政府信息公开申请情况\n"
        "四、政府信息公开行政复议、行政诉讼情况\n五、存在问题及改进情况\n一是公开不够及时。\n"
        "六、其他报告的事项\n无。\n"
    ).encode()
    report = parse_bytes(text, "variants.txt")
    assert [s.key for s in report.sections] == [
        "s1_overall", "s2_proactive", "s3_applications", "s4_review_litigation", "s5_problems", "s6_other"
    ]
    assert [i.label for i in report.sections[0].items] == ["（一）", "（二）"]
    assert report.meta.year == 2021 and report.meta.agency == "某县人民政府"


def test_sections_out_of_order_are_not_invented() -> None:
    report = parse_file(FIXTURES / "v2021-missing-sections.txt")
    assert report.section("s5_problems") is None
    assert report.section_text("s5_problems") == ""


def test_title_stays_apart_from_the_preamble_after_a_blank_line() -> None:
    text = "示例县人民政府2021年政府信息公开工作年度报告\n\n本报告由示例县人民政府办公室编制，统计期限为2021年1月1日至12月31日。\n"
    report = parse_bytes(text.encode(), "title.txt")
    assert report.meta.title == "示例县人民政府2021年政府信息公开工作年度报告"
    assert report.meta.period == ("2021-01-01", "2021-12-31")


def test_paragraph_cut_by_a_page_break_in_copied_text_is_rejoined() -> None:
    report = parse_file(corpus_file("text/shangjie-district-2019.pdf-copy.txt"))
    assert "传统途径" in report.text


def test_own_outline_then_template_headings_takes_the_template_ones() -> None:
    # This report numbers its own overview 一…六 ("三、主动公开工作情况") and then restarts the
    # template's sections at 一; the template headings must win.
    report = parse_file(corpus_file("text/shanghai-stc-2024.pdf-extract.md"))
    assert [s.key for s in report.sections] == [
        "s1_overall", "s2_proactive", "s3_applications", "s4_review_litigation", "s5_problems", "s6_other"
    ]
    assert report.section("s2_proactive").title == "一、主动公开政府信息情况"
    assert report.section("s5_problems").title == "（一）主要问题"
