"""A `nianbao serve` on loopback for the service benchmarks: a free port, SQLite in a given data directory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data_dir: Path, port: int, env: dict[str, str], ready_within: float = 300.0) -> subprocess.Popen[bytes]:
    """The service in its own process (NIANBAO_* settings from `env`), returned once /ready answers 200."""
    full = {**os.environ, "NIANBAO_DATA_DIR": str(data_dir), "NIANBAO_SECRET_KEY": "bench", "HF_HUB_OFFLINE": "1", **env}
    full.pop("NIANBAO_DATABASE_URL", None)
    code = ("import uvicorn; from service.web.app import create_app; "
            f"uvicorn.run(create_app(), host='127.0.0.1', port={port}, log_level='warning')")
    proc = subprocess.Popen([sys.executable, "-c", code], env=full, cwd=ROOT)
    deadline = time.monotonic() + ready_within
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not become ready")
