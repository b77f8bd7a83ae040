"""Routes for annotation-assisted retraining: the review queue, agreement, JSONL exchange, retraining and versions."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from nlp.labels import JOB_STATUS_NAMES, MODEL_DECISION_NAMES, NO_MODEL_NAME, SECTION_NAMES, TOPIC_NAMES
from service.web import annotation
from service.web.annotation import AnswerError, QueueFilters
from service.web.auth import Principal
from service.web.labelsets import current
from service.web.models import ReportRow, RetrainRun
from service.web.retraining import Busy, run_dict
from service.web.state import ServiceState, get_db, get_state, require
from service.web.ui import render

api_router = APIRouter(prefix="/api", tags=["review"])
ui_router = APIRouter(include_in_schema=False)
Viewer = Annotated[Principal, Depends(require("viewer"))]
Reviewer = Annotated[Principal, Depends(require("reviewer"))]
Admin = Annotated[Principal, Depends(require("admin"))]
Db = Annotated[Session, Depends(get_db)]
MAX_IMPORT_BYTES = 50 * 1024 * 1024
_SYNC_LOCK = threading.Lock()


def queue_filters(
    report_id: int | None = None,
    section: Annotated[str | None, Query(max_length=32)] = None,
    topic: Annotated[str | None, Query(max_length=16, description="模型建议的主题")] = None,
    min_confidence: Annotated[float | None, Query(ge=0, le=1)] = None,
    max_confidence: Annotated[float | None, Query(ge=0, le=1)] = None,
) -> QueueFilters:
    """Queue filters from the query string; empty values mean no filter."""
    return QueueFilters(report_id, section or None, topic if topic in current()[1] else None, min_confidence,
                        max_confidence)


QueueDep = Annotated[QueueFilters, Depends(queue_filters)]


def sync(svc: ServiceState, db: Session) -> int:
    """Bring review items up to date with the stored reports (suggestions need the model loaded)."""
    svc.analyzer.loaded.wait(120)
    # One builder per process: simultaneous queue requests wait for it and then find nothing left to build,
    # instead of classifying the same sentences twice and contending for the database's write lock. Other
    # processes are covered by sync_items itself.
    with _SYNC_LOCK:
        return annotation.sync_items(db, svc.analyzer, svc.retrainer.frozen(), svc.settings.agreement_fraction)


@api_router.get("/review/queue", summary="标注队列（不确定性优先、近重复后移）")
def review_queue(request: Request, user: Reviewer, db: Db, f: QueueDep,
                 limit: Annotated[int, Query(ge=1, le=200)] = 50) -> dict[str, Any]:
    """The next sentences for the caller, each with its paragraph, section and the model's suggestion."""
    sync(get_state(request), db)
    version, labels = current()
    return {"items": annotation.queue(db, user.id, f, limit), "progress": annotation.progress(db),
            "labels": list(labels), "label_set": version}


# Labels are checked against the set in use when the answer is recorded (annotation.answer), not here: the set
# changes with the model, and a fixed list in the schema would go stale.
LabelField = Annotated[str, Field(max_length=16, description="当前标签集中的主题（GET /api/review/queue 的 labels）")]


class AnswerRequest(BaseModel):
    """A reviewer's answer to one sentence."""

    label: LabelField | None = None
    status: Literal["draft", "submitted", "skipped"] = "submitted"


def _answer_dict(a: Any) -> dict[str, Any]:
    return {"id": a.id, "item_id": a.item_id, "label": a.label, "status": a.status, "kind": a.kind,
            "created": a.created.isoformat() if a.created else None}


@api_router.post("/review/items/{item_id}/answer", status_code=201, summary="提交、跳过或暂存一条标注")
def review_answer(item_id: int, body: AnswerRequest, user: Reviewer, db: Db) -> dict[str, Any]:
    """Append the caller's answer; only submitted answers ever train. The reviewers' progress comes back with it,
    so the page's table follows each answer."""
    try:
        row = annotation.answer(db, item_id, user.id, body.label, body.status)
    except AnswerError as exc:
        raise HTTPException(404 if "不存在" in str(exc) else 422, str(exc)) from exc
    return {**_answer_dict(row), "progress": annotation.progress(db)}


@api_router.post("/review/items/{item_id}/undo", summary="撤销自己对该句的最终答复（退回草稿）")
def review_undo(item_id: int, user: Reviewer, db: Db) -> dict[str, Any]:
    """The caller's answer goes back to draft; the history keeps both steps."""
    row = annotation.undo(db, item_id, user.id)
    return {"answer": _answer_dict(row) if row else None, "progress": annotation.progress(db)}


@api_router.get("/review/items/{item_id}", summary="一句的全部模型建议与标注历史")
def review_item(item_id: int, user: Viewer, db: Db) -> dict[str, Any]:
    """Suggestions and every answer step, oldest first."""
    return annotation.history(db, item_id)


