"""Set-up steps shared by the CLI and the demo: migrate, create accounts, load files synchronously."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from service.web.app import build_state
from service.web.auth import create_token, create_user, end_sessions, find_user, set_password
from service.web.db import migrate
from service.web.jobs import enqueue, new_batch
from service.web.models import ApiToken, utcnow
from service.web.settings import Settings
from service.web.state import ServiceState


def prepared_state(settings: Settings, *, load_model: bool = False) -> ServiceState:
    """A ServiceState with the schema migrated (and the model loaded when asked)."""
    svc = build_state(settings)
    migrate(svc.engine)
    svc.migrated = True
    if load_model:
        svc.analyzer.load()
    return svc


def ensure_user(svc: ServiceState, username: str, password: str, role: str) -> bool:
    """Create the account unless it exists; True when created (ValueError for a refused name or password)."""
    with svc.sessions() as db:
        if find_user(db, username) is not None:
            return False
        create_user(db, username, password, role, svc.settings.password_min_length)
        db.commit()
    return True


def issue_token(svc: ServiceState, username: str, name: str = "", days: int | None = None) -> str:
    """A new API token for an existing account, expiring after `days` (the configured default when None)."""
    with svc.sessions() as db:
        user = find_user(db, username)
        if user is None:
            raise LookupError(username)
        _, token = create_token(db, user, name, days or svc.settings.token_days)
        db.commit()
    return token


def user_tokens(svc: ServiceState, username: str) -> list[ApiToken]:
    """Every token of an account, newest first (LookupError for an unknown account)."""
    with svc.sessions() as db:
        user = find_user(db, username)
        if user is None:
            raise LookupError(username)
        return list(db.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


def revoke_token(svc: ServiceState, token_id: int) -> bool:
    """Revoke a token by id; False when there is no such token."""
    with svc.sessions() as db:
        token = db.get(ApiToken, token_id)
        if token is None:
            return False
        if token.revoked is None:
            token.revoked = utcnow()
            db.commit()
    return True


def set_user_state(svc: ServiceState, username: str, *, active: bool | None = None,
                   password: str | None = None) -> None:
    """Deactivate or reactivate an account, or give it a new password; either ends its sessions."""
    with svc.sessions() as db:
        user = find_user(db, username)
        if user is None:
            raise LookupError(username)
        if password is not None:
            set_password(user, password, svc.settings.password_min_length)
        if active is not None:
            user.active = active
            end_sessions(user)
        db.commit()


def load_files(svc: ServiceState, paths: list[Path]) -> int:
    """Queue the files and process the queue in this thread (the demo wants them scored before serving)."""
    batch = new_batch()
    for path in paths:
        enqueue(svc.sessions, svc.blobs, path.name, path.read_bytes(), batch, None)
    done = 0
    while svc.worker.run_once():
        done += 1
    return done
