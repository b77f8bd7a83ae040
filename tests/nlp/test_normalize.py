"""Cell values and text normalisation."""

from __future__ import annotations

import pytest

from nlp.normalize import cid_share, is_page_furniture, normalize_text, parse_cell
from nlp.report import NA


@pytest.mark.parametrize(
    ("raw", "value", "unit"),
    [
        ("10,022", 10022, None),
        ("1，478", 1478, None),
        ("３９", 39, None),
        ("-185", -185, None),
        ("减4", -4, None),
        ("7730.28", 7730.28, None),
        ("251000元", 251000, "元"),
        ("394432.52元", 394432.52, "元"),
        ("1个", 1, "个"),
        ("", None, None),
        ("  ", None, None),
        ("/", NA, None),
        ("—", NA, None),
        ("不适用", NA, None),
        ("0", 0, None),
    ],
)
def test_parse_cell(raw: str, value: object, unit: str | None) -> None:
    assert parse_cell(raw) == (value, unit)


def test_parse_cell_refuses_text() -> None:
    with pytest.raises(ValueError, match="not a number"):
        parse_cell("若干")


def test_zero_blank_and_na_are_different() -> None:
    assert parse_cell("0")[0] == 0
    assert parse_cell("")[0] is None
    assert parse_cell("/")[0] == NA


def test_spaces_between_chinese_are_removed_but_not_between_latin_words() -> None:
    assert normalize_text("2023 年，洪 泽 区 受理 申请 21 件") == "2023年，洪泽区受理申请21件"
    assert normalize_text("电子邮箱 ： open data@example.cn") == "电子邮箱：open data@example.cn"
    assert normalize_text("全年收到申请２１件") == "全年收到申请21件"


@pytest.mark.parametrize("line", ["- 3 -", "— 3 —", "－12－", "第3页 共5页", "第 2 页", "3/5"])
def test_page_numbers_are_furniture(line: str) -> None:
    assert is_page_furniture(line)


@pytest.mark.parametrize("line", ["2023年", "一、总体情况", "3. 要求提供公开出版物"])
def test_text_is_not_furniture(line: str) -> None:
    assert not is_page_furniture(line)


def test_cid_share() -> None:
    assert cid_share("(cid:12)(cid:7)ab") == pytest.approx(15 / 17)
    assert cid_share("正常文字") == 0.0
