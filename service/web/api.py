"""The JSON API under /api: uploads, jobs, reports, rankings, rule statistics, exports (accounts: accounts.py)."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, Response, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.web import export
from service.web.auth import Principal
from service.web.jobs import FINISHED
from service.web.models import Job, ReportRow
from service.web.queries import (
    SORTABLE,
    Filters,
    grouping,
    list_reports,
    rankings,
    rule_statistics,
    unranked,
)
from service.web.state import get_db, get_state, require
from service.web.uploads import TooLarge, accept, read_limited

router = APIRouter(prefix="/api", tags=["api"])
Viewer = Annotated[Principal, Depends(require("viewer"))]
Reviewer = Annotated[Principal, Depends(require("reviewer"))]
Admin = Annotated[Principal, Depends(require("admin"))]
Db = Annotated[Session, Depends(get_db)]


def filters(
    province: str | None = None, city: str | None = None, level: str | None = None,
    year: int | None = None, status: Literal["ok", "needs_review", "failed"] | None = None,
    min_score: Annotated[float | None, Query(ge=0, le=100)] = None,
    max_score: Annotated[float | None, Query(ge=0, le=100)] = None,
    q: Annotated[str | None, Query(max_length=100, description="机关或文件名包含")] = None,
) -> Filters:
    """The report filters shared by lists, rankings, statistics and exports."""
    return Filters(province, city, level, year, status, min_score, max_score, q)


FilterDep = Annotated[Filters, Depends(filters)]
PageNo = Annotated[int, Query(ge=1)]
PerPage = Annotated[int, Query(ge=1, le=500)]


def job_dict(job: Job) -> dict[str, Any]:
    """A job as the API shows it."""
    return {
        "id": job.id, "filename": job.filename, "sha256": job.sha256, "size": job.size, "batch": job.batch,
        "status": job.status, "error": job.error, "attempts": job.attempts, "report_id": job.report_id,
        "report_url": f"/api/reports/{job.report_id}" if job.report_id else None,
        "created": job.created.isoformat() if job.created else None,
        "finished": job.finished.isoformat() if job.finished else None,
    }


@router.post("/uploads", status_code=202, summary="上传一份报告或一个 zip（按 SHA-256 幂等）")
async def upload(request: Request, user: Reviewer,
                 files: Annotated[list[UploadFile], File(description="报告文件或 zip")]) -> JSONResponse:
    """Queue the uploaded files; 202 with Location of the job (or of the batch for several files)."""
    svc = get_state(request)
    try:
        contents = [(f.filename or "", await read_limited(f, svc.settings.max_upload_bytes)) for f in files]
    except TooLarge as exc:
        raise HTTPException(413, str(exc)) from exc
    try:
        result = accept(svc, contents, user.id)
    except TooLarge as exc:
        raise HTTPException(413, str(exc)) from exc
    if not result.jobs:
        raise HTTPException(415, {"message": "没有可读取的报告文件", "rejected": result.rejected})
    location = f"/api/jobs/{result.jobs[0].job.id}" if len(result.jobs) == 1 else f"/api/batches/{result.batch}"
    return JSONResponse(result.to_dict(), status_code=202, headers={"Location": location})


@router.get("/jobs/{job_id}", summary="任务状态")
def job_status(job_id: int, user: Viewer, db: Db) -> dict[str, Any]:
    """A job's status; when done, where its report is."""
    job = db.get(Job, job_id)
    if job is None:
        raise HTTPException(404, "任务不存在")
    return job_dict(job)


@router.post("/jobs/{job_id}/cancel", summary="取消排队中或处理中的任务（管理员）")
def cancel_job(job_id: int, request: Request, user: Admin, db: Db) -> dict[str, Any]:
    """Cancel a queued or running job (a running one's worker process is killed); 409 once it has finished."""
    if db.get(Job, job_id) is None:
        raise HTTPException(404, "任务不存在")
    if not get_state(request).worker.cancel(job_id):
        raise HTTPException(409, "任务已结束，无法取消")
    db.expire_all()
    return job_dict(db.get(Job, job_id))


