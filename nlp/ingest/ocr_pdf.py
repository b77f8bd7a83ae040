"""Which PDF pages need OCR (no text layer, or a garbage one) and their recognition from a pypdfium2 render."""

from __future__ import annotations

import math
import re
from typing import Any

from nlp.ingest.ocr import PageRead, read_page_image, report_progress
from nlp.ingest.ocr_engine import OcrSettings
from nlp.normalize import CJK, cid_share
from nlp.report import ReportError

# Characters a Chinese report's text layer never holds in number: Latin-1 and Latin Extended letters, private
# use and replacement characters, C1 controls. A page made mostly of them was decoded with the wrong code page.
_MOJIBAKE = re.compile("[\u0080-\u024f\ue000-\uf8ff\ufffd]")
_READABLE = re.compile(rf"[{CJK}0-9A-Za-z]")
_IMAGE_SHARE = 0.25  # share of the page an image must cover for a page without text to be a scan


def garbage_share(text: str) -> float:
    """Share of a text layer that is (cid:NN) codes or mojibake rather than readable characters."""
    text = re.sub(r"\s+", "", text)
    if not text:
        return 0.0
    bad = len(_MOJIBAKE.findall(text))
    return min(1.0, cid_share(text) + bad / len(text))


def _image_share(page: Any) -> float:
    area = max(float(page.width) * float(page.height), 1.0)
    covered = sum(max(0.0, float(im["x1"]) - float(im["x0"])) * max(0.0, float(im["bottom"]) - float(im["top"]))
                  for im in page.images)
    return min(1.0, covered / area)


def ocr_reason(page: Any, text: str, min_chars: int, max_garbage: float) -> str | None:
    """Why a page is read by OCR: "scan" for a page without text that shows an image, "garbage" for a text
    layer of (cid:…) codes or mojibake; None to read its text layer (a blank page stays blank)."""
    readable = len(_READABLE.findall(text))
    if readable < min_chars:
        if garbage_share(text) > max_garbage:
            return "garbage"
        return "scan" if _image_share(page) >= _IMAGE_SHARE else None
    return "garbage" if garbage_share(text) > max_garbage else None


def page_ranges(pages: list[int]) -> str:
    """1, 2, 3, 5 as "1–3、5"."""
    runs: list[list[int]] = []
    for p in sorted(pages):
        if runs and p == runs[-1][-1] + 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    return "、".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


class PageRenderer:
    """Renders pages of one PDF with pypdfium2, opened once on first use and closed by `close`."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.doc: Any = None

    def render(self, index: int, settings: OcrSettings) -> tuple[Any, float, ReportError | None]:
        """The page as a grey array at the OCR resolution (smaller for a page too large), the resolution used,
        and a warning when it had to be smaller."""
        import pypdfium2

        if self.doc is None:
            self.doc = pypdfium2.PdfDocument(self.data)
        page = self.doc[index]
        try:
            width, height = page.get_size()
            scale = settings.dpi / 72.0
            warning = None
            if width * height * scale * scale > settings.max_pixels:
                scale = math.sqrt(settings.max_pixels / (width * height))
                warning = ReportError(
                    "image_downscaled",
                    f"第 {index + 1} 页幅面过大，按 {scale * 72:.0f} dpi 渲染后识别 (page rendered at a lower resolution)",
                    "warning", index + 1)
            bitmap = page.render(scale=scale, grayscale=True)
            try:
                gray = bitmap.to_numpy().copy()
            finally:
                bitmap.close()
        finally:
            page.close()
        return (gray[:, :, 0] if gray.ndim == 3 else gray), scale * 72.0, warning

    def close(self) -> None:
        if self.doc is not None:
            self.doc.close()
            self.doc = None


def ocr_pdf_page(renderer: PageRenderer, index: int, pages: int, settings: OcrSettings, margin: float) -> PageRead:
    """One PDF page rendered and recognised; the image is dropped before the next page."""
    report_progress(index + 1, pages)
    gray, dpi, warning = renderer.render(index, settings)
    read = read_page_image(gray, index + 1, dpi, settings, margin)
    if warning is not None:
        read.errors.insert(0, warning)
    return read
