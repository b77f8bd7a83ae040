"""Fixtures for the web-service tests: an app on a temporary data directory, accounts, helpers."""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.web.app import create_app
from service.web.auth import CSRF_COOKIE
from service.web.bootstrap import ensure_user, issue_token
from service.web.jobs import FINISHED
from service.web.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "reports"
SAMPLES = ROOT / "service" / "samples"
BROKEN_PDF = FIXTURES / "v2021-blanks-broken.pdf"
PASSWORD = "correct-horse-9"
ROLES = ("admin", "reviewer", "viewer")
POSTGRES_ENV = "NIANBAO_TEST_POSTGRES_URL"


@dataclass
class Site:
    """A running app under TestClient with one account and one token per role."""

    client: TestClient
    settings: Settings
    tokens: dict[str, str]

    def auth(self, role: str) -> dict[str, str]:
        """Bearer headers for a role."""
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    @property
    def svc(self) -> Any:
        """The app's ServiceState."""
        return self.client.app.state.svc  # type: ignore[attr-defined]


def settings_for(data_dir: Path, database_url: str | None = None, **extra: Any) -> Settings:
    """Test settings: no topic model, fast polling, a small upload limit."""
    values: dict[str, Any] = {"data_dir": data_dir, "database_url": database_url, "topic_model": "off",
                              "poll_interval": 0.05, "max_upload_bytes": 2 * 1024 * 1024,
                              "secret_key": "test-secret"}
    values.update(extra)
    return Settings(**values)


def fresh_postgres_url(base: str) -> str:
    """A new empty database on the test server, so each module starts clean."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(base)
    name = f"nianbao_t_{uuid.uuid4().hex[:10]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def database_url(kind: str) -> str | None:
    """None for SQLite; a fresh PostgreSQL database, or a skip when no server is configured."""
    if kind == "sqlite":
        return None
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set (run scripts/ci_postgres.sh)")
    return fresh_postgres_url(base)


def open_site(settings: Settings) -> Iterator[Site]:
    """Start the app (migrations, worker), create the accounts, yield, then stop it."""
    app = create_app(settings)
    with TestClient(app) as client:
        svc = app.state.svc
        tokens = {}
        for role in ROLES:
            ensure_user(svc, role, PASSWORD, role)
            tokens[role] = issue_token(svc, role, "tests")
        yield Site(client, settings, tokens)


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log in through the form; returns the CSRF token (rotated at login) for later form posts."""
    client.cookies.clear()
    page = client.get("/login")
    token = csrf_of(page.text)
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    # Login rotates the CSRF cookie: later forms must carry the new one.
    return client.cookies.get(CSRF_COOKIE) or token


def csrf_of(html: str) -> str:
    """The CSRF token in a rendered form."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field in page"
    return match.group(1)


def wait_job(client: TestClient, url: str, headers: dict[str, str], timeout: float = 30.0) -> dict[str, Any]:
    """Poll a job until it has finished (done, failed or cancelled)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(url, headers=headers).json()
        if job["status"] in FINISHED:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {url} did not finish: {job}")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One app per module and backend (SQLite always, PostgreSQL when configured)."""
    url = database_url(request.param)
    yield from open_site(settings_for(tmp_path_factory.mktemp("web"), url))


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One SQLite app per module."""
    yield from open_site(settings_for(tmp_path_factory.mktemp("web")))
