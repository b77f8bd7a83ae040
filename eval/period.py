"""Period and format rules: the statistics period, the length of 一, 信息处理费 in 六, publication on time."""

from __future__ import annotations

import re
from datetime import date

from eval.common import expects_v2021, make, span_evidence
from nlp.report import Finding, Report

S1_MAX_CHARS = 1000  # v2021: 篇幅原则上不超过一千字
_PERIOD_TEXT = re.compile(
    r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:起\s*)?(?:至|到|—|-|～|~)\s*"
    r"(?:(?:19|20)\d{2}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日"
)
_FEE = re.compile(r"信息处理费|信息公开处理费|处理费")
_LEVEL_NAMES = {"department": "部门", "township": "乡镇", "county": "县级政府", "city": "市级政府",
                "province": "省级政府", "national": "国务院部门"}


def statistics_period(report: Report) -> list[Finding]:
    """PF-PERIOD: the stated statistics period is 1 January to 31 December of the report year."""
    meta = report.meta
    match = _PERIOD_TEXT.search(report.text[:3000])
    span = span_evidence(report, match.start(), match.end(), None) if match else None
    if meta.period is None:
        return [make("PF-PERIOD", "warning", None, "未找到统计期限的表述（如“1月1日至12月31日”），无法核对",
                     year=meta.year)]
    start, end = meta.period
    year = meta.year or int(start[:4])
    expected = (f"{year:04d}-01-01", f"{year:04d}-12-31")
    evidence = {"period": list(meta.period), "expected": list(expected), "year": meta.year, "span": span}
    if (start, end) == expected:
        return [make("PF-PERIOD", "error", True, f"统计期限为{year}年1月1日至12月31日", **evidence)]
    return [make("PF-PERIOD", "error", False,
                 f"统计期限写为{start}至{end}，应为{year}年1月1日至12月31日", **evidence)]


def _body(report: Report, key: str) -> tuple[int, int] | None:
    """The span of a section without its heading line."""
    section = report.section(key)
    if section is None:
        return None
    text = report.text[section.start : section.end]
    newline = text.find("\n")
    start = section.start + (newline + 1 if newline >= 0 else len(section.title))
    return min(start, section.end), section.end


def overall_length(report: Report) -> list[Finding]:
    """PF-S1-LENGTH (v2021): 一、总体情况 is at most about 1,000 characters (标点计入, whitespace not)."""
    if not expects_v2021(report):
        return []
    body = _body(report, "s1_overall")
    if body is None:
        return [make("PF-S1-LENGTH", "warning", None, "缺少“一、总体情况”，无法核对篇幅")]
    start, end = body
    chars = len(re.sub(r"\s", "", report.text[start:end]))
    evidence = {"chars": chars, "limit": S1_MAX_CHARS, "span": {"start": start, "end": end, "section": "s1_overall"}}
    if chars <= S1_MAX_CHARS:
        return [make("PF-S1-LENGTH", "warning", True, f"总体情况{chars}字，未超过{S1_MAX_CHARS}字", **evidence)]
    return [make("PF-S1-LENGTH", "warning", False,
                 f"总体情况{chars}字，超过2021年格式“原则上不超过一千字”的要求{chars - S1_MAX_CHARS}字", **evidence)]


def processing_fee(report: Report) -> list[Finding]:
    """PF-S6-FEE (v2021): 六、其他需要报告的事项 reports the collection of 信息处理费."""
    if not expects_v2021(report):
        return []
    section = report.section("s6_other")
    if section is not None:
        match = _FEE.search(report.text, section.start, section.end)
        if match:
            return [make("PF-S6-FEE", "error", True, "第六部分报告了信息处理费收取情况",
                         span=span_evidence(report, match.start(), match.end(), "s6_other"))]
    elsewhere = _FEE.search(report.text)
    if elsewhere:
        return [make("PF-S6-FEE", "warning", False,
                     "信息处理费收取情况未在第六部分报告（正文其他位置有提及），2021年格式要求在“六、其他需要报告的事项”中报告",
                     span=span_evidence(report, elsewhere.start(), elsewhere.end(), None))]
    where = "第六部分" if section is not None else "报告（且缺少第六部分）"
    return [make("PF-S6-FEE", "error", False, f"{where}未报告信息处理费收取情况（2021年格式要求，未收取也应说明）")]


def deadline(year: int, level: str | None) -> tuple[date, str]:
    """The statutory publication deadline (条例 第四十九条) for a report year and issuer level."""
    if level in ("department", "township", "national"):
        return date(year + 1, 1, 31), "1月31日"
    return date(year + 1, 3, 31), "3月31日"


def timeliness(report: Report) -> list[Finding]:
    """PF-TIMELY: published by the deadline for its level (departments and townships 31 Jan, governments 31 Mar)."""
    meta = report.meta
    if meta.published is None:
        return []
    published = date.fromisoformat(meta.published)
    year = meta.year or (int(meta.period[0][:4]) if meta.period else None)
    if year is None:
        return [make("PF-TIMELY", "warning", None, f"发布日期{meta.published}，但报告年度未知，无法判断是否按时",
                     published=meta.published)]
    limit, words = deadline(year, meta.level)
    evidence = {"published": meta.published, "deadline": limit.isoformat(), "level": meta.level, "year": year}
    if published <= date(year, 12, 31):
        return [make("PF-TIMELY", "warning", False,
                     f"发布日期{meta.published}早于统计期末（{year}年12月31日），日期可能有误", **evidence)]
    if meta.level is None and date(year + 1, 1, 31) < published <= limit:
        return [make("PF-TIMELY", "error", None,
                     f"{meta.published}发布：若为部门报告已超过1月31日期限，若为政府报告则未超过3月31日；发布机关层级不明",
                     **evidence)]
    if published <= limit:
        who = _LEVEL_NAMES.get(meta.level or "", "本级")
        return [make("PF-TIMELY", "error", True, f"{meta.published}发布，未超过{who}的法定期限{year + 1}年{words}",
                     **evidence)]
    late = (published - limit).days
    return [make("PF-TIMELY", "error", False,
                 f"{meta.published}发布，超过法定期限{year + 1}年{words}{late}天", days_late=late, **evidence)]


def check_period(report: Report) -> list[Finding]:
    """All period and format rules."""
    return [*statistics_period(report), *overall_length(report), *processing_fee(report), *timeliness(report)]
