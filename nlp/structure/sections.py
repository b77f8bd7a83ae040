"""Find the six required sections and their numbered sub-items, tolerant of heading variants."""

from __future__ import annotations

import re
from dataclasses import replace

from nlp.report import Block, Report, ReportError, Section, SubItem
from nlp.schema import SECTION_BY_KEY, SECTION_KEYS, SECTIONS
from nlp.vocabulary import NUMERALS

_SECTION_HEADING = re.compile(rf"^\s*(?:第?([{NUMERALS}]{{1,2}})\s*(?:[、.．]|部分)|([1-6])\s*[、.．](?!\d))\s*(.*)$")
_SUBITEM = re.compile(rf"^\s*([（(]\s*[{NUMERALS}]{{1,2}}\s*[）)]|\d{{1,2}}\s*[.．、](?!\d))\s*(.*)$")
_TITLE_END = re.compile(r"[。：:]")
# Sub-item titles that show where a section 五 whose own heading was lost begins.
_PROBLEM_SUBITEM = re.compile(r"主要问题|存在.{0,4}问题|问题.{0,6}(?:改进|整改)")
# The signature block (落款) closing a report: the body's name and the date, each on a line of its own.
_SIGNATURE_DATE = re.compile(r"(?:19|20)\d{2}年\d{1,2}月\d{1,2}日$")
_SIGNATURE_NAME = re.compile(r"^[^。；，！？：,;:!?\d]{2,40}(?:政府|办公室|办公厅|办事处|委员会|局|厅|委|办|院|中心|街道)$")
_SIGNATURE_LINES = 3


def _title_of(rest: str) -> str:
    """The heading part of a line that may run on into the paragraph ('（一）主动公开情况。主要…')."""
    match = _TITLE_END.search(rest)
    return rest[: match.start()] if match else rest


def _section_key(title: str) -> tuple[str, int] | None:
    """The section a heading title names and how strongly, judged by its cue phrases (longest cue wins)."""
    best: tuple[int, str] | None = None
    for spec in SECTIONS:
        for cue in spec.cues:
            if cue in title and (best is None or len(cue) > best[0]):
                best = (len(cue), spec.key)
    return (best[1], best[0]) if best else None


def _heading_candidates(report: Report) -> list[tuple[Block, str, str]]:
    """(block, numeral, title) for blocks that look like top-level section headings."""
    out = []
    for block in report.blocks:
        text = report.text[block.start : block.end]
        match = _SECTION_HEADING.match(text)
        if match:
            title = _title_of(match.group(3))
            if len(title) <= 40:
                out.append((block, match.group(1) or match.group(2), title))
        elif block.kind == "heading" and len(text) <= 40 and not _SUBITEM.match(text):
            out.append((block, "", text))
    return out


def _subitems(report: Report, start: int, end: int) -> tuple[SubItem, ...]:
    items = []
    for block in report.blocks:
        if start <= block.start < end:
            text = report.text[block.start : block.end]
            match = _SUBITEM.match(text)
            if match:
                title = _title_of(match.group(2))
                items.append(SubItem(re.sub(r"\s", "", match.group(1)), title[:60], block.start, block.end))
    # A sub-item runs until the next one at the same level or the end of its section (found walking back,
    # so that a section of many sub-items costs one pass).
    spans = []
    following: dict[str, int] = {}  # first label character -> start of the next item at that level
    for item in reversed(items):
        nxt = following.get(item.label[0], end)
        spans.append(replace(item, end=nxt - 1 if nxt > item.start else item.end))
        following[item.label[0]] = item.start
    return tuple(reversed(spans))


_NUMERAL_BONUS = 6  # a heading numbered as the template numbers it outweighs any cue-length difference


def _best_outline(report: Report) -> list[tuple[str, Block, str]]:
    """The headings that open the six sections: the in-order choice with the strongest cues.

    Choosing greedily would let a report's own outline ("三、主动公开工作情况" inside its overview) take a
    key that the template heading later in the report ("一、主动公开政府信息情况") names far better.
    """
    order = {key: i for i, key in enumerate(SECTION_KEYS)}
    candidates = []
    for block, numeral, title in _heading_candidates(report):
        matched = _section_key(title)
        if matched is None:
            continue
        key, strength = matched
        spec = SECTION_BY_KEY[key]
        # A numbered item such as "2. 行政复议…" inside a section opens a section only if its number agrees.
        if numeral.isdigit() and int(numeral) != order[key] + 1:
            continue
        score = strength + (_NUMERAL_BONUS if numeral in (spec.numeral, str(order[key] + 1)) else 0)
        candidates.append((order[key], score, key, block, title))
    path = increasing_path([(rank, score) for rank, score, *_rest in candidates])
    return [(candidates[i][2], candidates[i][3], candidates[i][4]) for i in path]


