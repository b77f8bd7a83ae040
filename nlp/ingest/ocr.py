"""OCR of one page image into the readers' form: text lines, ruled and borderless table rows, each OCR cell
with its recognition confidence."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from nlp.ingest.extracted import GridCell, GridRow, Paragraph
from nlp.ingest.image_grid import Grid, grids, ink
from nlp.ingest.lines import Line, page_body
from nlp.ingest.ocr_digits import normalize_digits
from nlp.ingest.ocr_engine import OcrSettings, engine, recognizers
from nlp.ingest.ocr_page import Rect, crop, upright
from nlp.ingest.pdf_words import word_rows
from nlp.ingest.rows import is_table_row
from nlp.report import UNCERTAIN_BELOW, BBox, Furniture, ReportError

_CHUNK = 32  # crops recognised per call: the page's time limit is checked between calls
_PROSE_SCORE = 0.5  # a text box scored lower outside a table is noise (a stamp, a photograph), not a line
# Confidence given to a table cell whose value is not trusted: a low score, a letter read as a digit, or a
# blank cell with ink in it. Below nlp.report.UNCERTAIN_BELOW, so the cell is flagged and the report reviewed.
_DOUBTFUL = round(UNCERTAIN_BELOW - 0.15, 2)
_INK_SHARE = 0.004  # dark share of a cell's inside above which a cell with no text found is not blank
_MAX_LEAN = 12  # degrees from upright a printed 1 keeps to; a slash leans 25 or more
_INK_CONTRAST = 30  # grey levels below the paper that count as a mark in a cell (scanner noise stays above)

# Told of each page an OCR reader starts (page number, pages in the document): `nianbao parse` shows progress.
progress: ContextVar[Callable[[int, int], None] | None] = ContextVar("ocr_progress", default=None)


def report_progress(page_no: int, pages: int) -> None:
    """Tell the caller's progress hook (if any) that OCR of a page starts."""
    hook = progress.get()
    if hook is not None:
        hook(page_no, pages)


@dataclass
class OcrBox:
    """One recognised text box on the upright page."""

    text: str
    score: float
    rect: Rect


@dataclass
class PageRead:
    """What OCR found on one page, in the page's own coordinates (PDF points, top-left origin)."""

    paragraphs: list[Paragraph] = field(default_factory=list)
    rows: list[GridRow] = field(default_factory=list)
    furniture: list[Furniture] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    errors: list[ReportError] = field(default_factory=list)


def cell_confidence(score: float, guessed: bool, settings: OcrSettings) -> float:
    """A table cell's confidence from its recognition score: trusted scores stand, others are flagged."""
    if guessed or score < settings.trusted_score:
        return min(score, _DOUBTFUL)
    return round(score, 3)


def _split_at(rect: Rect, grid_list: list[Grid]) -> list[Rect]:
    """A detected box cut where a table's vertical ruling line crosses it: two cells' values read as one."""
    pieces = [rect]
    for grid in grid_list:
        for line in grid.verticals:
            out = []
            for x0, y0, x1, y1 in pieces:
                cy = (y0 + y1) // 2
                if x0 + 3 < line.at < x1 - 3 and line.covers(cy - 1, cy + 1) > 0:
                    out += [(x0, y0, line.at - 2, y1), (line.at + 2, y0, x1, y1)]
                else:
                    out.append((x0, y0, x1, y1))
            pieces = out
    return [p for p in pieces if p[2] - p[0] >= 4]


def _recognise(
    rec: Any, gray: np.ndarray, rects: list[Rect], deadline: float
) -> tuple[list[OcrBox], bool]:
    """Text and score of each box, in chunks; False as the second value when the page ran out of time."""
    from rapidocr.ch_ppocr_rec import TextRecInput

    boxes: list[OcrBox] = []
    for start in range(0, len(rects), _CHUNK):
        if time.process_time() > deadline:
            return boxes, False
        chunk = rects[start:start + _CHUNK]
        crops = [np.repeat(crop(gray, (r[0] - 2, r[1] - 2, r[2] + 2, r[3] + 2))[:, :, None], 3, axis=2) for r in chunk]
        result = rec(TextRecInput(img=crops))
        for rect, text, score in zip(chunk, result.txts or (), result.scores or (), strict=False):
            if text.strip():
                boxes.append(OcrBox(text.strip(), float(score), rect))
    return boxes, True


