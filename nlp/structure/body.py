"""The identity of a reporting body, so that one body's reports of different years pair up everywhere."""

from __future__ import annotations

import re

from nlp.structure.regions import locate
from nlp.vocabulary import CITY_SUFFIXES, COUNTY_SUFFIXES, PROVINCE_SUFFIXES, TOWNSHIP_SUFFIXES, alternation

_SPACE = re.compile(r"\s+")
# "洪泽区政府" is the everyday short form of "洪泽区人民政府"; the two name one body.
_SHORT_GOVERNMENT = re.compile(
    rf"({alternation(PROVINCE_SUFFIXES + CITY_SUFFIXES + COUNTY_SUFFIXES + TOWNSHIP_SUFFIXES)})政府")


def body_key(agency: str | None, province: str | None = None, city: str | None = None) -> str:
    """The key every report of one body shares, whatever name form it uses ("" when the agency is unknown).

    The key is province / prefecture-level city / the rest of the name, with the province and city taken from
    the report's own metadata when the name leaves them out: 淮安市洪泽区人民政府 and 洪泽区人民政府 (in 淮安市)
    are one body. County-level names are compared as written, so 洪泽县 and 洪泽区 stay two bodies."""
    name = _SHORT_GOVERNMENT.sub(r"\1人民政府", _SPACE.sub("", agency or ""))
    if not name:
        return ""
    named_province, named_city = locate(name)
    province, city = named_province or province or "", named_city or city or ""
    rest = name.removeprefix(province) if province else name
    if city and city != province:
        rest = rest.removeprefix(city)
    return f"{province}/{city}/{rest}"
