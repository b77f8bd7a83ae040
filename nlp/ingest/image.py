"""Image files (PNG, JPEG, TIFF, one page per frame) read by OCR, decoded at the OCR resolution."""

from __future__ import annotations

import io
import math

import numpy as np

from nlp.ingest.extracted import Extracted, GridRow, Paragraph
from nlp.ingest.limits import too_large
from nlp.ingest.ocr import read_page_image, report_progress
from nlp.ingest.ocr_engine import OcrSettings, OcrUnavailable
from nlp.report import Furniture, ReportError

_A4_SHORT_SIDE = 8.27  # inches: an image without a plausible resolution is taken to show an A4 page
_PLAUSIBLE_WIDTH = (3.0, 17.0)  # inches a stated resolution may make the page's short side
_BOMB = 50  # an image may hold this many times the OCR pixel cap before decoding is refused outright
_NOTED_SHRINK = 0.5  # an image reduced to less than half its resolution is noted (a 600 dpi scan)


def _failed(code: str, message: str) -> Extracted:
    return Extracted("image", errors=(ReportError(code, message),), failed=True)


def _resolution(image: object, width: int, height: int) -> float:
    """The image's dots per inch: as stated when that makes a paper-sized page, else as if it showed A4."""
    stated = getattr(image, "info", {}).get("dpi")
    short = min(width, height)
    if stated:
        try:
            dpi = float(stated[0])
        except (TypeError, ValueError, IndexError):
            dpi = 0.0
        if dpi > 0 and _PLAUSIBLE_WIDTH[0] <= short / dpi <= _PLAUSIBLE_WIDTH[1]:
            return dpi
    return short / _A4_SHORT_SIDE


def _frame(image: object, settings: OcrSettings, page_no: int) -> tuple[np.ndarray, float, ReportError | None]:
    """One frame as a grey array at no more than the OCR resolution and pixel cap, and a note when it was
    reduced a lot. JPEG frames are decoded reduced (draft mode), so a huge scan never sits in memory whole."""
    from PIL import Image

    width, height = image.size  # type: ignore[attr-defined]
    dpi = _resolution(image, width, height)
    scale = min(1.0, settings.dpi / dpi, math.sqrt(settings.max_pixels / max(width * height, 1)))
    target = (max(1, round(width * scale)), max(1, round(height * scale)))
    if scale < 1.0 and hasattr(image, "draft"):
        image.draft("L", target)  # type: ignore[attr-defined]
    gray = image.convert("L")  # type: ignore[attr-defined]
    if gray.size != target:
        gray = gray.resize(target, Image.Resampling.BOX)
    note = None
    if scale < _NOTED_SHRINK:
        note = ReportError(
            "image_downscaled",
            f"第 {page_no} 页图像 {width}×{height} 像素（约 {dpi:.0f} dpi），已缩小到 {dpi * scale:.0f} dpi 识别 (image downscaled)",
            "warning", page_no)
    return np.asarray(gray), dpi * scale, note


def read_image(data: bytes, settings: OcrSettings | None = None, max_pages: int = 400) -> Extracted:
    """Recognise an image file's pages. A file PIL cannot decode, or cut short, is `unreadable`."""
    from PIL import Image, UnidentifiedImageError

    settings = settings or OcrSettings()
    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        return _failed("unreadable", f"图像文件已损坏或格式无法识别 (unreadable image: {exc})")
    if width * height > _BOMB * settings.max_pixels:
        raise too_large("像素", width * height, _BOMB * settings.max_pixels)
    frames = getattr(image, "n_frames", 1)
    errors: list[ReportError] = []
    if frames > max_pages:
        errors.append(ReportError("too_many_pages", f"图像共 {frames} 页，只读取前 {max_pages} 页", "warning"))
    paragraphs: list[Paragraph] = []
    rows: list[GridRow] = []
    furniture: list[Furniture] = []
    pages = min(frames, max_pages)
    for index in range(pages):
        report_progress(index + 1, pages)
        try:  # only decoding is guarded: what the recogniser raises is a bug of ours, not a broken file
            image.seek(index)
            gray, dpi, note = _frame(image, settings, index + 1)
        except (OSError, ValueError, EOFError, Image.DecompressionBombError) as exc:
            return _failed("unreadable", f"图像文件不完整或已损坏，无法读取 (truncated or corrupt image: {exc})")
        try:
            read = read_page_image(gray, index + 1, dpi, settings)
        except OcrUnavailable as exc:
            return _failed("ocr_unavailable", str(exc))
        del gray  # one page image in memory at a time
        errors += ([note] if note else []) + read.errors
        paragraphs += read.paragraphs
        rows += read.rows
        furniture += read.furniture
    note = ReportError("ocr_used", "图像文件，已用文字识别（OCR）读取；识别把握不足的表格数字已标出，需人工核对", "warning")
    return Extracted("image", pages, tuple(paragraphs), tuple(rows), tuple(furniture), (note, *errors))
