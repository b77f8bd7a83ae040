"""Text normalisation shared by every reader: width, spaces, page furniture and cell values."""

from __future__ import annotations

import re

from nlp.report import NA, CellValue

_FULLWIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
# Keep Chinese punctuation full-width in running text; only digits, letters and number signs fold.
_TEXT_FOLD = str.maketrans(
    {k: v for k, v in _FULLWIDTH.items() if v.isalnum() or v in ".%+-"} | {"\u3000": " ", "\xa0": " "}
)
_CELL_FOLD = str.maketrans(_FULLWIDTH | {"\u3000": " ", "\xa0": " ", "，": ",", "－": "-", "−": "-"})

CJK = "\u3400-\u9fff\uf900-\ufaff"
CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】…—·「」『』"
_SPACE_BETWEEN = re.compile(
    rf"(?<=[{CJK}0-9%])[ \t]+(?=[{CJK}])|(?<=[{CJK}])[ \t]+(?=[0-9])|(?<=[{CJK_PUNCT}])[ \t]+|[ \t]+(?=[{CJK_PUNCT}])"
)
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－─]+\s*\d{1,4}\s*[-—–－─]+|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})\s*$"
)
_CID = re.compile(r"\(cid:\d+\)")


def normalize_text(text: str) -> str:
    """Fold full-width digits and letters, drop spaces that PDF justification put between Chinese."""
    text = text.translate(_TEXT_FOLD)
    return _SPACE_BETWEEN.sub("", text).strip()


def is_page_furniture(line: str) -> bool:
    """True for page-number lines such as '- 3 -', '— 3 —', '第3页 共5页'."""
    return bool(_PAGE_NUMBER.match(line))


def cid_share(text: str) -> float:
    """Share of the characters that are `(cid:NN)` garbage from fonts without a Unicode map."""
    if not text:
        return 0.0
    garbage = sum(len(m) for m in _CID.findall(text))
    return garbage / len(text)


def squash(text: str) -> str:
    """A label with all whitespace removed and widths folded, for matching."""
    return re.sub(r"\s+", "", text.translate(_CELL_FOLD))


_NA_WORDS = {"/", "／", "\\", "—", "——", "-", "--", "–", "－", "─", "不适用", "无", "N/A", "NA", "n/a", "×"}
_NUMBER = re.compile(r"^([+-]?)(\d+(?:\.\d+)?)$")
_SIGN_WORDS = {"减": "-", "增": "+", "减少": "-", "增加": "+"}
_UNIT = re.compile(r"^(.*?\d)\s*(万元|亿元|元|件|个|项|条|次|人次|人|家)$")


def parse_cell(raw: str) -> tuple[CellValue, str | None]:
    """A cell's value and unit: a number as printed, None for blank, NA for '/' '—' '不适用'.

    Raises ValueError for text that is not a number, so callers can report it instead of guessing.
    """
    text = re.sub(r"\s+", "", raw.translate(_CELL_FOLD))
    if not text:
        return None, None
    if text in _NA_WORDS:
        return NA, None
    sign = ""
    for word, symbol in _SIGN_WORDS.items():
        if text.startswith(word):
            sign, text = symbol, text[len(word) :]
            break
    unit = None
    match = _UNIT.match(text)
    if match:
        text, unit = match.group(1), match.group(2)
    text = re.sub(r"(?<=\d),(?=\d{3}(?:\D|$))", "", text)
    number = _NUMBER.match(text)
    if not number:
        raise ValueError(f"not a number: {raw!r}")
    digits = number.group(2)
    value: int | float = float(digits) if "." in digits else int(digits)
    if (sign or number.group(1)) == "-":
        value = -value
    return value, unit
