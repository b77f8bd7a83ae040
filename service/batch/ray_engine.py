"""The Ray engine: the same task function as the local pool, run as Ray tasks on a local or remote cluster."""

from __future__ import annotations

import logging
import resource
import signal
import time
from collections.abc import Iterator, Sequence
from typing import Any

from service.batch.engine import Done, TaskFn
from service.batch.settings import Limits

log = logging.getLogger(__name__)


class _SoftTimeout(Exception):
    """Raised inside a Ray task by its own alarm."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise _SoftTimeout


def _guarded(fn: TaskFn, item: Any, time_s: float, memory_mb: int) -> tuple[str, Any]:
    """Run fn(item) inside a Ray worker with a soft time limit and a heap limit.

    Ray workers are long-lived and map large shared regions (object store), so an address-space limit
    would break them; RLIMIT_DATA bounds only the private heap, which is what a hostile PDF inflates.
    """
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard == resource.RLIM_INFINITY or hard >= limit:
            resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    try:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, time_s)
    except ValueError:  # not the main thread: fall back on the driver's hard deadline
        previous = None
    try:
        return "ok", fn(item)
    except _SoftTimeout:
        return "timeout", f"处理超过时限 {time_s:g} 秒 (time limit exceeded)"
    except MemoryError:
        return "memory", f"内存超过上限 {memory_mb} MB (memory limit exceeded)"
    except Exception as exc:  # one bad report must not fail the Ray job
        return "error", f"{type(exc).__name__}: {exc}"
    finally:
        if previous is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


_IN_FLIGHT_PER_CPU = 4


class RayEngine:
    """Submit tasks to Ray, a few per CPU in flight: enough that no worker waits on a driver round trip,
    few enough that a task's deadline mostly measures its running time."""

    def __init__(self, workers: int, limits: Limits, address: str | None = None) -> None:
        import ray  # imported here: Ray is heavy and only this engine needs it

        self.ray = ray
        self.limits = limits
        self.started_here = not ray.is_initialized()
        if self.started_here:
            if address:
                ray.init(address=address, include_dashboard=False, log_to_driver=False)
            else:
                ray.init(num_cpus=max(1, workers), include_dashboard=False, log_to_driver=False)
        self.cpus = max(1, int(ray.available_resources().get("CPU", workers)))
        self.remote = ray.remote(max_retries=0, num_cpus=1)(_guarded)

    def map(self, fn: TaskFn, items: Sequence[Any]) -> Iterator[Done]:
        """Run fn over items as Ray tasks; yield results as they finish."""
        ray = self.ray
        fn_ref = ray.put(fn)
        pending: dict[Any, tuple[int, float]] = {}
        next_index = 0
        # Hard deadline: the soft alarm should fire first; this catches a task stuck in C code.
        hard = self.limits.time_s * 2 + 30
        while next_index < len(items) or pending:
            while next_index < len(items) and len(pending) < _IN_FLIGHT_PER_CPU * self.cpus:
                ref = self.remote.remote(fn_ref, items[next_index], self.limits.time_s, self.limits.memory_mb)
                pending[ref] = (next_index, time.monotonic())
                next_index += 1
            ready, _ = ray.wait(list(pending), num_returns=1, timeout=0.5)
            for ref in ready:
                index, _ = pending.pop(ref)
                yield self._collect(ref, index)
            now = time.monotonic()
            for ref, (index, started) in list(pending.items()):
                if now - started > hard:
                    ray.cancel(ref, force=True)
                    pending.pop(ref)
                    yield Done(index, status="timeout", reason=f"处理超过时限 {hard:g} 秒，任务被取消 (cancelled)")

    def _collect(self, ref: Any, index: int) -> Done:
        ray = self.ray
        try:
            status, payload = ray.get(ref)
        except ray.exceptions.OutOfMemoryError as exc:
            return Done(index, status="memory", reason=f"Ray 内存不足：{exc}".splitlines()[0])
        except (ray.exceptions.WorkerCrashedError, ray.exceptions.TaskCancelledError) as exc:
            return Done(index, status="crashed", reason=f"Ray 工作进程退出：{type(exc).__name__}")
        except ray.exceptions.RayError as exc:
            return Done(index, status="error", reason=str(exc).splitlines()[0])
        if status == "ok":
            return Done(index, value=payload)
        return Done(index, status=status, reason=str(payload))

    def close(self) -> None:
        """Shut down the Ray instance this engine started (a cluster it joined is left running)."""
        if self.started_here:
            self.ray.shutdown()