def increasing_path(candidates: list[tuple[int, int]]) -> list[int]:
    """Indices of the highest-scoring run of (rank, score) candidates with strictly increasing rank; ties
    keep the earliest candidates.

    With only six ranks, the best path ending at each rank so far is all a new candidate needs to look at:
    O(n·6) instead of comparing every pair (8 MB of heading-like lines took a minute that way)."""
    best_at: dict[int, tuple[int, int]] = {}  # rank -> (total, index) of the earliest best path ending there
    totals: list[int] = []
    back: list[int | None] = []
    top: tuple[int, int] | None = None
    for i, (rank, score) in enumerate(candidates):
        # The best earlier path of lower rank; on equal totals the earliest ending candidate, as a scan would.
        before = min(((-t, j) for r, (t, j) in best_at.items() if r < rank), default=None)
        total, prev = (score - before[0], before[1]) if before else (score, None)
        totals.append(total)
        back.append(prev)
        if rank not in best_at or total > best_at[rank][0]:
            best_at[rank] = (total, i)
        if top is None or total > top[0]:
            top = (total, i)
    path: list[int] = []
    at = top[1] if top else None
    while at is not None:
        path.append(at)
        at = back[at]
    return path[::-1]


def find_sections(report: Report) -> Report:
    """Fill `sections` and `missing_sections`; sections must appear in template order."""
    found = _best_outline(report)
    errors: list[ReportError] = []
    keys = [k for k, _, _ in found]
    if "s5_problems" not in keys:
        inferred = _infer_problems_section(report, found)
        if inferred is not None:
            found.append(inferred)
            found.sort(key=lambda f: f[1].start)
            errors.append(
                ReportError(
                    "section_heading_inferred",
                    "未找到“五、存在的主要问题及改进情况”标题，已根据小标题推断第五部分的位置",
                    "warning",
                    inferred[1].page,
                )
            )
    sections = []
    for i, (key, block, title) in enumerate(found):
        end = found[i + 1][1].start - 1 if i + 1 < len(found) else _before_signature(report, block.end)
        heading_text = report.text[block.start : block.end]
        title_text = heading_text if len(heading_text) <= 40 else heading_text[: len(title) + 4]
        sections.append(
            Section(key, title_text, block.start, end, block.page, _subitems(report, block.end + 1, end))
        )
    missing = tuple(k for k in SECTION_KEYS if k not in {s.key for s in sections})
    if missing and sections:
        names = "、".join(f"{SECTION_BY_KEY[k].numeral}、{SECTION_BY_KEY[k].canonical}" for k in missing)
        errors.append(ReportError("missing_sections", f"缺少以下部分：{names}", "warning"))
    return replace(report, sections=tuple(sections), missing_sections=missing, errors=report.errors + tuple(errors))


def _before_signature(report: Report, after: int) -> int:
    """Where the last section ends: before the closing signature block (the body's name and the date), which
    belongs to the report, not to section 六; the end of the text when there is no such block."""
    end = len(report.text)
    tail = [b for b in report.blocks if b.start > after][-_SIGNATURE_LINES:]
    cut, dated = end, False
    for block in reversed(tail):
        text = re.sub(r"\s", "", report.text[block.start : block.end])
        date = _SIGNATURE_DATE.search(text)
        # The name and the date may share a line ("青川市临江区人民政府 2024年1月17日").
        if date and (date.start() == 0 or _SIGNATURE_NAME.match(text[: date.start()])):
            dated = True
        elif not _SIGNATURE_NAME.match(text):
            break
        cut = block.start
    # A signature is dated: a short name line alone at the end may be the last line of the section itself.
    if not dated:
        return end
    return max(after, cut - 1)


def _infer_problems_section(report: Report, found: list[tuple[str, Block, str]]) -> tuple[str, Block, str] | None:
    """Where the 五 heading was lost, the first problem-and-improvement sub-item after 四 opens it."""
    after = next((b.end for k, b, _ in found if k == "s4_review_litigation"), None)
    before = next((b.start for k, b, _ in found if k == "s6_other"), len(report.text))
    if after is None:
        return None
    for block in report.blocks:
        if after < block.start < before:
            text = report.text[block.start : block.end]
            match = _SUBITEM.match(text)
            if match and _PROBLEM_SUBITEM.search(_title_of(match.group(2))):
                return ("s5_problems", block, _title_of(match.group(2)))
    return None
