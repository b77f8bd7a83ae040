"""The append-only journal of finished reports: what makes a killed batch resumable."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

JOURNAL = "journal.jsonl"


@dataclass(frozen=True)
class Entry:
    """One finished task: which report, under which settings, against which previous report."""

    sha256: str
    settings: str
    previous: str  # sha256 of the previous-year report it was scored with ('' for none)
    row: dict[str, Any]
    signature: str = ""
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def read_journal(out: Path) -> list[Entry]:
    """Every complete entry; a line cut short by a kill is skipped."""
    path = out / JOURNAL
    if not path.exists():
        return []
    entries = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                data = json.loads(line)
                entries.append(Entry(data["sha256"], data["settings"], data.get("previous", ""), data["row"],
                                     data.get("signature", ""), data.get("seconds", 0.0), data.get("extra", {})))
            except (json.JSONDecodeError, KeyError, TypeError):
                log.warning("skipping unreadable journal line %d in %s", number, path)
    return entries


class Journal:
    """Appends entries flushed per line, so that a kill loses at most the line in progress."""

    def __init__(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.path = out / JOURNAL
        self._repair()
        self.handle = self.path.open("a", encoding="utf-8")

    def _repair(self) -> None:
        """End a line cut short by a kill, so the next entry starts on its own line."""
        if self.path.exists() and self.path.stat().st_size:
            with self.path.open("rb") as handle:
                handle.seek(-1, os.SEEK_END)
                last = handle.read(1)
            if last != b"\n":
                with self.path.open("ab") as handle:
                    handle.write(b"\n")

    def append(self, entry: Entry) -> None:
        """Write one entry."""
        data = {"sha256": entry.sha256, "settings": entry.settings, "previous": entry.previous,
                "row": entry.row, "signature": entry.signature, "seconds": round(entry.seconds, 4),
                "extra": entry.extra}
        self.handle.write(json.dumps(data, ensure_ascii=False) + "\n")
        # flush, not fsync: a killed process loses nothing, and fsync per report would cost seconds per 1,000.
        self.handle.flush()

    def close(self) -> None:
        """Close the file."""
        self.handle.close()
