"""Tables that copying flattened into digit runs ("行政规范性文件123456"): found so they are reported
unreadable, never split by guessing (12 | 3 | 456 and 1 | 23 | 456 read the same)."""

from __future__ import annotations

import re

from nlp.labels import TABLE_NAMES, TABLE_SECTIONS
from nlp.report import Report, Unreadable
from nlp.schema import row_labels

# What a figure in prose is followed by: a count word or unit. A run of digits glued to a row label and not
# followed by one is a table row whose cell boundaries were lost.
_COUNTED = "件条个万元人%％次项篇家份起宗期批"
_MIN_HITS = 2
# Table 四 has no row labels of its own: its fifteen cells flatten into one long run of digits.
_T4_RUN = re.compile(r"\d{15,}")
def _glued(text: str, table: str) -> list[str]:
    """The label-and-digits runs of one table in a stretch of text."""
    if table == "table4":
        return _T4_RUN.findall(text)
    # Table 二's values are often one number per row, so two digits are enough; table 三 rows carry seven.
    digits = r"\d{2,}(?:\.\d+)?" if table == "table2" else r"\d{5,}"
    hits = []
    # Table 三's short labels ("2.重复申请" → "重复申请" is long enough) alone would match ordinary prose.
    for label in (x for x in row_labels(table) if table == "table2" or len(x) >= 4):
        hits += [m.group(0) for m in re.finditer(rf"{re.escape(label)}{digits}(?![\d.{_COUNTED}])", text)]
    return hits


def flattened_tables(report: Report, found: tuple[str, ...]) -> tuple[Unreadable, ...]:
    """The tables not read as tables whose section (or, with no sections, whole text) holds them flattened."""
    out = []
    for table, section in TABLE_SECTIONS.items():
        if table in found:
            continue
        text = report.section_text(section) if report.sections else report.text
        hits = _glued(text, table)
        if len(hits) >= (1 if table == "table4" else _MIN_HITS):
            example = hits[0] if len(hits[0]) <= 40 else hits[0][:40] + "…"
            out.append(Unreadable(
                table, "flattened",
                f"{TABLE_NAMES[table]}在复制时被压平为连续的数字（如“{example}”），单元格的边界已丢失，"
                f"无法可靠拆分，未读取；请对照原文件人工复核",
            ))
    return tuple(out)
