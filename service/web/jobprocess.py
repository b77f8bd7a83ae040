"""One guarded worker process per job thread: the batch's limits (wall-clock, address space, recycling)
around each job, and a kill when an admin cancels it."""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from service.batch.engine import TaskFn
from service.batch.local_pool import exit_reason, stop_worker, worker_main
from service.batch.settings import Limits

# Imported once in the fork server, so that each job process starts with the pipeline already loaded.
_PRELOAD = ["nlp.pipeline", "eval.scoring", "nlp.serialize", "service.web.jobtask", "service.batch.preload"]
_POLL_S = 0.5


@dataclass(frozen=True)
class Outcome:
    """How a job's run ended: ok with the task's value, or a status (timeout, memory, crashed, error,
    cancelled) with the reason shown on the job."""

    status: str
    value: Any = None
    reason: str = ""


class JobProcess:
    """A worker process serving one task at a time from its thread; replaced after a timeout, a crash, a
    cancel or `limits.tasks_per_worker` tasks."""

    def __init__(self, fn: TaskFn, limits: Limits) -> None:
        self.fn = fn
        self.limits = limits
        self.ctx = mp.get_context("forkserver")
        self.ctx.set_forkserver_preload(_PRELOAD)
        self.process: Any = None
        self.conn: Connection | None = None
        self.used = 0

    def _start(self) -> Connection:
        parent, child = self.ctx.Pipe()
        self.process = self.ctx.Process(
            target=worker_main, daemon=True, name="nianbao-job",
            args=(child, self.fn, self.limits.memory_mb, max(1, self.limits.tasks_per_worker), os.getpid()),
        )
        self.process.start()
        child.close()
        self.conn, self.used = parent, 0
        return parent

    def _connection(self) -> Connection:
        if (self.conn is None or self.process is None or not self.process.is_alive()
                or self.used >= max(1, self.limits.tasks_per_worker)):
            self.close()
            return self._start()
        return self.conn

    def run(self, item: Any, cancelled: Callable[[], bool] = lambda: False) -> Outcome:
        """Run the task on `item` in the worker process, killing it past the time limit or on cancel."""
        conn = self._connection()
        conn.send((0, item))
        self.used += 1
        started = time.monotonic()
        while not conn.poll(_POLL_S):
            if time.monotonic() - started > self.limits.time_s:
                self.close(kill=True)
                return Outcome("timeout", reason=f"处理超过时限 {self.limits.time_s:g} 秒，已终止 (time limit exceeded)")
            if cancelled():
                self.close(kill=True)
                return Outcome("cancelled", reason="已被管理员取消 (cancelled)")
        try:
            status, _, payload = conn.recv()
        except (EOFError, OSError):
            self.process.join(timeout=5)
            reason = exit_reason(self.process.exitcode)
            self.close(kill=True)
            return Outcome("crashed", reason=reason)
        if status == "ok":
            return Outcome("ok", value=payload)
        return Outcome(status, reason=str(payload))

    def close(self, kill: bool = False) -> None:
        """Stop the worker process (killing it when it may be busy)."""
        if self.process is None or self.conn is None:
            return
        stop_worker(self.process, self.conn, kill)
        self.process, self.conn = None, None
