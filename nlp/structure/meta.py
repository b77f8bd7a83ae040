"""Report metadata: title, issuing body, region, administrative level, year, period and dates."""

from __future__ import annotations

import re
from dataclasses import replace

from nlp.report import Meta, Report
from nlp.structure.regions import locate, widen
from nlp.vocabulary import (
    CITY_SUFFIXES,
    COUNTY_SUFFIXES,
    PROVINCE_SUFFIXES,
    REPORT_TITLE_WORDS,
    TOWNSHIP_SUFFIXES,
    alternation,
)

_YEAR_TITLE = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?")
_NAME = re.compile(r"[\u4e00-\u9fff（）()]+")
_TITLE_WORDS = re.compile(REPORT_TITLE_WORDS)
_PERIOD = re.compile(
    r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:起\s*)?(?:至|到|—|-|～|~)\s*"
    r"(?:((?:19|20)\d{2})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日"
)
_DATE = re.compile(r"((?:19|20)\d{2})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
_PUBLISHED = re.compile(r"(?:发布|成文|印发)(?:日期|时间)\s*[:：]\s*")
_REGION = re.compile(
    rf"^(.+?(?:{alternation(PROVINCE_SUFFIXES + CITY_SUFFIXES)}))?(.+?(?:{alternation((*COUNTY_SUFFIXES, '市'))}))?"
    rf"(.+?(?:{alternation(TOWNSHIP_SUFFIXES)}))?"
)
_TOWNSHIP = re.compile(rf"({alternation(TOWNSHIP_SUFFIXES)})(人民政府|办事处)?$")
_GOVERNMENT = re.compile(rf"({alternation(PROVINCE_SUFFIXES + CITY_SUFFIXES + COUNTY_SUFFIXES)})人民政府$")


def _iso(year: str | int, month: str, day: str) -> str:
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


_TITLE_LINES = 3  # a title a narrow page wrapped ("2023年某某局政府信息公开工作" / "年度报告")
_TITLE_MAX = 60


def find_title(report: Report, container_title: str | None) -> str | None:
    """The report title: the early line naming the annual report, with the issuing body's name when
    the layout put it on the line above ("淮安市人民政府" / "2024年政府信息公开工作年度报告"), or the
    title wrapped over up to three short lines."""
    previous = ""
    texts = [report.text[b.start : b.end] for b in report.blocks[:8]]
    for i, text in enumerate(texts):
        if len(text) > _TITLE_MAX:
            break
        words = _TITLE_WORDS.search(text)
        if words:
            # The title ends with its title words; a line the reader ran on after it is not part of it.
            text = text[: words.end()]
            year = _YEAR_TITLE.match(text)
            if previous and not _YEAR_TITLE.match(previous) and year and _TITLE_WORDS.match(text, year.end()):
                return previous + text  # "2024年政府信息公开工作年度报告" under its body's name
            return text
        for n in range(2, _TITLE_LINES + 1):
            joined = "".join(texts[i : i + n])
            words = _TITLE_WORDS.search(joined)
            # The title words must start on this line, or a line above the title ("正文") would join it.
            if len(joined) <= _TITLE_MAX and words and words.start() < len(text) and words.end() == len(joined):
                return joined
        previous = text if len(text) <= 20 and _NAME.fullmatch(text) else ""
    if container_title and _TITLE_WORDS.search(container_title):
        return container_title.strip()
    return None


def level_of(agency: str) -> str | None:
    """The administrative level of an issuing body from its name."""
    if not agency:
        return None
    if _TOWNSHIP.search(agency):
        return "township"
    government = _GOVERNMENT.search(agency)
    if government:
        kind = government.group(1)
        if kind in PROVINCE_SUFFIXES:
            return "province"
        if kind in CITY_SUFFIXES:
            # A 市 directly under a province is a city; a county-level 市 cannot be told apart by name.
            return "city"
        return "county"
    if agency.startswith(("国务院", "国家", "中华人民共和国")):
        return "national"
    return "department"


def find_meta(report: Report, container_title: str | None = None, template: str | None = None) -> Report:
    """Fill `meta` from the title, the preamble and the closing lines."""
    title = find_title(report, container_title)
    year = agency = None
    if title:
        match = _YEAR_TITLE.search(title)
        if match:
            year = int(match.group(1))
            before = title[: match.start()].strip()
            after = _TITLE_WORDS.split(title[match.end() :])[0].strip()
            agency = before or after or None
        elif _NAME.fullmatch(named := _TITLE_WORDS.split(title)[0].strip()):
            agency = named  # a title without its year ("某某局政府信息公开工作年度报告")
    region = None
    if agency:
        parts = _REGION.match(agency)
        if parts:
            region = "".join(p for p in parts.groups() if p) or None
            if region == agency:
                region = None
    head = report.text[:3000]
    if region:
        region = widen(region, head)
    province, city = locate(region or agency or "")
    period = None
    match = _PERIOD.search(head)
    if match:
        y1, m1, d1, y2, m2, d2 = match.groups()
        period = (_iso(y1, m1, d1), _iso(y2 or y1, m2, d2))
    published = None
    stated = _PUBLISHED.search(report.text)
    if stated:
        date = _DATE.match(report.text, stated.end())
        if date:
            published = _iso(*date.groups())
    if published is None and report.blocks:
        tail = report.text[report.blocks[-1].start :]
        dates = list(_DATE.finditer(tail))
        if dates and len(tail) < 40:
            published = _iso(*dates[-1].groups())
    if year is None and period is not None:
        year = int(period[1][:4])  # the statistics period says which year is reported
    expected = None
    if year is not None and year >= 2019:
        expected = "v2019" if year <= 2020 else "v2021"
    meta = Meta(
        title=title,
        agency=agency,
        region=region,
        province=province,
        city=city,
        level=level_of(agency or ""),
        year=year,
        template=template,
        template_expected=expected,
        period=period,
        published=published,
    )
    return replace(report, meta=meta)
