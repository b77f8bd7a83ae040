"""Files on disk: uploads addressed by their SHA-256 so names never reach the file system, private files."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path, PurePosixPath, PureWindowsPath

_HEX = re.compile(r"^[0-9a-f]{64}$")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*\\/]")
# Bidirectional controls make "report\u202efdp.exe" display as "reportexe.pdf": they are dropped from names.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def private_dir(path: Path) -> Path:
    """Create a directory only its owner can enter (0700), tightening an existing one."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o700)
    return path


def write_private(path: Path, data: bytes) -> bool:
    """Create `path` with mode 0600 holding `data`, atomically: the file never exists with other permissions
    or partly written; when it already exists it is kept (False)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".private-")  # mkstemp creates 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # fails if another process created it first: its content wins
        except FileExistsError:
            return False
        return True
    finally:
        os.unlink(tmp)


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
    """A display name from an untrusted upload name: last path component only, no control or bidi characters."""
    name = _BIDI.sub("", unicodedata.normalize("NFC", name or ""))
    # Browsers and zip tools send either separator; keep only the final component of both readings.
    name = PureWindowsPath(PurePosixPath(name).name).name
    name = _UNSAFE.sub("_", name).strip(" .")
    return (name or default)[:200]
