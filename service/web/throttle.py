"""Login throttling: wrong passwords counted per account and per client address in a sliding window."""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.web.auth import aware
from service.web.models import LoginFailure, utcnow

MAX_KEY = 200


def account_key(username: str) -> str:
    """The throttling key of an account (as typed, after normalisation when possible)."""
    return f"user:{username}"[:MAX_KEY]


def address_key(address: str) -> str:
    """The throttling key of a client address."""
    return f"addr:{address}"[:MAX_KEY]


def wait_seconds(db: Session, limits: dict[str, int], window: int) -> int:
    """How long until every key is under its limit again (0: login may be tried now).

    A key is locked while `limit` or more failures fall inside the window; it opens when enough of them
    have aged out, so a burst of 60 wrong passwords keeps it locked until the 60th is old enough.
    """
    now = utcnow()
    since = now - timedelta(seconds=window)
    longest = 0.0
    for key, limit in limits.items():
        query = select(LoginFailure.created).where(LoginFailure.key == key, LoginFailure.created > since)
        times = sorted(aware(t) for t in db.scalars(query))
        if limit > 0 and len(times) >= limit:
            opens = times[len(times) - limit] + timedelta(seconds=window)
            longest = max(longest, (opens - now).total_seconds())
    return max(0, math.ceil(longest))


def record_failure(db: Session, keys: list[str], window: int) -> None:
    """Count one wrong password against each key; failures older than the window are dropped."""
    now = utcnow()
    db.execute(delete(LoginFailure).where(LoginFailure.created < now - timedelta(seconds=window)))
    db.add_all([LoginFailure(key=key, created=now) for key in keys])
    db.commit()


def clear(db: Session, key: str) -> None:
    """Forget the failures of a key after a successful login."""
    db.execute(delete(LoginFailure).where(LoginFailure.key == key))
    db.commit()


def lockout_message(seconds: int) -> str:
    """What the login form says while locked."""
    return f"登录失败次数过多，请 {max(1, math.ceil(seconds / 60))} 分钟后再试"
