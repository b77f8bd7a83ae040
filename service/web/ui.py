"""The server-rendered web UI: login, report list, rankings, upload and jobs (report pages: ui_report, /docs: ui_docs)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from nlp.labels import GROUPING_NAMES, LEVEL_NAMES, NO_MODEL_NAME
from service.web import charts, throttle
from service.web.api import filters
from service.web.auth import (
    CSRF_COOKIE,
    CSRF_FIELD,
    ROLE_LABELS,
    SESSION_COOKIE,
    Principal,
    csrf_matches,
    end_sessions,
    login,
    new_csrf_token,
    normalize_username,
)
from service.web.jobview import outcomes
from service.web.models import Job, User
from service.web.queries import (
    SORTABLE,
    Filters,
    distinct_values,
    grouping,
    list_reports,
    rankings_view,
)
from service.web.state import Forbidden, ServiceState, get_db, get_state, principal, require
from service.web.uploads import TooLarge, accept, read_limited, refusals_from, refusals_token

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Principal, Depends(require("viewer"))]
Reviewer = Annotated[Principal, Depends(require("reviewer"))]
Admin = Annotated[Principal, Depends(require("admin"))]
Db = Annotated[Session, Depends(get_db)]
FilterDep = Annotated[Filters, Depends(filters)]


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page with the user, the CSRF token and the labels every template uses."""
    svc = get_state(request)
    context.update(user=principal(request), csrf_token=request.state.csrf, csrf_field=CSRF_FIELD,
                   role_labels=ROLE_LABELS, levels=LEVEL_NAMES,
                   model_version=svc.analyzer.model_version if svc.analyzer.classifier else NO_MODEL_NAME)
    return svc.templates.TemplateResponse(request, template, context, status_code=status_code)


def set_session_cookie(response: Response, svc: ServiceState, user: User) -> None:
    """Log the user in on this response (the cookie carries the account's current session generation)."""
    response.set_cookie(SESSION_COOKIE, svc.signer.dumps(user), max_age=svc.settings.session_max_age,
                        httponly=True, samesite="lax", secure=svc.settings.secure_cookies, path="/")


def _safe_next(target: str | None) -> str:
    # Only local paths: an attacker-supplied absolute URL must not turn login into an open redirect.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/reports"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None, error: str | None = None) -> HTMLResponse:
    """The login form."""
    return render(request, "login.html", next=_safe_next(next), error=error)


@router.post("/login", response_model=None)
def login_submit(request: Request, db: Db, username: Annotated[str, Form(max_length=256)],
                 password: Annotated[str, Form(max_length=1024)], csrf_token: Annotated[str, Form()] = "",
                 next: Annotated[str, Form()] = "/reports") -> Response:
    """Check the password (unless the account or address is locked out) and set the session cookie."""
    if not csrf_matches(request.cookies.get(CSRF_COOKIE), csrf_token):
        raise Forbidden("CSRF 校验失败，请刷新页面后重试")
    svc = get_state(request)
    settings = svc.settings
    try:
        name = normalize_username(username)
    except ValueError:
        name = username.strip()
    account = throttle.account_key(name)
    limits = {account: settings.login_max_failures,
              throttle.address_key(request.client.host if request.client else "unknown"):
              settings.login_max_failures_per_address}
    wait = throttle.wait_seconds(db, limits, settings.login_lockout_seconds)
    if wait:
        return render(request, "login.html", status_code=429, next=_safe_next(next),
                      error=throttle.lockout_message(wait))
    user = login(db, name, password)
    if user is None:
        throttle.record_failure(db, list(limits), settings.login_lockout_seconds)
        return render(request, "login.html", status_code=401, next=_safe_next(next), error="用户名或密码错误")
    throttle.clear(db, account)
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(response, svc, user)
    # A new CSRF token at login: one planted in the browser before login is worthless afterwards.
    response.set_cookie(CSRF_COOKIE, new_csrf_token(), httponly=True, samesite="strict",
                        secure=settings.secure_cookies, path="/")
    return response


@router.post("/logout")
def logout(request: Request, user: Viewer, db: Db) -> RedirectResponse:
    """End the session on the server (every session of the account) and forget the cookie."""
    if user.via == "session" and (account := db.get(User, user.id)) is not None:
        end_sessions(account)
        db.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def home(user: Viewer) -> RedirectResponse:
    """The report list is the start page."""
    return RedirectResponse("/reports", status_code=303)


