"""`kill -9` of a running batch leaves no worker behind: workers die with the process that owns the pool."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from service.batch.task import Task

ROOT = Path(__file__).resolve().parents[2]

_BATCH = """
import sys
from pathlib import Path
from service.batch.runner import run_batch
from service.batch.settings import BatchSettings, Limits
from tests.service.test_batch_orphans import pid_then_sleep_task
if __name__ == "__main__":
    folder = Path(sys.argv[1])
    run_batch([str(folder)], folder.parent / "out", BatchSettings(workers=2, limits=Limits(time_s=600.0)),
              task_fn=pid_then_sleep_task)
"""


def pid_then_sleep_task(task: Task) -> object:
    """Write this worker's pid next to the input, then work "forever" (runs in the pool's workers)."""
    path = Path(task.job.path)
    (path.parent.parent / f"pid-{path.stem}").write_text(str(os.getpid()))
    time.sleep(600)
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has exited; only its parent's wait() is missing.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[-1].startswith("Z"))


def _wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return bool(condition())  # type: ignore[operator]


def test_kill_9_of_a_batch_leaves_no_worker_running(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.txt").write_text(f"一、总体情况\n正文{name}。\n", encoding="utf-8")  # distinct bytes: two jobs
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    batch = subprocess.Popen([sys.executable, "-c", _BATCH, str(folder)], cwd=ROOT, env=env)
    try:
        pid_files = [tmp_path / "pid-a", tmp_path / "pid-b"]
        assert _wait_for(lambda: all(p.exists() and p.read_text() for p in pid_files), 120), "workers never started"
        workers = [int(p.read_text()) for p in pid_files]
        assert all(_alive(pid) for pid in workers)
        batch.send_signal(signal.SIGKILL)
        batch.wait()
        # The parent-death signal acts at once; the watchdog fallback polls every second.
        assert _wait_for(lambda: not any(_alive(pid) for pid in workers), 10), "workers outlived the batch"
    finally:
        batch.kill()
        batch.wait()
