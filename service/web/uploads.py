"""Accepting uploads: size limits, zip expansion, format sniffing, then idempotent job creation."""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

from fastapi import UploadFile
from itsdangerous import BadSignature, URLSafeSerializer

from nlp.ingest.detect import detect_format
from nlp.labels import CODE_DESCRIPTIONS, CODE_NAMES, describe
from service.web.analyzer import is_supported
from service.web.jobs import Enqueued, enqueue, new_batch
from service.web.state import ServiceState
from service.web.storage import safe_filename

# Refused files travel to the jobs page in its URL (signed, so no one can make the page say what it likes);
# a zip may refuse hundreds, so the URL carries the first few, each name shortened, and the total.
REFUSALS_SHOWN = 20
_NAME_SHOWN = 60


class TooLarge(Exception):
    """An upload over the configured size limit."""


@dataclass
class UploadResult:
    """What became of each uploaded file: a job (new or existing) or a reason it was refused."""

    batch: str
    jobs: list[Enqueued] = field(default_factory=list)
    rejected: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The API response body."""
        return {
            "batch": self.batch,
            "batch_url": f"/api/batches/{self.batch}",
            "jobs": [
                {"id": e.job.id, "filename": e.job.filename, "sha256": e.job.sha256, "status": e.job.status,
                 "duplicate": e.duplicate, "url": f"/api/jobs/{e.job.id}"}
                for e in self.jobs
            ],
            "rejected": self.rejected,
        }


async def read_limited(upload: UploadFile, limit: int) -> bytes:
    """The upload's bytes, refusing more than `limit` without holding the excess in memory."""
    chunks, size = [], 0
    while chunk := await upload.read(1024 * 1024):
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"文件超过 {limit // 1048576} MB 上限")
        chunks.append(chunk)
    return b"".join(chunks)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, ratio: int) -> bytes | None:
    """A member's bytes, read in chunks and abandoned (None) once past `limit` or the compression ratio:
    what the directory declares is checked before, what the data really expands to while reading."""
    allowed = min(limit, max(info.compress_size, 1) * ratio)
    chunks, size = [], 0
    with archive.open(info) as fh:
        while chunk := fh.read(1024 * 1024):
            size += len(chunk)
            if size > allowed:
                return None
            chunks.append(chunk)
    return b"".join(chunks)


def _zip_members(data: bytes, svc: ServiceState) -> tuple[list[tuple[str, bytes]], list[dict[str, str]]]:
    """The files inside a zip, with limits on count, sizes and compression ratio, checked on the zip's
    directory before anything is expanded and again while reading (a zip bomb is refused, not expanded)."""
    settings = svc.settings
    files: list[tuple[str, bytes]] = []
    rejected: list[dict[str, str]] = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return [], [{"filename": "", "reason": "不是有效的 zip 文件"}]
    with archive:
        members = [i for i in archive.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX/")]
        if len(members) > settings.max_zip_members:
            raise TooLarge(f"zip 内文件过多（{len(members)} 个，上限 {settings.max_zip_members}）")
        if sum(i.file_size for i in members) > settings.max_zip_total_bytes:
            raise TooLarge(f"zip 解压后总大小超过 {settings.max_zip_total_bytes // 1048576} MB 上限")
        total = 0
        for info in members:
            name = safe_filename(info.filename)
            if info.file_size > settings.max_upload_bytes:
                rejected.append({"filename": name, "reason": "文件过大"})
                continue
            if info.file_size > max(info.compress_size, 1) * settings.max_zip_ratio:
                rejected.append({"filename": name, "reason": f"压缩比超过 {settings.max_zip_ratio} 倍，疑似压缩炸弹"})
                continue
            try:
                content = _read_member(archive, info, settings.max_upload_bytes, settings.max_zip_ratio)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, zlib.error):
                rejected.append({"filename": name, "reason": "zip 内文件已损坏"})
                continue
            if content is None:
                # The declared sizes lied: the data expands past the limit or the ratio.
                rejected.append({"filename": name, "reason": "解压后过大或压缩比异常"})
                continue
            total += len(content)
            if total > settings.max_zip_total_bytes:
                raise TooLarge("zip 解压后总大小超过上限")
            files.append((name, content))
    return files, rejected


# What a refused file is, as the readers' failure codes name it (nlp.labels), so the upload and the report agree.
_REFUSED_AS = {"empty": "empty_file", "doc": "old_word_format", "binary": "unsupported_format"}


def refusal_reason(data: bytes, name: str) -> str:
    """Why a file is not queued, in Chinese: what it is and what to do ("旧版 Word 格式：…另存为 .docx 或 PDF。")."""
    code = _REFUSED_AS.get(detect_format(data, name), "unsupported_format")
    return describe(CODE_NAMES, CODE_DESCRIPTIONS, code)


def accept(svc: ServiceState, uploads: list[tuple[str, bytes]], user_id: int | None) -> UploadResult:
    """Queue every readable document among the uploads (zips are expanded)."""
    result = UploadResult(new_batch())
    for raw_name, data in uploads:
        name = safe_filename(raw_name)
        if name.lower().endswith(".zip"):
            members, rejected = _zip_members(data, svc)
            result.rejected += rejected
        else:
            members = [(name, data)]
        for member_name, content in members:
            if not is_supported(content, member_name):
                result.rejected.append({"filename": member_name, "reason": refusal_reason(content, member_name)})
                continue
            result.jobs.append(enqueue(svc.sessions, svc.blobs, member_name, content, result.batch, user_id))
    if result.jobs:
        svc.worker.wake()
    return result


def _refusal_serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt="nianbao-upload-refusals")


def refusals_token(secret: str, rejected: list[dict[str, str]]) -> str:
    """The refused files of one upload, signed for the jobs page's URL."""
    shown = [[r["filename"][:_NAME_SHOWN], r["reason"]] for r in rejected[:REFUSALS_SHOWN]]
    return _refusal_serializer(secret).dumps({"r": shown, "n": len(rejected)})


def refusals_from(secret: str, token: str) -> tuple[list[dict[str, str]], int]:
    """The refused files a token names and how many were refused in all; nothing for a forged token."""
    try:
        data = _refusal_serializer(secret).loads(token)
    except BadSignature:
        return [], 0
    shown = [{"filename": str(name), "reason": str(reason)} for name, reason in data.get("r", [])]
    return shown, int(data.get("n", len(shown)))
