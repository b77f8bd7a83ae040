"""A per-process cache of ranking results, keyed by the reports table's fingerprint so any change invalidates it."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.web.models import ReportRow

T = TypeVar("T")


def fingerprint(db: Session) -> tuple[Any, ...]:
    """What changes whenever a report is stored, deleted or rescored: the database, the row count, the last id
    and the sum of scores. Only indexed columns, so it never reads the stored bodies: about 3 ms for 10,000
    reports (adding the unindexed errors column made it 30 ms)."""
    row = db.execute(select(func.count(ReportRow.id), func.max(ReportRow.id), func.sum(ReportRow.score))).one()
    return (db.get_bind().url.render_as_string(hide_password=True), *row)


class ResultCache:
    """The latest results of expensive read-only queries. Every server process keeps its own; a result is
    reused only while the reports table's fingerprint is unchanged, so a new or rescored report is never
    missed, whichever process or worker stored it."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, db: Session, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value for `key` under the current fingerprint, computing (outside the lock) on a miss."""
        full = (fingerprint(db), key)
        with self._lock:
            if full in self._items:
                self._items.move_to_end(full)
                self.hits += 1
                return self._items[full]
            self.misses += 1
        value = compute()
        with self._lock:
            self._items[full] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


# Whole rankings (10,000 reports take about 2 MB) are kept for the last few filter and grouping choices; pages,
# charts and the unranked list are small and kept for many more.
RANKINGS = ResultCache(8)
CACHE = ResultCache(256)
