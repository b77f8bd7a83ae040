"""Engine, sessions and migrations: SQLite in the data directory by default, PostgreSQL by URL."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from service.web.settings import SQLITE_NAME, Settings
from service.web.storage import private_dir, write_private

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the web threads read while the worker writes; the busy timeout absorbs short write locks.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(settings: Settings) -> Engine:
    """The engine for the configured database (creating the data directory for SQLite)."""
    url = settings.url
    if url.startswith("sqlite"):
        _private_sqlite(settings.data_dir)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=20,
                               max_overflow=20)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _private_sqlite(data_dir: Path) -> None:
    """The data directory 0700 and the database 0600 before SQLite opens it (it gives its WAL and shared-memory
    files the database's own mode); files left looser by an older version are tightened."""
    private_dir(data_dir)
    database = data_dir / SQLITE_NAME
    if not database.exists():
        write_private(database, b"")  # an empty file is an empty SQLite database
    for path in (database, data_dir / f"{SQLITE_NAME}-wal", data_dir / f"{SQLITE_NAME}-shm"):
        if path.exists() and path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    """Session factory; objects stay readable after commit so routes can render them."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config() -> Config:
    """The Alembic configuration pointing at the migrations inside the package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest revision (run at every startup; a no-op when current)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    log.info("database schema is current")
