"""PDF page images rendered locally with pypdfium2, with the offending cells boxed in red."""

from __future__ import annotations

import math
import struct
import threading
import zlib
from collections.abc import Sequence

import numpy as np
import pypdfium2 as pdfium

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, origin top-left
# pdfium is not thread-safe: one render at a time across the process.
_LOCK = threading.Lock()


def _png(pixels: np.ndarray) -> bytes:
    """Encode an RGB uint8 array as PNG (a few lines instead of a Pillow dependency)."""
    height, width, _ = pixels.shape
    raw = b"".join(b"\x00" + pixels[y].tobytes() for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")


def page_count(data: bytes) -> int:
    """How many pages a PDF has."""
    with _LOCK:
        pdf = pdfium.PdfDocument(data)
        try:
            return len(pdf)
        finally:
            pdf.close()


def fitting_scale(width: float, height: float, scale: float, max_pixels: int) -> float:
    """`scale`, or less so that the rendered page has at most `max_pixels` pixels (a 598-byte PDF can
    declare a 14400 × 14400 pt page: 5 GB at the usual scale)."""
    area = max(width, 1.0) * max(height, 1.0)
    return min(scale, math.sqrt(max_pixels / area))


def render_page(data: bytes, page: int, boxes: Sequence[BBox] = (), scale: float = 1.5,
                max_pixels: int = 4_000_000) -> bytes:
    """PNG of one page (1-based) with each box outlined, scaled down to at most `max_pixels` pixels;
    raises IndexError for a page that does not exist."""
    with _LOCK:
        pdf = pdfium.PdfDocument(data)
        try:
            if not 1 <= page <= len(pdf):
                raise IndexError(page)
            pdf_page = pdf[page - 1]
            scale = fitting_scale(*pdf_page.get_size(), scale, max_pixels)
            bitmap = pdf_page.render(scale=scale, rev_byteorder=True)
            pixels = np.array(bitmap.to_numpy()[:, :, :3], dtype=np.uint8, copy=True)
        finally:
            pdf.close()
    height, width, _ = pixels.shape
    for x0, top, x1, bottom in boxes:
        # Pad the box a little so the frame sits around the digits rather than on them.
        left, right = int((x0 - 2) * scale), int((x1 + 2) * scale)
        upper, lower = int((top - 2) * scale), int((bottom + 2) * scale)
        left, right = max(0, left), min(width - 1, right)
        upper, lower = max(0, upper), min(height - 1, lower)
        if right <= left or lower <= upper:
            continue
        red = np.array([220, 20, 20], dtype=np.uint8)
        for t in range(3):
            pixels[max(0, upper - t), left:right] = red
            pixels[min(height - 1, lower + t), left:right] = red
            pixels[upper:lower, max(0, left - t)] = red
            pixels[upper:lower, min(width - 1, right + t)] = red
    return _png(pixels)
