"""Turn the command line's inputs (folders, globs, manifest CSVs) into a sorted list of jobs."""

from __future__ import annotations

import csv
import glob
import hashlib
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

log = logging.getLogger(__name__)

# Extensions read from folders; a manifest or an explicit file may name anything.
REPORT_SUFFIXES = frozenset({".pdf", ".html", ".htm", ".docx", ".doc", ".txt", ".md", ".text"})
MANIFEST_COLUMNS = ("path", "province", "city", "level", "agency", "year", "published")
# Header spellings accepted for each manifest column (English or Chinese).
_ALIASES = {
    "path": ("path", "file", "文件", "路径"),
    "province": ("province", "省", "省份"),
    "city": ("city", "市", "城市"),
    "level": ("level", "层级", "级别"),
    "agency": ("agency", "机关", "单位", "发布机关"),
    "year": ("year", "年度", "年份"),
    "published": ("published", "publication_date", "publication date", "发布日期", "date"),
}


@dataclass(frozen=True)
class Job:
    """One file to score, its content hash and the metadata a manifest gave for it (None: infer it)."""

    path: str
    sha256: str = ""
    province: str | None = None
    city: str | None = None
    level: str | None = None
    agency: str | None = None
    year: int | None = None
    published: str | None = None
    role: str = "target"  # target | previous (only read to pair with a later year, not ranked)
    error: str | None = None  # why the file could not even be hashed

    def given(self) -> dict[str, str | int | None]:
        """The manifest metadata of this job."""
        return {k: getattr(self, k) for k in MANIFEST_COLUMNS[1:]}


@dataclass
class Inputs:
    """The jobs found and the inputs that matched nothing."""

    jobs: list[Job] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


def is_manifest(path: Path) -> bool:
    """A CSV file whose header has a path column."""
    if path.suffix.lower() != ".csv" or not path.is_file():
        return False
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    return any(h.strip().lower() in _ALIASES["path"] for h in header)


def _year(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() else None


def read_manifest(path: Path) -> list[Job]:
    """Jobs from a manifest CSV; relative paths are relative to the manifest's folder."""
    jobs = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for raw in csv.DictReader(handle):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
            values = {key: next((row[a] for a in aliases if row.get(a)), None) for key, aliases in _ALIASES.items()}
            if not values["path"]:
                continue
            file = Path(values["path"])
            if not file.is_absolute():
                file = path.parent / file
            jobs.append(Job(
                path=str(file), province=values["province"], city=values["city"], level=values["level"],
                agency=values["agency"], year=_year(values["year"]), published=values["published"],
            ))
    return jobs


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES)


def expand_inputs(items: list[str], role: str = "target") -> Inputs:
    """Folders, globs, manifest CSVs and files as jobs, deduplicated by path, in a stable order."""
    found = Inputs()
    seen: dict[str, Job] = {}

    def add(job: Job) -> None:
        # A manifest entry wins over the same file found in a folder: it carries metadata.
        if job.path not in seen or job.province or job.agency or job.year:
            seen[job.path] = replace(job, role=role)

    for item in items:
        path = Path(item)
        if path.is_dir():
            for file in _files_under(path):
                add(Job(path=str(file)))
        elif is_manifest(path):
            for job in read_manifest(path):
                add(job)
        elif path.is_file():
            add(Job(path=str(path)))
        else:
            matches = sorted(glob.glob(item, recursive=True))
            files = [Path(m) for m in matches if Path(m).is_file()]
            if not files:
                found.unmatched.append(item)
            for file in files:
                add(Job(path=str(file)))
    found.jobs = sorted(seen.values(), key=lambda j: j.path)
    return found


def file_sha256(path: str) -> str:
    """The SHA-256 of a file's bytes, read in chunks so that a huge file does not fill memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def with_hashes(jobs: list[Job]) -> list[Job]:
    """Jobs with their sha256 filled; a file that cannot be read keeps its error instead."""
    out = []
    for job in jobs:
        try:
            out.append(replace(job, sha256=file_sha256(job.path)))
        except OSError as exc:
            log.warning("cannot read %s: %s", job.path, exc)
            reason = f"无法打开文件：{exc.strerror or exc}"
            out.append(replace(job, sha256=hashlib.sha256(job.path.encode()).hexdigest(), error=reason))
    return out
