"""Tell a document's format from its content, not only its file name."""

from __future__ import annotations

import io
import re
import zipfile

_HTML = re.compile(rb"<\s*(?:!doctype\s+html|html|body|table|p|div|meta|head)[\s>]", re.IGNORECASE)
_TEXT_ENCODINGS = ("utf-8-sig", "gb18030", "utf-16")


def detect_format(data: bytes, name: str = "") -> str:
    """One of pdf, docx, html, text, doc (legacy Word), empty or binary."""
    if not data.strip():
        return "empty"
    head = data[:2048]
    if b"%PDF-" in head[:1024]:
        return "pdf"
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
    for encoding in _TEXT_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t\f")
        if controls <= len(text[:4096]) * 0.01:
            return text
    return None