def _inside(rect: Rect, area: Rect) -> bool:
    cx, cy = (rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2
    return area[0] <= cx <= area[2] and area[1] <= cy <= area[3]


def _reading_order(boxes: list[OcrBox]) -> list[OcrBox]:
    """Boxes by line, then left to right (a line is boxes whose middles lie within half a box height)."""
    ordered: list[list[OcrBox]] = []
    for box in sorted(boxes, key=lambda b: (b.rect[1] + b.rect[3]) / 2):
        mid, height = (box.rect[1] + box.rect[3]) / 2, box.rect[3] - box.rect[1]
        if ordered and abs(mid - (ordered[-1][0].rect[1] + ordered[-1][0].rect[3]) / 2) <= height / 2:
            ordered[-1].append(box)
        else:
            ordered.append([box])
    return [b for line in ordered for b in sorted(line, key=lambda b: b.rect[0])]


@dataclass
class _Frame:
    """Pixels of the upright image to PDF points of the page as stored (turned back, scaled)."""

    scale: float  # points per pixel
    turned: int
    width: int  # upright image size in pixels
    height: int

    def points(self, rect: Rect) -> BBox:
        """A rectangle in upright pixels as points, in the upright frame (for layout and column extents)."""
        return tuple(round(v * self.scale, 1) for v in rect)  # type: ignore[return-value]

    def page_box(self, box: BBox) -> BBox:
        """A box in upright points in the page's own frame, where a reviewer sees it on the page image."""
        x0, y0, x1, y1 = box
        w, h = self.width * self.scale, self.height * self.scale
        for _ in range(self.turned // 90):  # undo one counter-clockwise quarter turn: (x, y) <- (w - y, x)
            x0, y0, x1, y1 = h - y1, x0, h - y0, x1
            w, h = h, w
        return (round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1))


def _slanted(ink_mask: np.ndarray) -> bool:
    """Whether the marks' main axis leans more than a printed 1 does: the slash of a not-applicable cell,
    which the recogniser reads as 1 with a high score."""
    ys, xs = np.nonzero(ink_mask)
    if len(xs) < 8:
        return False
    cov = np.cov(np.stack([xs, ys]).astype(np.float64))
    angle = 0.5 * np.degrees(np.arctan2(2 * cov[0, 1], cov[0, 0] - cov[1, 1]))  # 0: horizontal, ±90: upright
    return 90 - abs(angle) > _MAX_LEAN


def _within(rect: Rect, area: Rect) -> Rect:
    """The part of a box inside an area (a text box reaches onto the cell's rules; their ink is not the glyph's)."""
    return (max(rect[0], area[0]), max(rect[1], area[1]), min(rect[2], area[2]), min(rect[3], area[3]))


def _inner(rect: Rect) -> Rect:
    """A cell without its ruling lines."""
    return (rect[0] + 4, rect[1] + 4, rect[2] - 4, rect[3] - 4)


def _inked(mask: np.ndarray, rect: Rect) -> bool:
    """Whether a cell's inside holds marks (a dash, a faint digit) rather than bare paper and noise."""
    inside = crop(mask, _inner(rect))
    return float(np.count_nonzero(inside)) / max(inside.size, 1) > _INK_SHARE


def _cell(boxes: list[OcrBox], rect: Rect, page_no: int, frame: _Frame, mask: np.ndarray,
          settings: OcrSettings) -> GridCell:
    """One ruled cell: the boxes inside it read in order, normalised as a number, with their lowest score."""
    inner = [b for b in boxes if _inside(b.rect, rect)]
    text, guessed = normalize_digits("".join(b.text for b in _reading_order(inner)))
    box = frame.points(rect)
    if inner:
        confidence = cell_confidence(min(b.score for b in inner), guessed, settings)
        if text == "1" and _slanted(crop(mask, _within(inner[0].rect, _inner(rect)))):  # a "/" read as 1
            confidence = min(confidence, _DOUBTFUL)
    else:
        # Nothing recognised: blank only if the cell's inside holds no ink a faint digit could have left.
        confidence = _DOUBTFUL if _inked(mask, rect) else None
    return GridCell(text, page_no, box, span=(box[0], box[2]), confidence=confidence)


class _Words:
    """OCR boxes as pdfplumber-like words, so the borderless-table finder of text PDFs reads them too."""

    def __init__(self, boxes: list[OcrBox], frame: _Frame) -> None:
        self.words = []
        for b in boxes:
            x0, top, x1, bottom = frame.points(b.rect)
            self.words.append({"text": b.text, "x0": x0, "x1": x1, "top": top, "bottom": bottom})

    def extract_words(self) -> list[dict[str, Any]]:
        return self.words


def _lines(boxes: list[OcrBox], page_no: int, frame: _Frame) -> list[Line]:
    """Prose boxes as printed lines: boxes on one line joined, a wide gap kept as a space."""
    lines: list[Line] = []
    previous: OcrBox | None = None
    for box in _reading_order(boxes):
        rect = frame.points(box.rect)
        if lines and previous is not None and abs(rect[1] - lines[-1].bbox[1]) <= (rect[3] - rect[1]) / 2:
            last = lines[-1]
            gap = rect[0] - last.bbox[2]
            joiner = " " if gap > (rect[3] - rect[1]) else ""
            lines[-1] = Line(last.text + joiner + box.text, page_no,
                             (last.bbox[0], min(last.bbox[1], rect[1]), rect[2], max(last.bbox[3], rect[3])))
        else:
            lines.append(Line(box.text, page_no, rect))
        previous = box
    return lines


def read_page_image(gray: np.ndarray, page_no: int, dpi: float, settings: OcrSettings,
                    furniture_margin: float = 0.1) -> PageRead:
    """Recognise one grey page image rendered at `dpi`: its paragraphs, table rows and furniture."""
    # CPU seconds, not wall time: a page must not fail because other processes share the machine's cores.
    deadline = time.process_time() + settings.page_seconds
    ocr = engine(settings.threads)
    classifier, rec = recognizers(ocr)
    page = upright(ocr, classifier, gray, min(1.0, settings.detect_dpi / dpi))
    frame = _Frame(72.0 / dpi, page.turned, page.image.shape[1], page.image.shape[0])
    out = PageRead()
    if page.turned:
        out.errors.append(ReportError("ocr_page_turned", f"第 {page_no} 页图像方向旋转了 {page.turned} 度，已转正后识别", "info", page_no))
    table_grids = grids(page.image, dpi, page.boxes)
    rects = [piece for rect in page.boxes for piece in _split_at(rect, table_grids)]
    if len(rects) > settings.max_boxes:
        out.errors.append(ReportError(
            "ocr_too_many_boxes", f"第 {page_no} 页检测到 {len(rects)} 个文字框，超过上限 {settings.max_boxes}，只识别前面的部分",
            "warning", page_no))
        rects = sorted(rects, key=lambda r: (r[1], r[0]))[: settings.max_boxes]
    boxes, finished = _recognise(rec, page.image, rects, deadline)
    if not finished:
        out.errors.append(ReportError(
            "ocr_page_timeout", f"第 {page_no} 页文字识别超过 {settings.page_seconds:.0f} 秒上限，该页未读取", "warning", page_no))
        return out
    mask = ink(page.image, _INK_CONTRAST)
    blank_with_ink = [cell for grid in table_grids for row in grid.rows for cell in row
                      if not any(_inside(b.rect, cell) for b in boxes) and _inked(mask, cell)]
    if blank_with_ink:  # a lone dash or a faint digit the detector missed: read the cell's inside as a whole
        found, _ = _recognise(rec, page.image, [_inner(cell) for cell in blank_with_ink], deadline)
        boxes += found
    areas: list[BBox] = []
    for grid in table_grids:
        for row in grid.rows:
            cells = tuple(_cell(boxes, rect, page_no, frame, mask, settings) for rect in row)
            if is_table_row(cells):
                out.rows.append(cells)
        areas.append(frame.points(grid.area))
    loose = [b for b in boxes if not any(_inside(b.rect, g.area) for g in table_grids)]
    out.rows += _borderless(loose, page_no, frame, areas, settings)
    prose = [b for b in loose if b.score >= _PROSE_SCORE and not any(_inside(frame.points(b.rect), a) for a in areas)]
    lines = _lines(prose, page_no, frame)
    paragraphs, furniture, texts = page_body(lines, page_no, frame.height * frame.scale, furniture_margin)
    out.paragraphs = [replace(p, bbox=frame.page_box(p.bbox)) if p.bbox else p for p in paragraphs]
    out.furniture = [replace(f, bbox=frame.page_box(f.bbox)) if f.bbox else f for f in furniture]
    out.texts = texts + [c.text for row in out.rows for c in row]
    # Rows in reading order (by their top in the upright frame), then their boxes in the page's own frame.
    out.rows.sort(key=_top)
    out.rows = [tuple(replace(c, bbox=frame.page_box(c.bbox)) if c.bbox else c for c in row) for row in out.rows]
    return out


def _top(row: GridRow) -> float:
    return min((c.bbox[1] for c in row if c.bbox), default=0.0)


def _borderless(boxes: list[OcrBox], page_no: int, frame: _Frame, areas: list[BBox],
                settings: OcrSettings) -> list[GridRow]:
    """Tables printed without ruling lines, found from how the text boxes line up (areas are added to
    `areas` so the prose leaves them out); each cell keeps its box's score."""
    rows, found = word_rows(_Words(boxes, frame), page_no, [])
    areas.extend(found)
    scores = {frame.points(b.rect): b.score for b in boxes}
    out = []
    for row in rows:
        cells = []
        for cell in row:
            text, guessed = normalize_digits(cell.text)
            score = scores.get(cell.bbox, 0.0) if cell.bbox else 0.0
            cells.append(replace(cell, text=text, confidence=cell_confidence(score, guessed, settings)))
        out.append(tuple(cells))
    return out
