"""Accepting uploads: size limits, zip expansion, format sniffing, then idempotent job creation."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from fastapi import UploadFile

from service.web.analyzer import is_supported
from service.web.jobs import Enqueued, enqueue, new_batch
from service.web.state import ServiceState
from service.web.storage import safe_filename


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


def _zip_members(data: bytes, svc: ServiceState) -> tuple[list[tuple[str, bytes]], list[dict[str, str]]]:
    """The files inside a zip, with limits on count and sizes (a zip bomb is refused, not expanded)."""
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
        total = 0
        for info in members:
            name = safe_filename(info.filename)
            if info.file_size > settings.max_upload_bytes:
                rejected.append({"filename": name, "reason": "文件过大"})
                continue
            with archive.open(info) as fh:
                # Read one byte past the limit: declared sizes in a zip header can lie.
                content = fh.read(settings.max_upload_bytes + 1)
            if len(content) > settings.max_upload_bytes:
                rejected.append({"filename": name, "reason": "文件过大"})
                continue
            total += len(content)
            if total > settings.max_zip_total_bytes:
                raise TooLarge("zip 解压后总大小超过上限")
            files.append((name, content))
    return files, rejected


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
                result.rejected.append({"filename": member_name, "reason": "不是可读取的报告文件（PDF、DOCX、HTML 或文本）"})
                continue
            result.jobs.append(enqueue(svc.sessions, svc.blobs, member_name, content, result.batch, user_id))
    if result.jobs:
        svc.worker.wake()
    return result