@router.get("/batches/{batch}", summary="一次上传的全部任务")
def batch_status(batch: str, user: Viewer, db: Db) -> dict[str, Any]:
    """Every job created by one upload, with counts per status."""
    jobs = list(db.scalars(select(Job).where(Job.batch == batch).order_by(Job.id)))
    if not jobs:
        raise HTTPException(404, "批次不存在")
    counts: dict[str, int] = {}
    for job in jobs:
        counts[job.status] = counts.get(job.status, 0) + 1
    return {"batch": batch, "counts": counts, "done": all(j.status in FINISHED for j in jobs),
            "jobs": [job_dict(j) for j in jobs]}


@router.get("/reports", summary="报告列表（筛选、排序、分页）")
def reports(user: Viewer, db: Db, f: FilterDep, page: PageNo = 1, per_page: PerPage = 50,
            sort: Annotated[str, Query(description="排序列：" + "、".join(sorted(SORTABLE)))] = "id",
            order: Literal["asc", "desc"] = "desc") -> dict[str, Any]:
    """Stored reports, summary columns only."""
    result = list_reports(db, f, sort, order, page, per_page)
    return {"total": result.total, "page": page, "per_page": per_page, "items": result.items}


@router.get("/reports/{report_id}", summary="解析并评分后的报告（JSON 契约）")
def report(report_id: int, user: Viewer, db: Db) -> Response:
    """The stored JSON contract of one report, as `nianbao score --format json` prints it."""
    body = db.scalar(select(ReportRow.body).where(ReportRow.id == report_id))
    if body is None:
        raise HTTPException(404, "报告不存在")
    return Response(body, media_type="application/json")


@router.get("/reports/{report_id}/file", summary="原始文件")
def report_file(report_id: int, request: Request, user: Viewer, db: Db) -> Response:
    """The uploaded file itself."""
    row = db.execute(select(ReportRow.sha256, ReportRow.filename).where(ReportRow.id == report_id)).first()
    if row is None:
        raise HTTPException(404, "报告不存在")
    data = get_state(request).blobs.get(row.sha256)
    return Response(data, media_type="application/octet-stream",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{_quote(row.filename)}"})


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


@router.get("/rankings", summary="排名（按省、市、层级、年度分组）")
def ranking(user: Viewer, db: Db, f: FilterDep, page: PageNo = 1, per_page: PerPage = 50,
            group_by: Annotated[list[str], Query(description="分组：province、city、level、year")] = []  # noqa: B006
            ) -> dict[str, Any]:
    """Reports read whole, ranked within their groups: higher score first, then fewer errors; a tie on both
    shares a rank (1, 1, 3). Reports that could not be read, are not reports or have tables we could not read
    are never ranked: `unranked` lists them (newest first, at most 50) with their status and reason."""
    by = grouping(group_by)
    result = rankings(db, f, by, page, per_page)
    apart = unranked(db, f)
    return {"total": result.total, "page": page, "per_page": per_page, "group_by": list(by), "items": result.items,
            "unranked": {"total": apart.total, "items": apart.items}}


@router.get("/rules", summary="规则统计")
def rules(user: Viewer, db: Db, f: FilterDep) -> dict[str, Any]:
    """How often each evaluator rule failed, passed or could not be assessed."""
    return {"rules": rule_statistics(db, f)}


@router.get("/export", summary="导出（CSV、Parquet、JSON Lines）")
def export_reports(user: Viewer, db: Db, f: FilterDep,
                   format: Literal["csv", "parquet", "jsonl"] = "csv", full: bool = False) -> Response:
    """The filtered report list; `full=true` with jsonl exports every report's whole contract."""
    name = f"nianbao-reports.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "parquet":
        return Response(export.to_parquet(db, f), media_type=export.FORMATS[format], headers=headers)
    stream = export.to_csv(db, f) if format == "csv" else export.to_jsonl(db, f, full=full)
    return StreamingResponse(stream, media_type=export.FORMATS[format], headers=headers)


@router.get("/me", summary="当前用户")
def me(user: Viewer) -> dict[str, Any]:
    """Who the token or session belongs to."""
    return {"id": user.id, "username": user.username, "role": user.role}


def report_json(body: str) -> dict[str, Any]:
    """A stored report body parsed (shared with the UI)."""
    return json.loads(body)
