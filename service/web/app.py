"""The FastAPI application: wiring of storage, worker, model, routes, security middleware and errors."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select
from starlette.exceptions import HTTPException as StarletteHTTPException

from nlp.labels import HTTP_ERROR_NAMES, JOB_STATUS_NAMES, STATUS_NAMES
from nlp.report import READ_STATUSES
from service.batch.settings import Limits
from service.web import accounts, api, review, ui, ui_docs, ui_report
from service.web.analyzer import Analyzer
from service.web.auth import CSRF_COOKIE, SESSION_COOKIE, Principal, SessionSigner, new_csrf_token
from service.web.bodylimit import BodyLimit, upload_limit
from service.web.db import make_engine, make_sessions, migrate
from service.web.display import local_time
from service.web.jobs import Worker, queue_problems
from service.web.models import Job
from service.web.retraining import Retrainer
from service.web.settings import Settings
from service.web.state import Forbidden, LoginRequired, ServiceState, require
from service.web.storage import BlobStore

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
VERSION = "0.1.0"
UPLOAD_PATHS = ("/api/uploads", "/upload")
_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def build_state(settings: Settings) -> ServiceState:
    """Engine, blob store, model holder, worker and templates for these settings (nothing started yet)."""
    engine = make_engine(settings)
    sessions = make_sessions(engine)
    blobs = BlobStore(settings.blob_dir)
    analyzer = Analyzer(settings.topic_model, settings.versions_dir)
    limits = Limits(settings.job_time_limit, settings.job_memory_mb, settings.job_tasks_per_worker)
    worker = Worker(sessions, blobs, analyzer, database_url=settings.url, threads=settings.workers,
                    poll_interval=settings.poll_interval, limits=limits, max_attempts=settings.job_max_attempts)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters["score"] = lambda v: "—" if v is None else f"{v:.1f}"
    templates.env.filters["when"] = local_time  # every time on a page: Beijing time, written in Chinese
    templates.env.globals["quote"] = lambda s: quote(str(s), safe="")
    templates.env.globals["status_names"] = {s: STATUS_NAMES[s] for s in (*READ_STATUSES, "failed")}
    templates.env.globals["job_status_names"] = JOB_STATUS_NAMES
    # Reviewers read the rubric's own names for the dimensions (要素完整, 数据准确, …), not its keys.
    labels = {d.key: d.label for d in analyzer.rubric.dimensions}
    templates.env.filters["dimension"] = lambda key: labels.get(key, key)
    signer = SessionSigner(settings.signing_key(), settings.session_max_age)
    state = ServiceState(settings, engine, sessions, blobs, analyzer, worker, signer, templates)
    state.retrainer = Retrainer(settings, sessions, analyzer)
    return state


def _wants_json(request: Request) -> bool:
    return (request.url.path.startswith("/api/") or request.url.path == "/openapi.json"
            or request.headers.get("authorization", "").lower().startswith("bearer ")
            or "application/json" in request.headers.get("accept", ""))


def _error_page(request: Request, status: int, detail: Any) -> Response:
    """The error page: our own Chinese message, or the status's Chinese name in place of the framework's English
    phrase ("Not Found")."""
    name = HTTP_ERROR_NAMES.get(status, "请求无法完成")
    english = detail == HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else False
    message = detail if isinstance(detail, str) and detail and not english else name
    return ui.render(request, "error.html", status_code=status, title=f"{name}（{status}）", message=message)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service app; migrations run and the worker starts when the app starts (lifespan)."""
    settings = settings or Settings()
    svc = build_state(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        migrate(svc.engine)
        svc.migrated = True
        svc.retrainer.recover()
        # The model loads in the background so /health answers at once; /ready waits for it.
        threading.Thread(target=svc.analyzer.load, name="nianbao-model", daemon=True).start()
        if settings.start_worker:
            svc.worker.start()
        try:
            yield
        finally:
            svc.worker.stop()
            svc.engine.dispose()

    app = FastAPI(title="nianbao 年报评审服务", version=VERSION, lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None, description="政府信息公开工作年度报告的上传、解析、评分、排名与导出。")
    app.state.svc = svc
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if request.url.path == "/favicon.ico":
            # Browsers ask for it on every site whatever the page links; public like /static, not a route.
            return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml",
                                headers={"Cache-Control": "public, max-age=86400"})
        cookie = request.cookies.get(CSRF_COOKIE)
        request.state.csrf = cookie or new_csrf_token()
        response = await call_next(request)
        if not cookie:
            response.set_cookie(CSRF_COOKIE, request.state.csrf, httponly=True, samesite="strict",
                                secure=settings.secure_cookies, path="/")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", _CSP)
        return response

    # Added last, so outermost: the body limit holds before any route, login check or other middleware.
    app.add_middleware(BodyLimit, limit_for=upload_limit(UPLOAD_PATHS, settings.max_upload_request_bytes,
                                                         settings.max_body_bytes, SESSION_COOKIE))

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "需要登录或 API 令牌"}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.message}, status_code=403)
        return ui.render(request, "error.html", status_code=403, title="无权操作", message=exc.message)

    @app.exception_handler(StarletteHTTPException)  # also the router's own 404 and 405, not only ours
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request) or request.url.path.endswith(".png"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return _error_page(request, exc.status_code, exc.detail)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
        # A page asked with a bad parameter (?page=0, ?year=abc) answers with a page, not raw JSON.
        names = "、".join(sorted({str(e["loc"][-1]) for e in exc.errors() if e.get("loc")}))
        return _error_page(request, 422, f"网址参数 {names} 的值不合要求" if names else HTTP_ERROR_NAMES[422])

    @app.get("/health", tags=["ops"], summary="存活检查（无需登录）")
    def health() -> dict[str, Any]:
        """The process answers."""
        return {"status": "ok", "version": VERSION, "model_version": svc.analyzer.model_version}

    @app.get("/ready", tags=["ops"], summary="就绪检查（无需登录）")
    def ready() -> JSONResponse:
        """Migrations applied, database reachable, model loaded (or known to be absent) and the job queue
        moving (not stuck behind an old job or a job past its time limit)."""
        queue: dict[str, int] = {}
        problems: list[str] = []
        database = "ok"
        try:
            with svc.sessions() as db:
                queue = {s: n for s, n in db.execute(select(Job.status, func.count(Job.id)).group_by(Job.status))}
                problems = queue_problems(db, settings.queue_stall_s, settings.job_time_limit)
        except Exception as exc:  # readiness must report a broken database, not raise
            database = f"error: {type(exc).__name__}"
        ok = svc.migrated and svc.analyzer.loaded.is_set() and database == "ok" and not problems
        body = {"ready": ok, "database": database, "dialect": svc.engine.dialect.name,
                "model_version": svc.analyzer.model_version, "model_note": svc.analyzer.model_error,
                "queue": queue, "queue_problems": problems}
        return JSONResponse(body, status_code=200 if ok else 503)

    @app.get("/openapi.json", include_in_schema=False)
    def openapi(user: Principal = Depends(require("viewer"))) -> JSONResponse:  # noqa: B008
        """The OpenAPI schema (logged-in users only)."""
        return JSONResponse(app.openapi())

    app.include_router(api.router)
    app.include_router(accounts.api_router)
    app.include_router(review.api_router)
    app.include_router(ui.router)
    app.include_router(ui_report.router)
    app.include_router(ui_docs.router)
    app.include_router(accounts.ui_router)
    app.include_router(review.ui_router)
    return app


