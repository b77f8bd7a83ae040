"""A local process pool where each report runs with a wall-clock limit, an address-space limit and recycling.

concurrent.futures and multiprocessing.Pool cannot kill one stuck task, so a hostile PDF would hold a
worker forever; this pool owns its processes and replaces any that time out, crash or are used up.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing as mp
import os
import resource
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from service.batch.engine import Done, TaskFn
from service.batch.settings import Limits

log = logging.getLogger(__name__)

# Imported once in the fork server, so that each worker starts with the pipeline and jieba's dictionary already
# loaded (service.batch.preload), which a worker's first report would otherwise pay for.
_PRELOAD = ["nlp.pipeline", "eval.scoring", "nlp.serialize", "service.batch.task", "service.batch.preload"]


def _guard_memory(memory_mb: int) -> None:
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


_PR_SET_PDEATHSIG = 1
_WATCH_INTERVAL_S = 1.0


def die_with(owner: int) -> None:
    """End this worker when the process that owns the pool dies, even by `kill -9`.

    Workers are children of the fork server, which exits when its owner does: a parent-death signal
    kills the worker then (Linux). A thread watching the owner's pid covers other systems and the moment
    before the signal was armed."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    parent = os.getppid()

    def watch() -> None:
        while True:
            try:
                os.kill(owner, 0)
            except (ProcessLookupError, PermissionError):  # gone, or its pid reused by another user's process
                break
            if os.getppid() != parent:
                break
            time.sleep(_WATCH_INTERVAL_S)
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, name="owner-watchdog", daemon=True).start()


def worker_main(conn: Connection, fn: TaskFn, memory_mb: int, max_tasks: int, owner: int) -> None:
    """Serve tasks from the parent until told to stop or `max_tasks` are done; die with `owner`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    die_with(owner)
    _guard_memory(memory_mb)
    for _ in range(max_tasks):
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        index, item = message
        try:
            reply: tuple[str, int, Any] = ("ok", index, fn(item))
        except MemoryError:
            reply = ("memory", index, f"内存超过上限 {memory_mb} MB (memory limit exceeded)")
        except Exception as exc:  # any bug in one report must not take the worker's later reports down
            log.exception("task %s failed", index)
            reply = ("error", index, f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("memory", index, f"结果过大，内存超过上限 {memory_mb} MB (memory limit exceeded)"))


def stop_worker(process: Any, conn: Connection, kill: bool = False) -> None:
    """Ask a worker to finish (or kill it, when it may be busy), reap it and close its pipe."""
    if kill:
        process.kill()
    else:
        with contextlib.suppress(OSError):  # a worker that recycled itself has already gone
            conn.send(None)
    process.join(timeout=5)
    if process.is_alive():
        process.kill()
        process.join()
    conn.close()


@dataclass
class _Slot:
    process: Any
    conn: Connection
    used: int = 0
    index: int | None = None
    started: float = 0.0


def exit_reason(code: int | None) -> str:
    """Why a worker process ended, for the failure record."""
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        return f"工作进程被信号 {name} 终止 (worker killed by {name})"
    return f"工作进程异常退出，退出码 {code} (worker exited with code {code})"


class LocalPool:
    """N worker processes started by a fork server; one task at a time per worker."""

    def __init__(self, workers: int, limits: Limits) -> None:
        self.workers = max(1, workers)
        self.limits = limits
        self.ctx = mp.get_context("forkserver")
        self.ctx.set_forkserver_preload(_PRELOAD)
        self.slots: list[_Slot] = []

    def _start(self, fn: TaskFn) -> _Slot:
        parent, child = self.ctx.Pipe()
        process = self.ctx.Process(
            target=worker_main,
            args=(child, fn, self.limits.memory_mb, max(1, self.limits.tasks_per_worker), os.getpid()),
            daemon=True,
        )
        process.start()
        child.close()
        return _Slot(process, parent)

    def _stop(self, slot: _Slot, kill: bool = False) -> None:
        stop_worker(slot.process, slot.conn, kill)

    def map(self, fn: TaskFn, items: Sequence[Any]) -> Iterator[Done]:
        """Run fn over items; yield results as they finish."""
        queue = deque(range(len(items)))
        self.slots = [self._start(fn) for _ in range(min(self.workers, len(items)))]
        max_tasks = max(1, self.limits.tasks_per_worker)
        try:
            while queue or any(s.index is not None for s in self.slots):
                for pos, slot in enumerate(self.slots):
                    if slot.index is None and queue:
                        if slot.used >= max_tasks or not slot.process.is_alive():
                            self._stop(slot)
                            slot = self.slots[pos] = self._start(fn)
                        index = queue.popleft()
                        slot.conn.send((index, items[index]))
                        slot.index, slot.started, slot.used = index, time.monotonic(), slot.used + 1
                busy = [s for s in self.slots if s.index is not None]
                ready = set(wait([s.conn for s in busy], timeout=0.1)) if busy else set()
                for pos, slot in enumerate(self.slots):
                    if slot.index is None:
                        continue
                    if slot.conn in ready:
                        done = self._receive(slot)
                        if done.status in ("crashed",):
                            self.slots[pos] = self._start(fn)
                        yield done
                    elif time.monotonic() - slot.started > self.limits.time_s:
                        index = slot.index
                        log.warning("task %s exceeded %.1f s: killing its worker", index, self.limits.time_s)
                        self._stop(slot, kill=True)
                        self.slots[pos] = self._start(fn)
                        yield Done(index, status="timeout",
                                   reason=f"处理超过时限 {self.limits.time_s:g} 秒 (time limit exceeded)")
        finally:
            self.close()

    def _receive(self, slot: _Slot) -> Done:
        index = slot.index
        assert index is not None
        slot.index = None
        try:
            status, got, payload = slot.conn.recv()
        except (EOFError, OSError):
            slot.process.join(timeout=5)
            return Done(index, status="crashed", reason=exit_reason(slot.process.exitcode))
        if status == "ok":
            return Done(got, value=payload)
        return Done(got, status=status, reason=str(payload))

    def close(self) -> None:
        """Stop every worker (killing those still busy)."""
        for slot in self.slots:
            self._stop(slot, kill=slot.index is not None)
        self.slots = []
