"""Files on disk: the signing key, data directory and database are private to the server's user, and the
demo keeps to its own data directory."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from service.web import demo
from service.web.bootstrap import ensure_user, prepared_state
from service.web.models import User
from service.web.settings import Settings
from tests.service.web_fixtures import PASSWORD, open_site, settings_for


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_signing_key_is_created_private_without_a_chmod_afterwards(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # With chmod disabled, only a file created with mode 0600 in the first place ends up private.
    monkeypatch.setattr(os, "chmod", lambda *a, **k: None)
    monkeypatch.setattr(Path, "chmod", lambda *a, **k: None)
    old = os.umask(0o022)
    try:
        settings = Settings(data_dir=tmp_path / "data", secret_key=None)
        key = settings.signing_key()
    finally:
        os.umask(old)
    path = tmp_path / "data" / "secret.key"
    assert _mode(path) == 0o600
    assert _mode(tmp_path / "data") == 0o700
    assert len(key) >= 40 and Settings(data_dir=tmp_path / "data", secret_key=None).signing_key() == key
    assert not [p for p in path.parent.iterdir() if p.name != "secret.key"], "no temporary file is left behind"


def test_the_data_directory_and_database_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        data = tmp_path / "data"
        for site in open_site(settings_for(data)):
            assert site.client.get("/api/me", headers=site.auth("viewer")).status_code == 200
            files = [data / "nianbao.sqlite3", data / "nianbao.sqlite3-wal", data / "nianbao.sqlite3-shm"]
            modes = {p.name: _mode(p) for p in files if p.exists()}
    finally:
        os.umask(old)
    assert _mode(data) == 0o700
    assert "nianbao.sqlite3" in modes and "nianbao.sqlite3-wal" in modes
    assert set(modes.values()) == {0o600}, modes


def test_an_existing_loose_data_directory_is_tightened(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    svc = prepared_state(settings_for(data))
    svc.engine.dispose()
    assert _mode(data) == 0o700 and _mode(data / "nianbao.sqlite3") == 0o600


def test_the_demo_ignores_the_deployments_data_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NIANBAO_DATA_DIR", str(tmp_path / "production"))
    monkeypatch.delenv("NIANBAO_DEMO_DATA_DIR", raising=False)
    assert demo.demo_data_dir() == Path("nianbao-demo-data")
    monkeypatch.setenv("NIANBAO_DEMO_DATA_DIR", str(tmp_path / "mine"))
    assert demo.demo_data_dir() == tmp_path / "mine"


def test_the_demo_refuses_a_directory_with_other_users(tmp_path: Path) -> None:
    real = settings_for(tmp_path / "real", topic_model="off")
    svc = prepared_state(real)
    ensure_user(svc, "chief", PASSWORD, "admin")
    svc.engine.dispose()
    with pytest.raises(demo.DemoRefused, match="chief"):
        demo.prepare(real)
    svc = prepared_state(real)
    with svc.sessions() as db:
        assert list(db.scalars(select(User.username))) == ["chief"]
    svc.engine.dispose()

    fresh = settings_for(tmp_path / "demo", topic_model="off")
    for _ in range(2):  # a second run on its own directory is fine
        svc = demo.prepare(fresh)
        with svc.sessions() as db:
            assert list(db.scalars(select(User.username))) == [demo.DEMO_USER]
        svc.engine.dispose()
