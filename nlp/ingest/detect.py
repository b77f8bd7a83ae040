"""Tell a document's format from its content, not only its file name."""

from __future__ import annotations

import io
import re
import zipfile

_HTML = re.compile(rb"<\s*(?:!doctype\s+html|html|body|table|p|div|meta|head)[\s>]", re.IGNORECASE)
# A text file may carry a few bytes its encoding cannot read (a file cut mid-character, one stray byte): up
# to this many, or one in a thousand, are replaced and reported, not a reason to refuse the file.
_TOLERATED_INVALID = 16
_REPLACEMENT = {"utf-8": "\ufffd".encode(), "gb18030": "\ufffd".encode("gb18030")}


# Image files read by OCR (nlp.ingest.image), by their signatures: PNG, JPEG, TIFF (both byte orders).
_IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")


def detect_format(data: bytes, name: str = "") -> str:
    """One of pdf, docx, html, text, image (PNG, JPEG, TIFF), doc (legacy Word), empty or binary."""
    if not data.strip():
        return "empty"
    head = data[:2048]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(_IMAGE_SIGNATURES):
        return "image"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            return "docx" if name.lower().endswith(".docx") else "binary"
        return "binary"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if decode_text(data) is None:
        return "binary"
    if _HTML.search(data[:65536]):
        return "html"
    return "text"


def decode_text(data: bytes) -> str | None:
    """The text of a text file in UTF-8 or GB18030 (common on Chinese government sites), else None."""
    decoded = decode_text_counted(data)
    return decoded[0] if decoded else None


def _mostly_text(text: str) -> bool:
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t\f")
    return controls <= len(text[:4096]) * 0.01


def decode_text_counted(data: bytes) -> tuple[str, int] | None:
    """(text, number of invalid bytes replaced), else None for data that is no text.

    UTF-8 is preferred: GB18030 is taken only when it reads the bytes with fewer invalid sequences, which
    keeps a UTF-8 file cut mid-character from turning into GB18030 garbage; UTF-16 is the last resort."""
    body = data.removeprefix(b"\xef\xbb\xbf")
    readings = []
    for encoding in ("utf-8", "gb18030"):
        text = body.decode(encoding, errors="replace")
        invalid = text.count("\ufffd") - body.count(_REPLACEMENT[encoding])
        readings.append((invalid, encoding, text))
    invalid, _, text = min(readings, key=lambda r: r[0])  # ties keep UTF-8 (listed first)
    if invalid <= max(_TOLERATED_INVALID, len(data) // 1000) and _mostly_text(text):
        return text, invalid
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError:
        return None
    return (text, 0) if _mostly_text(text) else None
