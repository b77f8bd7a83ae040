"""Training and evaluation data: the gold set by reference, written examples, weak labels, the report split."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from models.topic_input import TopicInput
from models.topics import report_inputs
from nlp.pipeline import parse_file
from nlp.report import Report
from nlp.vocabulary import LABEL_SET_VERSION
from nlp.vocabulary import LABELS as LABELS  # re-exported for tests and callers of this module
from training.synthetic_sentences import synthetic_sentences
from training.weak import contexts_of, weak_label

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
# The gold set and written examples of each label set (GUIDELINES.md); the label set in force picks them.
GOLD_PATHS: dict[int, Path] = {1: HERE / "gold" / "dev_v1.jsonl", 2: HERE / "gold" / "dev_v2.jsonl"}
# v1: rare cases of every topic, then the boundaries the model confused; v3: all of them relabelled under label
# set 2 with their section (and some with the previous sentence), plus the practice/measure/mechanism boundaries.
WRITTEN_SETS: dict[int, tuple[Path, ...]] = {
    1: (HERE / "data" / "written_v1.jsonl", HERE / "data" / "written_v2.jsonl"),
    2: (HERE / "data" / "written_v3.jsonl",),
}
GOLD_PATH = GOLD_PATHS[LABEL_SET_VERSION]
WRITTEN_PATHS: tuple[Path, ...] = WRITTEN_SETS[LABEL_SET_VERSION]

# Split by report, never by sentence; the 洪泽 2023/2024 pair reuses text, so both sit on one side.
TEST_REPORTS: frozenset[str] = frozenset(
    {"html/shanghai-office-2019.html", "pdf/huaian-city-2024.pdf", "text/shanghai-stc-2024.pdf-extract.md"}
)
REPORT_SUFFIXES = (".pdf", ".html", ".htm", ".docx", ".txt", ".md")
# A deployment holds out this share of its own reviewed reports as its frozen test split.
DEPLOYMENT_TEST_SHARE = 0.2
# Template sentences per topic in the fine-tuning data: enough volume for the rare topics without drowning the
# written and gold sentences (the shipped model's recipe).
N_SYNTH = 100


def corpus_dir() -> Path:
    """The shared corpus folder ($NIANBAO_CORPUS, else ../shared/corpus beside the repo)."""
    env = os.environ.get("NIANBAO_CORPUS")
    return Path(env) if env else HERE.parent.parent / "shared" / "corpus"


@dataclass(frozen=True)
class Example:
    """One labelled sentence; `file` is empty for written examples."""

    text: str
    label: str
    file: str = ""
    start: int = -1
    end: int = -1
    source: str = "gold"  # gold | weak | written | synth
    section: str | None = None  # section key or numeral, when known
    previous: str | None = None  # the sentence before it in its section, when known

    def as_input(self) -> TopicInput:
        """The sentence with its context, as the classifier takes it."""
        return TopicInput(self.text, self.section, self.previous)


def split_of(file: str) -> str:
    """'test' for the held-out reports, 'train' for every other file."""
    return "test" if file in TEST_REPORTS else "train"


def deployment_split(report_sha256: str, share: float = DEPLOYMENT_TEST_SHARE) -> str:
    """'test' or 'train' for a deployment's report, by a hash of its SHA-256: the same report always falls on
    the same side, and about `share` of the reports fall on the test side."""
    # Salted, so the side does not follow the hash prefixes used elsewhere (e.g. blob folders).
    bucket = int(hashlib.sha256(f"nianbao-split:{report_sha256}".encode()).hexdigest()[:8], 16) / 16**8
    return "test" if bucket < share else "train"


@lru_cache(maxsize=32)
def _parsed(path: str) -> Report:
    return parse_file(path)


def corpus_reports(root: Path | None = None) -> list[tuple[str, Report]]:
    """(relative path, Report) of every readable report in the corpus; [] when the corpus is absent."""
    root = root or corpus_dir()
    if not root.is_dir():
        return []
    out = []
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() in REPORT_SUFFIXES and path.name != "README.md" and "official" not in path.parts:
            report = _parsed(str(path))
            if report.status == "ok":
                out.append((str(path.relative_to(root)), report))
    return out


def span_hash(text: str) -> str:
    """Short hash that ties a gold reference to the exact text it was labelled on."""
    return hashlib.sha1(text.encode()).hexdigest()[:10]


def load_gold(path: Path = GOLD_PATH, root: Path | None = None) -> list[Example]:
    """Gold sentences re-read from the corpus; references whose text changed are skipped with a warning."""
    root = root or corpus_dir()
    if not root.is_dir():
        return []
    out, stale = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        ref = json.loads(line)
        file_path = root / ref["file"]
        if not file_path.exists():
            continue
        report = _parsed(str(file_path))
        contexts = _contexts(str(file_path))
        start, end = ref["start"], ref["end"]
        if ref.get("sha1") and span_hash(report.text[start:end]) != ref["sha1"]:
            # The parser moved the text: find the same sentence by its hash among the current sentences.
            moved = next(((s.start, s.end) for s in report.sentences
                          if span_hash(report.text[s.start : s.end]) == ref["sha1"]), None)
            if moved is None:
                stale += 1
                continue
            start, end = moved
        # The context comes from the parse, as at inference; the reference's section when the span is no sentence.
        ctx = contexts.get((start, end)) or TopicInput("", ref.get("section"))
        out.append(Example(report.text[start:end], ref["label"], ref["file"], start, end, "gold", ctx.section,
                           ctx.previous))
    if stale:
        log.warning("%d gold references no longer match the parsed text (parser changed?) and were skipped", stale)
    return out


def load_written(paths: Sequence[Path] = WRITTEN_PATHS) -> list[Example]:
    """Our own written examples for the rare cases."""
    rows = [json.loads(x) for path in paths for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    return [Example(r["text"], r["label"], source="written", section=r.get("section"), previous=r.get("previous"))
            for r in rows]


def weak_examples(reports: Iterable[tuple[str, Report]]) -> list[Example]:
    """Weakly labelled sentences of reports (abstentions dropped)."""
    out = []
    for file, report in reports:
        spans = [(s.start, s.end, s.section) for s in report.sentences]
        inputs = report_inputs(report)
        for (start, end, _), ctx, x in zip(spans, contexts_of(report.text, spans), inputs, strict=True):
            label = weak_label(ctx)
            if label is not None:
                out.append(Example(ctx.text, label, file, start, end, "weak", x.section, x.previous))
    return out


@lru_cache(maxsize=32)
def _contexts(path: str) -> dict[tuple[int, int], TopicInput]:
    report = _parsed(path)
    return {(s.start, s.end): x for s, x in zip(report.sentences, report_inputs(report), strict=True)}


def training_examples(n_synth: int = N_SYNTH, root: Path | None = None,
                      held_out: frozenset[str] = TEST_REPORTS) -> list[Example]:
    """Fine-tuning data: gold of every report not held out, weak labels for their unlabelled sentences,
    written and template examples. Nothing from the held-out reports."""
    gold = [g for g in load_gold(root=root) if g.file not in held_out]
    have = {(g.file, g.start, g.end) for g in gold}
    reports = [(f, r) for f, r in corpus_reports(root) if f not in held_out]
    weak = [w for w in weak_examples(reports) if (w.file, w.start, w.end) not in have]
    synth = [Example(t, lab, source="synth", section=SYNTH_SECTIONS.get(lab)) for t, lab in synthetic_sentences(n_synth)]
    return gold + weak + load_written() + synth


# Where a template sentence of each topic would stand in a report: shortcomings and the steps against them in
# 五, standing arrangements in 一; statistics and headings anywhere.
SYNTH_SECTIONS = {"problem": "s5_problems", "measure": "s5_problems", "mechanism": "s1_overall"}


def heldout_examples(root: Path | None = None) -> list[Example]:
    """The held-out gold sentences (test-split reports)."""
    return [g for g in load_gold(root=root) if split_of(g.file) == "test"]


def report_lines(text: str) -> list[str]:
    """A report's lines worth pretraining on (four characters or more)."""
    return [x.strip() for x in text.splitlines() if len(x.strip()) >= 4]


def pretraining_texts(root: Path | None = None) -> list[str]:
    """Report text for masked-LM pretraining: every corpus report, line by line, plus our written text."""
    lines = []
    for _, report in corpus_reports(root):
        lines.extend(report_lines(report.text))
    lines.extend(e.text for e in load_written())
    lines.extend(t for t, _ in synthetic_sentences(300))
    return lines


def data_hash(examples: Iterable[Example]) -> str:
    """sha256 over (text, label) of a dataset, recorded in each model directory."""
    h = hashlib.sha256()
    for e in examples:
        h.update(f"{e.label}\t{e.text}\n".encode())
    return h.hexdigest()
