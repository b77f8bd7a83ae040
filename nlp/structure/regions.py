"""Which province and prefecture-level city a place name lies in, from a versioned gazetteer."""

from __future__ import annotations

from functools import cache
from importlib import resources

GAZETTEER = "regions_v1.tsv"
_WHOLE = ("自治州", "地区", "盟")  # division names that carry their own suffix instead of 市


@cache
def _gazetteer() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(province, its prefecture-level divisions with the 市 suffix restored)."""
    rows = []
    text = resources.files("nlp").joinpath("data", GAZETTEER).read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        province, cities = line.split("\t")
        rows.append((province, tuple(c if c.endswith(_WHOLE) else f"{c}市" for c in cities.split())))
    return tuple(rows)


def locate(name: str) -> tuple[str | None, str | None]:
    """(province, prefecture-level city) named at the start of a place or agency name, else None.

    '淮安市洪泽区' → ('江苏省', '淮安市'); '江苏省人民政府' → ('江苏省', None); '上海市…' → ('上海市', '上海市').
    """
    for province, cities in _gazetteer():
        rest = name.removeprefix(province)
        for city in cities:
            if rest.startswith(city) or city == province == name[: len(province)]:
                return province, city
        if rest != name:
            return province, None
    return None, None


def widen(region: str, text: str) -> str:
    """The region with its city in front when the text names it so ('洪泽区' → '淮安市洪泽区')."""
    if locate(region)[1] is not None:
        return region
    for _, cities in _gazetteer():
        for city in cities:
            if f"{city}{region}" in text:
                return f"{city}{region}"
    return region