@api_router.get("/review/progress", summary="各评审员进度")
def review_progress(user: Viewer, db: Db) -> dict[str, Any]:
    """Submitted, skipped and draft counts per reviewer."""
    return {"reviewers": annotation.progress(db)}


@api_router.get("/review/agreement", summary="一致性（Cohen's kappa，按评审员对与按标签）")
def review_agreement(user: Reviewer, db: Db) -> dict[str, Any]:
    """Kappa over the items two reviewers both submitted."""
    return annotation.agreement_report(db)


@api_router.get("/review/disagreements", summary="待裁决的分歧")
def review_disagreements(user: Admin, db: Db) -> dict[str, Any]:
    """Items whose reviewers disagree and that no admin has adjudicated."""
    return {"items": annotation.disagreements(db)}


class AdjudicateRequest(BaseModel):
    """The final label an admin chooses."""

    label: LabelField


@api_router.post("/review/items/{item_id}/adjudicate", status_code=201, summary="管理员裁决分歧")
def review_adjudicate(item_id: int, body: AdjudicateRequest, user: Admin, db: Db) -> dict[str, Any]:
    """Record the admin's label; it decides the training label of the item."""
    try:
        return _answer_dict(annotation.answer(db, item_id, user.id, body.label, "submitted", kind="adjudication"))
    except AnswerError as exc:
        raise HTTPException(404 if "不存在" in str(exc) else 422, str(exc)) from exc


class AssignRequest(BaseModel):
    """Give a share of the open items to pairs of reviewers, for agreement."""

    reviewers: list[str] = Field(min_length=2, max_length=50)
    fraction: float = Field(0.2, gt=0, le=1)
    report_id: int | None = None
    seed: int = 0


@api_router.post("/review/assign", summary="双人标注分配（管理员）")
def review_assign(request: Request, body: AssignRequest, user: Admin, db: Db) -> dict[str, Any]:
    """Items are given to two of the named reviewers each, rotating through the pairs."""
    sync(get_state(request), db)
    ids = annotation.active_reviewers(db, body.reviewers)
    if len(ids) < 2:
        raise HTTPException(422, "至少需要两名在用的评审员（只读账号不能分配）")
    return {"assigned_items": annotation.assign(db, ids, body.fraction, body.report_id, body.seed)}


@api_router.get("/review/export", summary="导出全部标注历史（JSON Lines）")
def review_export(user: Viewer, db: Db) -> StreamingResponse:
    """One line per answer step, with the sentence and the suggestion shown to the reviewer."""
    return StreamingResponse(annotation.export_jsonl(db), media_type="application/x-ndjson",
                             headers={"Content-Disposition": 'attachment; filename="nianbao-annotations.jsonl"'})


@api_router.post("/review/import", summary="导入标注（JSON Lines，管理员）")
async def review_import(request: Request, user: Admin, db: Db) -> dict[str, Any]:
    """Load answers exported by this or another server; duplicates are skipped."""
    data = await request.body()
    if len(data) > MAX_IMPORT_BYTES:
        raise HTTPException(413, "导入文件过大")
    sync(get_state(request), db)
    return annotation.import_jsonl(db, data.decode("utf-8", errors="replace").splitlines()).to_dict()


@api_router.post("/retrain", status_code=202, summary="用已提交的标注重新训练（后台任务，管理员）")
def retrain_start(request: Request, user: Admin) -> JSONResponse:
    """Start a run: fine-tune from the current model, evaluate on the frozen split, promote only if not worse."""
    try:
        run_id = get_state(request).retrainer.start(user.id)
    except Busy as exc:
        raise HTTPException(409, str(exc)) from exc
    return JSONResponse({"id": run_id, "status": "queued"}, status_code=202,
                        headers={"Location": f"/api/retrain/{run_id}"})


@api_router.get("/retrain", summary="训练任务列表")
def retrain_list(request: Request, user: Viewer, db: Db) -> dict[str, Any]:
    """The latest retraining runs, newest first, and how many more test answers retraining needs."""
    runs = db.scalars(select(RetrainRun).order_by(RetrainRun.id.desc()).limit(50))
    ready = get_state(request).retrainer.readiness(db)
    return {"runs": [run_dict(r) for r in runs],
            "readiness": {"test_answers": ready.n_own, "shipped_test": ready.n_configured, "minimum": ready.minimum,
                          "needed": ready.needed, "message": ready.message if ready.needed else None}}


@api_router.get("/retrain/{run_id}", summary="训练任务状态与结果")
def retrain_status(run_id: int, user: Viewer, db: Db) -> dict[str, Any]:
    """Status, old and new metrics, per-label changes, the decision and label-error hints."""
    run = db.get(RetrainRun, run_id)
    if run is None:
        raise HTTPException(404, "训练任务不存在")
    return run_dict(run)


def _models(svc: ServiceState) -> dict[str, Any]:
    store = svc.retrainer.versions()
    registered = store.current()
    return {"serving": svc.analyzer.model_version, "current": registered.name if registered else None,
            "versions": [v.to_dict() for v in store.versions()], "history": store.history()}


