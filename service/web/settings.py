"""Service settings read from NIANBAO_* environment variables (pydantic-settings)."""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from service.web.storage import private_dir, write_private
from training.data import DEPLOYMENT_TEST_SHARE
from training.retrain import RetrainConfig

SQLITE_NAME = "nianbao.sqlite3"  # the database file in the data directory when no URL is configured


class Settings(BaseSettings):
    """Where data lives, which database to use, and the limits that protect the server."""

    model_config = SettingsConfigDict(env_prefix="NIANBAO_", extra="ignore")

    data_dir: Path = Path("nianbao-data")
    database_url: str | None = None  # SQLite in data_dir when unset; postgresql+psycopg://… otherwise
    secret_key: str | None = None  # signs session cookies; generated and kept in data_dir when unset
    max_upload_bytes: int = 50 * 1024 * 1024
    max_zip_members: int = 2000
    max_zip_total_bytes: int = 200 * 1024 * 1024  # a zip's members together, uncompressed (held in memory)
    max_zip_ratio: int = 100  # uncompressed / compressed size of one zip member: more is a zip bomb
    # Every request body but uploads (JSON, forms, annotation imports), counted while it streams in.
    max_body_bytes: int = 8 * 1024 * 1024
    max_upload_request_bytes: int = 120 * 1024 * 1024  # one upload request, all its files together
    # Jobs run in worker processes under the batch's guards; a job killed for a limit fails with the reason.
    # Seconds of wall-clock time per job: OCR of a scanned report takes about 5 s a page (Limits.time_s).
    job_time_limit: float = 600.0
    job_memory_mb: int = 4096  # address-space cap of a job worker process (RLIMIT_AS; torch maps ~1.5 GB)
    job_tasks_per_worker: int = 50  # a worker process is replaced after this many jobs (slow leaks)
    job_max_attempts: int = 3  # a job whose server died under it this often is failed, not requeued
    queue_stall_s: float = 900.0  # /ready fails while the oldest queued job has waited longer than this
    # Page images: pages larger than this many pixels are rendered at a smaller scale; later pages refused.
    max_image_pixels: int = 4_000_000
    max_image_pages: int = 400
    workers: int = 1  # background worker threads processing queued jobs
    start_worker: bool = True
    topic_model: str = "default"  # "default" (the shipped model), "off", or a model directory
    session_max_age: int = 8 * 3600
    secure_cookies: bool = False  # set behind HTTPS
    poll_interval: float = 0.5
    agreement_fraction: float = 0.0  # share of review items given to two reviewers, for Cohen's kappa
    retrain_test_data: str = "gold"  # "gold" (held-out gold reports) or a JSON Lines file of {"text", "label"}
    retrain_base_data: str = "default"  # "default" (training.data), "none", or a JSON Lines file
    retrain_epochs: int = 3
    retrain_batch_size: int = 32
    # How a retrained model is judged: the share of the deployment's own reports held out as its test split
    # (fixed when a report is first reviewed), how many of their answers it needs first, and how much F1 one
    # label may lose while the macro-F1 still rises.
    retrain_test_share: float = Field(DEPLOYMENT_TEST_SHARE, ge=0.0, le=1.0)
    retrain_min_test: int = Field(50, ge=0)
    retrain_max_label_drop: float = Field(RetrainConfig.max_label_drop, ge=0.0)
    retrain_hint_threshold: float = 0.8  # model confidence in another label that flags a submitted answer
    # Accounts: the password policy, login throttling, API token lifetimes and who may mint tokens.
    password_min_length: int = 12
    login_max_failures: int = 10  # wrong passwords per account within the lockout window
    login_max_failures_per_address: int = 50  # wrong passwords from one client address within the window
    login_lockout_seconds: int = 15 * 60
    token_days: int = 90  # lifetime of a new API token unless asked otherwise
    token_max_days: int = 365
    max_tokens_per_user: int = 20  # live (unrevoked, unexpired) tokens one account may hold
    viewer_tokens: bool = False  # whether read-only accounts may mint their own API tokens

    @cached_property
    def url(self) -> str:
        """The SQLAlchemy URL actually used."""
        if self.database_url:
            url = self.database_url
            # psycopg 3 is the driver we ship; plain postgresql:// URLs would ask for psycopg2.
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
            return url
        return f"sqlite:///{(self.data_dir / SQLITE_NAME).resolve()}"

    @property
    def versions_dir(self) -> Path:
        """Kept topic-model versions (each with metrics and data hash) and the registry of the current one."""
        return self.data_dir / "versions"

    @property
    def blob_dir(self) -> Path:
        """Content-addressed uploaded files."""
        return self.data_dir / "blobs"

    def signing_key(self) -> str:
        """The cookie signing key: configured, or created once and kept in the data directory."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret.key"
        if not path.exists():
            private_dir(self.data_dir)
            write_private(path, secrets.token_urlsafe(48).encode("ascii"))
        return path.read_text(encoding="utf-8").strip()
