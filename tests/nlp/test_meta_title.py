"""Agency and year from a title wrapped over lines, a title without its year, and the statistics period."""

from __future__ import annotations

import pytest

from nlp.pipeline import parse_bytes, parse_file
from tests.conftest import corpus_file

BODY = ("一、总体情况\n本年度政务公开工作稳步推进，公开专栏运行平稳。\n"
        "二、主动公开政府信息情况\n本年度主动公开信息三百余条。\n"
        "三、收到和处理政府信息公开申请情况\n本年度收到申请十余件。\n")


def _meta(head: str):
    return parse_bytes((head + BODY).encode("utf-8"), "report.md").meta


def test_a_title_wrapped_over_two_lines_names_agency_and_year() -> None:
    meta = _meta("正文\n2024 年青川市科学技术局政府信息公开工作\n年度报告\n")
    assert (meta.title, meta.agency, meta.year) == ("2024年青川市科学技术局政府信息公开工作年度报告", "青川市科学技术局", 2024)


def test_a_title_without_a_year_takes_it_from_the_statistics_period() -> None:
    meta = _meta("青川市科学技术局政府信息公开工作年度报告\n本报告中所列数据的统计期限为2023年1月1日至2023年12月31日。\n")
    assert (meta.agency, meta.year, meta.period) == ("青川市科学技术局", 2023, ("2023-01-01", "2023-12-31"))


def test_a_line_above_the_title_is_not_part_of_it() -> None:
    meta = _meta("附件\n2022年青川市水利局政府信息\n公开工作年度报告\n")
    assert (meta.agency, meta.year) == ("青川市水利局", 2022)


@pytest.mark.parametrize(
    ("name", "agency", "year"),
    [("text/shanghai-stc-2024.pdf-extract.md", "上海市科委", 2024),
     ("text/shanghai-office-2025.pdf-extract.md", "上海市人民政府办公厅", 2025)],
)
def test_markdown_extracts_of_real_reports_know_their_body_and_year(name: str, agency: str, year: int) -> None:
    meta = parse_file(corpus_file(name)).meta
    assert (meta.agency, meta.year, meta.province) == (agency, year, "上海市")
