"""Accounts: password hashes (argon2), signed session cookies, CSRF tokens and Bearer API tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.web.models import ApiToken, User

ROLES = ("viewer", "reviewer", "admin")
ROLE_LABELS = {"viewer": "只读", "reviewer": "评审员", "admin": "管理员"}
SESSION_COOKIE = "nianbao_session"
CSRF_COOKIE = "nianbao_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

_hasher = PasswordHasher()
# Verifying against a dummy hash when the user does not exist keeps login timing uniform.
_DUMMY_HASH = _hasher.hash("nianbao-dummy-password")


@dataclass(frozen=True)
class Principal:
    """Who is making a request and how they proved it."""

    id: int
    username: str
    role: str
    via: str  # session | token

    def can(self, role: str) -> bool:
        """Whether this user has at least the given role."""
        return ROLES.index(self.role) >= ROLES.index(role)


def hash_password(password: str) -> str:
    """An argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    """Whether the password matches the stored hash."""
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def create_user(db: Session, username: str, password: str, role: str) -> User:
    """Add an account (the caller commits)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    if not username or len(username) > 64:
        raise ValueError("username must be 1–64 characters")
    if len(password) < 8:
        raise ValueError("password must have at least 8 characters")
    user = User(username=username, password_hash=hash_password(password), role=role, active=True)
    db.add(user)
    return user


def login(db: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = db.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None


def token_digest(token: str) -> str:
    """What we store for an API token: its SHA-256 (tokens are random, so no salt is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(db: Session, user: User, name: str = "") -> str:
    """Create an API token for a user and return it; it is shown once and stored only hashed."""
    token = "nbk_" + secrets.token_urlsafe(32)
    db.add(ApiToken(user_id=user.id, name=name[:100], token_hash=token_digest(token)))
    return token


def user_for_token(db: Session, token: str) -> User | None:
    """The active user owning a Bearer token."""
    user = db.scalar(select(User).join(ApiToken, ApiToken.user_id == User.id)
                     .where(ApiToken.token_hash == token_digest(token)))
    return user if user is not None and user.active else None


class SessionSigner:
    """Signs the session cookie so it cannot be forged; it holds the user id only."""

    def __init__(self, secret: str, max_age: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="nianbao-session")
        self.max_age = max_age

    def dumps(self, user_id: int) -> str:
        """The cookie value for a logged-in user."""
        return self._serializer.dumps({"u": user_id})

    def loads(self, value: str) -> int | None:
        """The user id in a valid, unexpired cookie."""
        try:
            data: Any = self._serializer.loads(value, max_age=self.max_age)
        except BadSignature:
            return None
        uid = data.get("u") if isinstance(data, dict) else None
        return uid if isinstance(uid, int) else None


def new_csrf_token() -> str:
    """A random value for the double-submit CSRF cookie."""
    return secrets.token_urlsafe(32)


def csrf_matches(cookie: str | None, submitted: str | None) -> bool:
    """Whether a form or header token equals the CSRF cookie (constant time)."""
    return bool(cookie) and bool(submitted) and hmac.compare_digest(str(cookie), str(submitted))
