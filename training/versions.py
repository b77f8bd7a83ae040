"""Kept topic-model versions on disk: one directory per version, a registry naming the current one, rollback."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REGISTRY = "registry.json"


@dataclass(frozen=True)
class Version:
    """One kept model: its directory, how it came to be, and its measured quality."""

    name: str
    path: Path
    created: str
    parent: str | None
    decision: str  # seed | promoted | kept | rolled-back-to
    macro_f1: float | None
    data_sha256: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (path as a string)."""
        return {"name": self.name, "path": str(self.path), "created": self.created, "parent": self.parent,
                "decision": self.decision, "macro_f1": self.macro_f1, "data_sha256": self.data_sha256}


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class VersionStore:
    """`root/<name>/` model directories plus `root/registry.json` (current version and the switch history).

    Writes go through a temporary file and os.replace so a reader never sees half a registry.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._lock = threading.Lock()

    def _registry(self) -> dict[str, Any]:
        data = _read_json(self.root / REGISTRY)
        data.setdefault("current", None)
        data.setdefault("versions", {})
        data.setdefault("history", [])
        return data

    def _write(self, data: dict[str, Any]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".registry-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=2)
        os.replace(tmp, self.root / REGISTRY)

    def versions(self) -> list[Version]:
        """Every kept version, oldest first."""
        data = self._registry()
        out = [self._version(name, rec) for name, rec in data["versions"].items()]
        return sorted(out, key=lambda v: v.created)

    def _version(self, name: str, rec: dict[str, Any]) -> Version:
        return Version(name, self.root / name, rec.get("created", ""), rec.get("parent"), rec.get("decision", ""),
                       rec.get("macro_f1"), rec.get("data_sha256"))

    def get(self, name: str) -> Version | None:
        """A version by name."""
        rec = self._registry()["versions"].get(name)
        return self._version(name, rec) if rec is not None else None

    def current(self) -> Version | None:
        """The version the service should serve, or None before the first one is kept."""
        data = self._registry()
        name = data["current"]
        return self._version(name, data["versions"][name]) if name in data["versions"] else None

    def history(self) -> list[dict[str, Any]]:
        """Every switch of the current version, oldest first."""
        return list(self._registry()["history"])

    def new_dir(self, name: str) -> Path:
        """A fresh directory for a version about to be trained."""
        path = self.root / name
        if path.exists():
            raise FileExistsError(f"model version {name} already exists")
        path.mkdir(parents=True)
        return path

    def seed(self, model_dir: str | Path, name: str) -> Version:
        """Keep a copy of an existing model (the shipped one) as the first current version; no-op once seeded."""
        with self._lock:
            data = self._registry()
            if data["current"] is not None:
                return self._version(data["current"], data["versions"][data["current"]])
            target = self.root / name
            if not target.exists():
                shutil.copytree(model_dir, target)
            metrics = _read_json(target / "metrics.json")
            data["versions"][name] = {"created": _now(), "parent": None, "decision": "seed",
                                      "macro_f1": _model_macro_f1(metrics),
                                      "data_sha256": _read_json(target / "data.json").get("sha256")}
            data["current"] = name
            data["history"].append({"at": _now(), "current": name, "reason": "seed"})
            self._write(data)
            return self._version(name, data["versions"][name])

    def add(self, name: str, parent: str | None, decision: str, macro_f1: float | None,
            data_sha256: str | None) -> Version:
        """Record a trained version whose directory is complete; promotes it when the decision says so."""
        with self._lock:
            data = self._registry()
            data["versions"][name] = {"created": _now(), "parent": parent, "decision": decision,
                                      "macro_f1": macro_f1, "data_sha256": data_sha256}
            if decision == "promoted":
                data["current"] = name
                data["history"].append({"at": _now(), "current": name, "reason": "promoted"})
            self._write(data)
            return self._version(name, data["versions"][name])

    def set_current(self, name: str, reason: str = "rollback", by: str | None = None) -> Version:
        """Serve another kept version (an admin's rollback)."""
        with self._lock:
            data = self._registry()
            if name not in data["versions"]:
                raise KeyError(name)
            data["current"] = name
            data["history"].append({"at": _now(), "current": name, "reason": reason, "by": by})
            self._write(data)
            return self._version(name, data["versions"][name])


def _model_macro_f1(metrics: dict[str, Any]) -> float | None:
    # Shipped metrics.json lists several systems; the transformer's line is the model's own.
    if "new" in metrics:
        return metrics["new"].get("macro_f1")
    for name, rec in metrics.get("systems", {}).items():
        if name.startswith("transformer"):
            return rec.get("macro_f1")
    return None
