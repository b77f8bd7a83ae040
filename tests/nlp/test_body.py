"""One body, one key: the name forms a body uses across years pair up; different bodies never do."""

from __future__ import annotations

import pytest

from nlp.structure.body import body_key

HONGZE = "江苏省/淮安市/洪泽区人民政府"


@pytest.mark.parametrize(
    ("agency", "province", "city"),
    [
        ("淮安市洪泽区人民政府", None, None),
        ("江苏省淮安市洪泽区人民政府", None, None),
        ("洪泽区人民政府", "江苏省", "淮安市"),  # the city known from the report's own text
        ("洪泽区政府", "江苏省", "淮安市"),  # the everyday short form
        (" 淮安市 洪泽区 人民政府 ", None, None),  # spaces scattered by PDF extraction
    ],
)
def test_name_forms_of_one_body_share_a_key(agency: str, province: str | None, city: str | None) -> None:
    assert body_key(agency, province, city) == HONGZE


@pytest.mark.parametrize(
    ("agency", "province", "city"),
    [
        ("洪泽县人民政府", "江苏省", "淮安市"),  # a county before redistricting is another body
        ("淮安市人民政府", None, None),  # the city's own government
        ("淮安市洪泽区人民政府办公室", None, None),
        ("洪泽区人民政府", None, None),  # the city unknown: not guessed
    ],
)
def test_other_bodies_keep_other_keys(agency: str, province: str | None, city: str | None) -> None:
    assert body_key(agency, province, city) != HONGZE


def test_municipality_districts_and_unknown_agency() -> None:
    assert body_key("上海市浦东新区人民政府") == body_key("浦东新区人民政府", "上海市", "上海市")
    assert body_key("上海市人民政府办公厅") == "上海市/上海市/人民政府办公厅"
    assert body_key(None) == body_key("  ") == ""
