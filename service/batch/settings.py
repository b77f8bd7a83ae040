"""Typed settings of a batch run and the hash that decides whether a scored report can be reused."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

from eval.scoring import load_rubric
from nlp.pipeline import ParseSettings
from nlp.serialize import CONTRACT_VERSION

# Bump when the row layout or the task changes, so that old journals are not reused by mistake.
BATCH_FORMAT = "1"


@dataclass(frozen=True)
class Limits:
    """What one report may cost a worker before it is recorded as failed."""

    # A scanned report is read by OCR at about 5 CPU-s a page: ten minutes lets a 100-page scan finish.
    time_s: float = 600.0
    # Address-space limit of a local worker (RLIMIT_AS); torch alone maps about 1.5 GB of it.
    memory_mb: int = 4096
    tasks_per_worker: int = 200  # recycle workers so that slow leaks cannot grow without bound


@dataclass(frozen=True)
class BatchSettings:
    """Everything that shapes a batch run."""

    workers: int = 1
    engine: str = "local"  # local | ray
    address: str | None = None  # Ray cluster address; None starts a local Ray
    rubric: Path | None = None
    limits: Limits = field(default_factory=Limits)
    parse: ParseSettings = field(default_factory=ParseSettings)
    dup_threshold: float = 0.8  # estimated Jaccard of character shingles above which a pair is flagged
    # Topic model for the narrative sentences: "default" is the shipped one, a path a local model, None off
    # (the CLI turns it on; library callers opt in because loading torch costs seconds per worker).
    topics: str | None = None
    # Score again the reports whose earlier attempt timed out, crashed, ran out of memory or failed with
    # internal_error (a bug of ours); a document that simply cannot be read fails the same way every time
    # and is not retried.
    retry_failed: bool = False


def _version() -> str:
    try:
        return metadata.version("nianbao")
    except metadata.PackageNotFoundError:
        return "unknown"


def code_hash() -> str:
    """A hash of the analysis code (nlp, models, eval and the one path joining them): a changed rule must not
    reuse old scores."""
    from eval import scoring
    from models import topics
    from nlp import pipeline
    from service import analyze

    digest = hashlib.sha256()
    for module in (pipeline, topics, scoring):
        root = Path(module.__file__ or "").parent
        for path in sorted(root.rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    digest.update(Path(analyze.__file__ or "").read_bytes())
    return digest.hexdigest()


def topic_model_stamp(topics: str | None) -> str:
    """What identifies the topic model without loading it: its config and weights' size and hash prefix."""
    if topics is None:
        return "off"
    from models.topics import DEFAULT_MODEL_DIR

    model_dir = DEFAULT_MODEL_DIR if topics == "default" else Path(topics)
    digest = hashlib.sha256()
    for name in ("config.json", "model.safetensors", "lexical.json"):
        path = model_dir / name
        if path.exists():
            with path.open("rb") as handle:
                digest.update(handle.read(1 << 20))
            digest.update(str(path.stat().st_size).encode())
    return digest.hexdigest()[:16]


def settings_hash(settings: BatchSettings) -> str:
    """A short hash of what changes a report's score: rubric content, parse settings, code.

    Worker counts, engine and limits are left out on purpose: they must not change results.
    """
    rubric = load_rubric(settings.rubric)
    rubric_text = settings.rubric.read_text(encoding="utf-8") if settings.rubric else ""
    payload = {
        "batch": BATCH_FORMAT,
        "contract": CONTRACT_VERSION,
        "version": _version(),
        "code": code_hash(),
        "rubric": rubric.version,
        "rubric_text": hashlib.sha256(rubric_text.encode()).hexdigest(),
        "parse": asdict(settings.parse),
        "topics": topic_model_stamp(settings.topics),
    }
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
