"""Set-up steps shared by the CLI and the demo: migrate, create accounts, load files synchronously."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from service.web.app import build_state
from service.web.auth import create_token, create_user
from service.web.db import migrate
from service.web.jobs import enqueue, new_batch
from service.web.models import User
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
    """Create the account unless it exists; True when created."""
    with svc.sessions() as db:
        if db.scalar(select(User.id).where(User.username == username)) is not None:
            return False
        create_user(db, username, password, role)
        db.commit()
    return True


def issue_token(svc: ServiceState, username: str, name: str = "") -> str:
    """A new API token for an existing account."""
    with svc.sessions() as db:
        user = db.scalar(select(User).where(User.username == username))
        if user is None:
            raise LookupError(username)
        token = create_token(db, user, name)
        db.commit()
    return token


def load_files(svc: ServiceState, paths: list[Path]) -> int:
    """Queue the files and process the queue in this thread (the demo wants them scored before serving)."""
    batch = new_batch()
    for path in paths:
        enqueue(svc.sessions, svc.blobs, path.name, path.read_bytes(), batch, None)
    done = 0
    while svc.worker.run_once():
        done += 1
    return done