def _local_time(iso: str | None) -> str:
    """A registry timestamp (ISO, UTC) as the pages print times: 2026-12-06 05:00."""
    try:
        return datetime.fromisoformat(iso or "").strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso or ""


@api_router.get("/models", summary="模型版本")
def models_list(request: Request, user: Viewer) -> dict[str, Any]:
    """Kept versions with their macro-F1 and data hash, the one served, and every switch."""
    return _models(get_state(request))


@api_router.post("/models/{name}/activate", summary="启用（回滚到）某个已保存的版本（管理员）")
def models_activate(name: str, request: Request, user: Admin) -> dict[str, Any]:
    """Serve a kept version from now on, without a restart."""
    try:
        get_state(request).retrainer.rollback(name, user.username)
    except KeyError as exc:
        raise HTTPException(404, "版本不存在") from exc
    return _models(get_state(request))


@ui_router.get("/review", response_class=HTMLResponse)
def review_page(request: Request, user: Reviewer, db: Db, f: QueueDep) -> HTMLResponse:
    """The keyboard-driven review queue."""
    sync(get_state(request), db)
    reports = db.execute(select(ReportRow.id, ReportRow.agency, ReportRow.filename, ReportRow.year)
                         .where(ReportRow.status == "ok").order_by(ReportRow.id)).all()
    version, labels = current()
    return render(request, "review.html", f=f, reports=reports, section_labels=SECTION_NAMES,
                  topic_labels=TOPIC_NAMES, labels=labels, label_set=version, progress=annotation.progress(db),
                  config=json.dumps({"labels": list(labels), "topic_labels": TOPIC_NAMES, "label_set": version},
                                    ensure_ascii=False))


@ui_router.get("/review/agreement", response_class=HTMLResponse)
def agreement_page(request: Request, user: Reviewer, db: Db, message: str | None = None) -> HTMLResponse:
    """Kappa per pair and per label; admins adjudicate the disagreements here."""
    items = annotation.disagreements(db) if user.can("admin") else []
    return render(request, "agreement.html", report=annotation.agreement_report(db), items=items,
                  topic_labels=TOPIC_NAMES, labels=current()[1], message=message)


@ui_router.post("/review/items/{item_id}/adjudicate", response_model=None)
def adjudicate_submit(item_id: int, user: Admin, db: Db, label: Annotated[str, Form()]) -> Response:
    """Record the admin's decision and go back to the list."""
    try:
        annotation.answer(db, item_id, user.id, label, "submitted", kind="adjudication")
    except AnswerError as exc:
        raise HTTPException(422, str(exc)) from exc
    return RedirectResponse("/review/agreement?message=已裁决", status_code=303)


@ui_router.get("/models", response_class=HTMLResponse)
def models_page(request: Request, user: Viewer, db: Db, message: str | None = None) -> HTMLResponse:
    """Versions, the retrain button, and past runs."""
    runs = list(db.scalars(select(RetrainRun).order_by(RetrainRun.id.desc()).limit(20)))
    answers = len(annotation.training_answers(db))
    recheck = sum(p["recheck"] for p in annotation.progress(db))
    svc = get_state(request)
    retrainer = svc.retrainer
    serving = NO_MODEL_NAME if svc.analyzer.classifier is None else svc.analyzer.model_version
    return render(request, "models.html", models=_models(svc), serving=serving, runs=runs, answers=answers, recheck=recheck,
                  message=message, readiness=retrainer.readiness(db), max_label_drop=retrainer.settings.retrain_max_label_drop,
                  decision_names=MODEL_DECISION_NAMES, run_status_names=JOB_STATUS_NAMES, local_time=_local_time)


@ui_router.post("/models/retrain", response_model=None)
def retrain_submit(request: Request, user: Admin) -> Response:
    """Start a retraining run and show it."""
    try:
        run_id = get_state(request).retrainer.start(user.id)
    except Busy as exc:  # a run in progress, or too few test answers (NotReady) — each says which
        return RedirectResponse(f"/models?message={quote(str(exc))}", status_code=303)
    return RedirectResponse(f"/models/runs/{run_id}", status_code=303)


@ui_router.post("/models/{name}/activate", response_model=None)
def activate_submit(name: str, request: Request, user: Admin) -> Response:
    """Roll back (or forward) to a kept version."""
    try:
        get_state(request).retrainer.rollback(name, user.username)
    except KeyError as exc:
        raise HTTPException(404, "版本不存在") from exc
    return RedirectResponse("/models?message=已切换版本", status_code=303)


@ui_router.get("/models/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, run_id: int, user: Viewer, db: Db) -> HTMLResponse:
    """One run: progress until done, then old vs new metrics, per-label changes, decision and hints."""
    run = db.get(RetrainRun, run_id)
    if run is None:
        raise HTTPException(404, "训练任务不存在")
    return render(request, "run.html", run=run_dict(run), topic_labels=TOPIC_NAMES, run_status_names=JOB_STATUS_NAMES,
                  decision_names=MODEL_DECISION_NAMES)
