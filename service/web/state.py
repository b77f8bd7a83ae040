"""What the running app holds (settings, database, worker, model) and the request dependencies on it."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.web.analyzer import Analyzer
from service.web.auth import (
    CSRF_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    ROLE_LABELS,
    SESSION_COOKIE,
    Principal,
    SessionSigner,
    csrf_matches,
    user_for_token,
)
from service.web.jobs import Worker
from service.web.models import User
from service.web.settings import Settings
from service.web.storage import BlobStore

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class ServiceState:
    """Everything a request handler may need, built once per app."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    blobs: BlobStore
    analyzer: Analyzer
    worker: Worker
    signer: SessionSigner
    templates: Jinja2Templates
    migrated: bool = False
    retrainer: Any = None  # service.web.retraining.Retrainer (kept untyped here to avoid an import cycle)


class LoginRequired(Exception):
    """No valid session or token: the UI redirects to login, the API answers 401."""


class Forbidden(Exception):
    """Logged in, but the role does not allow this, or the CSRF token is missing or wrong."""

    def __init__(self, message: str = "权限不足") -> None:
        super().__init__(message)
        self.message = message


def get_state(request: Request) -> ServiceState:
    """The app's ServiceState."""
    return request.app.state.svc


def get_db(request: Request) -> Iterator[Session]:
    """A database session for one request."""
    with get_state(request).sessions() as db:
        yield db


def principal(request: Request) -> Principal | None:
    """The user behind a request (Bearer token first, then the session cookie), cached per request."""
    if hasattr(request.state, "principal"):
        return request.state.principal
    svc = get_state(request)
    found: Principal | None = None
    header = request.headers.get("authorization", "")
    with svc.sessions() as db:
        if header.lower().startswith("bearer "):
            user = user_for_token(db, header[7:].strip())
            if user is not None:
                found = Principal(user.id, user.username, user.role, "token")
        elif (cookie := request.cookies.get(SESSION_COOKIE)) and (signed := svc.signer.loads(cookie)) is not None:
            uid, generation = signed
            user = db.get(User, uid)
            # A cookie from an earlier generation was ended by logout, a new password or deactivation.
            if user is not None and user.active and user.session_generation == generation:
                found = Principal(user.id, user.username, user.role, "session")
    request.state.principal = found
    return found


async def check_csrf(request: Request) -> None:
    """Refuse a state-changing request made with a session cookie unless it carries the CSRF token."""
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None and request.headers.get("content-type", "").startswith(
        ("multipart/form-data", "application/x-www-form-urlencoded")
    ):
        submitted = (await request.form()).get(CSRF_FIELD)
    if not csrf_matches(request.cookies.get(CSRF_COOKIE), submitted if isinstance(submitted, str) else None):
        raise Forbidden("CSRF 校验失败，请刷新页面后重试")


def require(role: str = "viewer") -> Callable[[Request], Coroutine[Any, Any, Principal]]:
    """A dependency: the request's user, who must have `role`; session writes also need the CSRF token."""

    async def dependency(request: Request) -> Principal:
        user = principal(request)
        if user is None:
            raise LoginRequired
        if request.method not in SAFE_METHODS and user.via == "session":
            await check_csrf(request)
        if not user.can(role):
            raise Forbidden(f"此操作需要“{ROLE_LABELS.get(role, role)}”或更高权限")
        return user

    return dependency
