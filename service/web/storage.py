"""Uploaded files on disk, addressed by their SHA-256 so names never reach the file system."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path, PurePosixPath, PureWindowsPath

_HEX = re.compile(r"^[0-9a-f]{64}$")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*\\/]")


class BlobStore:
    """Files at root/ab/cdef…: writes are atomic and idempotent."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        """Where a blob lives; refuses anything but a hex digest (no path from user input)."""
        if not _HEX.match(sha256):
            raise ValueError("not a sha256 digest")
        return self.root / sha256[:2] / sha256[2:]

    def put(self, data: bytes) -> str:
        """Store bytes and return their digest; storing the same bytes twice is a no-op."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, sha256: str) -> bytes:
        """The stored bytes."""
        return self.path(sha256).read_bytes()


def safe_filename(name: str | None, default: str = "upload") -> str:
    """A display name from an untrusted upload name: last path component only, no control characters."""
    name = unicodedata.normalize("NFC", name or "")
    # Browsers and zip tools send either separator; keep only the final component of both readings.
    name = PureWindowsPath(PurePosixPath(name).name).name
    name = _UNSAFE.sub("_", name).strip(" .")
    return (name or default)[:200]
