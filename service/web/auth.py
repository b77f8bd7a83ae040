"""Accounts: password hashes (argon2) and policy, usernames, signed session cookies, CSRF tokens, API tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from nlp.labels import ROLE_NAMES
from service.web.models import ApiToken, User, utcnow

ROLES = ("viewer", "reviewer", "admin")
ROLE_LABELS = ROLE_NAMES  # the roles' Chinese names (nlp.labels), as the pages show them
SESSION_COOKIE = "nianbao_session"
CSRF_COOKIE = "nianbao_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

_hasher = PasswordHasher()
# Verifying against a dummy hash when the user does not exist keeps login timing uniform.
_DUMMY_HASH = _hasher.hash("nianbao-dummy-password")
MAX_PASSWORD = 256
MAX_USERNAME = 64
# A small built-in list: the passwords and stems that top every leaked-password list, plus this project's name.
COMMON_PASSWORDS = frozenset({
    "123456789012", "1234567890123", "12345678901234", "123123123123", "111111111111", "000000000000",
    "123456123456", "1q2w3e4r5t6y", "1qaz2wsx3edc", "qazwsxedcrfv", "zaq12wsxcde3", "zxcvbnm12345",
    "qwertyuiop123", "qwerty123456", "asdfghjkl123", "abc123456789", "aa1234567890", "a1b2c3d4e5f6",
    "woaini1314520", "5201314520", "iloveyou1234", "passwordpassword", "nianbao-demo", "nianbaonianbao",
    "changeme1234", "letmein12345", "welcome12345", "administrator", "p@ssw0rd1234", "passw0rd1234",
})
COMMON_STEMS = frozenset({"password", "passw0rd", "p@ssw0rd", "qwerty", "qwertyuiop", "asdfghjkl", "admin",
                          "administrator", "iloveyou", "welcome", "letmein", "changeme", "nianbao", "woaini",
                          "abc", "abcd", "abcdef", "zxcvbnm", "qazwsx", "test", "user", "root", "dragon",
                          "monkey", "football", "baseball", "sunshine", "princess", "superman", "master"})
_RUNS = ("01234567890123456789", "98765432109876543210", "abcdefghijklmnopqrstuvwxyz",
         "qwertyuiopasdfghjklzxcvbnm")
_CONFUSABLE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")


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


def normalize_username(raw: str) -> str:
    """A username in its one canonical form (NFKC, trimmed), or ValueError: no spaces, control, format or
    bidi characters, and no mixing of Latin with Cyrillic or Greek letters, whose look-alikes impersonate."""
    name = unicodedata.normalize("NFKC", raw or "").strip()
    if not name or len(name) > MAX_USERNAME:
        raise ValueError(f"用户名应为 1–{MAX_USERNAME} 个字符")
    if any(unicodedata.category(ch)[0] in "ZC" for ch in name):
        raise ValueError("用户名不能包含空格、控制字符或方向控制字符")
    scripts = {unicodedata.name(ch, "").split(" ")[0] for ch in name if unicodedata.category(ch).startswith("L")}
    if len(scripts & set(_CONFUSABLE_SCRIPTS)) > 1:
        raise ValueError("用户名不能混用拉丁字母与西里尔或希腊字母（容易被仿冒）")
    return name


def validate_password(password: str, min_length: int = 12) -> None:
    """Refuse a password that is short, too long, common, or a keyboard or number run (ValueError with the
    reason in Chinese)."""
    if len(password) < min_length:
        raise ValueError(f"密码至少需要 {min_length} 个字符")
    if len(password) > MAX_PASSWORD:
        raise ValueError(f"密码不能超过 {MAX_PASSWORD} 个字符")
    lowered = password.lower()
    stem = lowered.strip("0123456789!@#$%^&*.-_ ")
    if (lowered in COMMON_PASSWORDS or stem in COMMON_STEMS or len(set(lowered)) <= 2
            or any(lowered in run for run in _RUNS)):
        raise ValueError("密码过于常见，请换一个不易猜到的密码")


def create_user(db: Session, username: str, password: str, role: str, min_length: int = 12) -> User:
    """Add an account with a normalised username and a password that passes the policy (the caller commits)."""
    if role not in ROLES:
        raise ValueError(f"角色应为 {'、'.join(ROLES)} 之一")
    name = normalize_username(username)
    validate_password(password, min_length)
    user = User(username=name, password_hash=hash_password(password), role=role, active=True)
    db.add(user)
    return user


def set_password(user: User, password: str, min_length: int = 12) -> None:
    """Give an account a new password (policy applies) and end its sessions (the caller commits)."""
    validate_password(password, min_length)
    user.password_hash = hash_password(password)
    end_sessions(user)


def end_sessions(user: User) -> None:
    """Make every session cookie issued to the account so far invalid (the caller commits)."""
    user.session_generation = (user.session_generation or 0) + 1


def find_user(db: Session, username: str) -> User | None:
    """The account with this username as typed (normalised first); None for a name that cannot exist."""
    try:
        name = normalize_username(username)
    except ValueError:
        return None
    return db.scalar(select(User).where(User.username == name))


def login(db: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = find_user(db, username)
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None


def token_digest(token: str) -> str:
    """What we store for an API token: its SHA-256 (tokens are random, so no salt is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def aware(value: datetime) -> datetime:
    """A stored timestamp as UTC (SQLite hands them back without a zone)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def token_live(token: ApiToken, now: datetime | None = None) -> bool:
    """Whether a token is neither revoked nor expired."""
    now = now or utcnow()
    return token.revoked is None and token.expires is not None and aware(token.expires) > now


def create_token(db: Session, user: User, name: str = "", days: int = 90) -> tuple[ApiToken, str]:
    """Create an API token for a user that expires after `days`; returns the row and the token, which is
    shown once and stored only hashed (the caller commits)."""
    token = "nbk_" + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name[:100], token_hash=token_digest(token), created=utcnow(),
                   expires=utcnow() + timedelta(days=days))
    db.add(row)
    db.flush()
    return row, token


def user_for_token(db: Session, token: str) -> User | None:
    """The active user owning a live (unexpired, unrevoked) Bearer token."""
    row = db.execute(select(User, ApiToken).join(ApiToken, ApiToken.user_id == User.id)
                     .where(ApiToken.token_hash == token_digest(token))).first()
    if row is None:
        return None
    user, api_token = row
    return user if user.active and token_live(api_token) else None


class SessionSigner:
    """Signs the session cookie so it cannot be forged; it holds the user id and the session generation."""

    def __init__(self, secret: str, max_age: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="nianbao-session")
        self.max_age = max_age

    def dumps(self, user: User) -> str:
        """The cookie value for a logged-in user."""
        return self._serializer.dumps({"u": user.id, "g": user.session_generation or 0})

    def loads(self, value: str) -> tuple[int, int] | None:
        """The user id and session generation in a valid, unexpired cookie."""
        try:
            data: Any = self._serializer.loads(value, max_age=self.max_age)
        except BadSignature:
            return None
        if not isinstance(data, dict):
            return None
        uid, generation = data.get("u"), data.get("g")
        return (uid, generation) if isinstance(uid, int) and isinstance(generation, int) else None


def new_csrf_token() -> str:
    """A random value for the double-submit CSRF cookie."""
    return secrets.token_urlsafe(32)


def csrf_matches(cookie: str | None, submitted: str | None) -> bool:
    """Whether a form or header token equals the CSRF cookie (constant time)."""
    return bool(cookie) and bool(submitted) and hmac.compare_digest(str(cookie), str(submitted))
