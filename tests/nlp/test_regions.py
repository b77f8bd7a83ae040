"""The gazetteer: province and prefecture-level city of a place name."""

from __future__ import annotations

import pytest

from nlp.pipeline import parse_file
from nlp.structure.regions import locate, widen
from tests.conftest import corpus_file


@pytest.mark.parametrize(
    ("name", "province", "city"),
    [
        ("淮安市洪泽区", "江苏省", "淮安市"),
        ("江苏省人民政府", "江苏省", None),
        ("上海市人民政府办公厅", "上海市", "上海市"),
        ("郑州市上街区", "河南省", "郑州市"),  # 郑州 ends in 州 but is a 市
        ("吉林市丰满区", "吉林省", "吉林市"),
        ("海南藏族自治州共和县", "青海省", "海南藏族自治州"),  # not 海南省
        ("海南省海口市", "海南省", "海口市"),
        ("广西壮族自治区南宁市", "广西壮族自治区", "南宁市"),
        ("兴安盟", "内蒙古自治区", "兴安盟"),
        ("洪泽区", None, None),
        ("青川市临江区", None, None),  # invented names stay unknown
    ],
)
def test_locate(name: str, province: str | None, city: str | None) -> None:
    assert locate(name) == (province, city)


def test_widen_takes_the_city_from_the_text() -> None:
    assert widen("洪泽区", "本报告由淮安市洪泽区人民政府办公室编制") == "淮安市洪泽区"
    assert widen("洪泽区", "本报告由区政府办公室编制") == "洪泽区"


def test_real_reports_are_placed_in_their_province() -> None:
    meta = parse_file(corpus_file("pdf/hongze-district-2023.pdf")).meta
    assert (meta.region, meta.province, meta.city) == ("淮安市洪泽区", "江苏省", "淮安市")
    assert parse_file(corpus_file("html/shanghai-office-2019.html")).meta.province == "上海市"