@router.get("/reports", response_class=HTMLResponse)
def reports_page(request: Request, user: Viewer, db: Db, f: FilterDep, page: Annotated[int, Query(ge=1)] = 1,
                 sort: str = "id", order: str = "desc") -> HTMLResponse:
    """The filterable, sortable list of reports."""
    sort = sort if sort in SORTABLE else "id"
    order = "asc" if order == "asc" else "desc"
    result = list_reports(db, f, sort, order, page, 50)
    options = {name: distinct_values(db, name) for name in ("province", "city", "level", "year")}
    return render(request, "reports.html", page=result, f=f, sort=sort, order=order, options=options,
                  params=f.params(), urlencode=urlencode)


@router.get("/rankings", response_class=HTMLResponse)
def rankings_page(request: Request, user: Viewer, db: Db, f: FilterDep, page: Annotated[int, Query(ge=1)] = 1,
                  group_by: Annotated[list[str], Query(max_length=4)] = [],  # noqa: B006
                  group: Annotated[str, Query(max_length=100)] = "") -> HTMLResponse:
    """Rankings with charts (score distribution, mean scores by province and by level) of the reports read
    whole; the ones that are not ranked are listed apart with their reason."""
    by = grouping(group_by, group)
    view = rankings_view(db, f, by, page, 50)
    data = view.overview
    svgs = {
        "histogram": charts.histogram_svg(data.histogram),
        "province": charts.bars_svg(data.by_province, "各省平均得分", "chart-province"),
        "level": charts.bars_svg([(LEVEL_NAMES.get(g, g), m, n) for g, m, n in data.by_level],
                                 "各层级平均得分", "chart-level"),
    }
    return render(request, "rankings.html", page=view.page, f=f, group_by=by, groupings=GROUPING_NAMES, charts=svgs,
                  options=data.options, unranked=view.unranked, params=f.params(), urlencode=urlencode)


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, user: Reviewer) -> HTMLResponse:
    """The upload form."""
    return render(request, "upload.html", max_mb=get_state(request).settings.max_upload_bytes // 1048576)


@router.post("/upload", response_class=HTMLResponse, response_model=None)
async def upload_submit(request: Request, user: Reviewer, files: list[UploadFile]) -> Response:
    """Queue the files and show their jobs."""
    svc = get_state(request)
    max_mb = svc.settings.max_upload_bytes // 1048576
    try:
        contents = [(f.filename or "", await read_limited(f, svc.settings.max_upload_bytes)) for f in files]
        result = accept(svc, contents, user.id)
    except TooLarge as exc:
        return render(request, "upload.html", status_code=413, max_mb=max_mb, error=str(exc))
    if not result.jobs:
        return render(request, "upload.html", status_code=415, max_mb=max_mb, error="没有可读取的报告文件",
                      rejected=result.rejected)
    query = {"ids": ",".join(str(e.job.id) for e in result.jobs)}
    if result.rejected:  # the files refused beside the accepted ones are named on the jobs page too
        query["refused"] = refusals_token(svc.settings.signing_key(), result.rejected)
    return RedirectResponse(f"/jobs?{urlencode(query)}", status_code=303)


@router.post("/jobs/{job_id}/cancel", response_model=None)
def cancel_job(request: Request, job_id: int, user: Admin, ids: Annotated[str, Form(max_length=2000)] = "",
               refused: Annotated[str, Form(max_length=8000)] = "") -> Response:
    """Cancel a queued or running job from the jobs page, then show the page again."""
    get_state(request).worker.cancel(job_id)
    ids = "".join(ch for ch in ids if ch.isdigit() or ch == ",")  # the page's own list of job ids, nothing else
    query = {k: v for k, v in (("ids", ids), ("refused", refused)) if v}
    return RedirectResponse(f"/jobs?{urlencode(query)}" if query else "/jobs", status_code=303)


@router.get("/jobs", response_class=HTMLResponse)
def jobs_page(request: Request, user: Viewer, db: Db, ids: Annotated[str, Query(max_length=5000)] = "",
              refused: Annotated[str, Query(max_length=8000)] = "") -> HTMLResponse:
    """Job progress (the page refreshes itself until every job has finished), each finished job with its
    document's outcome, and the files of the same upload that were refused, with why."""
    wanted = [int(i) for i in ids.split(",") if i.isdigit()][:500]
    query = select(Job).order_by(Job.id.desc())
    query = query.where(Job.id.in_(wanted)) if wanted else query.limit(100)
    jobs = list(db.scalars(query))
    pending = any(j.status in ("queued", "running") for j in jobs)
    rejected, rejected_total = refusals_from(get_state(request).settings.signing_key(), refused) if refused else ([], 0)
    return render(request, "jobs.html", jobs=jobs, outcomes=outcomes(db, jobs), pending=pending, ids=ids,
                  refused=refused, rejected=rejected, rejected_total=rejected_total)
