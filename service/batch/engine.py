"""The engine contract: run one picklable function over many items, yielding each outcome or its failure."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

TaskFn = Callable[[Any], Any]


@dataclass(frozen=True)
class Done:
    """One finished item: its index in the input, and either its value or why it failed."""

    index: int
    value: Any = None
    status: str = "ok"  # ok | timeout | memory | crashed | error
    reason: str = ""


class Engine(Protocol):
    """Something that maps a function over items in other processes, in completion order."""

    def map(self, fn: TaskFn, items: Sequence[Any]) -> Iterator[Done]:
        """Yield one Done per item; a failing item never stops the others."""
        ...

    def close(self) -> None:
        """Release the workers."""
        ...
