"""Retrain the topic model from reviewers' answers, measure it on the frozen test split, decide whether to promote."""

from __future__ import annotations

import hashlib
import json
import logging
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from models.topics import LABELS, Mix, TopicClassifier, load_classifier
from nlp.labels import TOPIC_NAMES
from training.data import TEST_REPORTS, Example, corpus_dir, data_hash, heldout_examples, training_examples
from training.evaluate import Scores, score
from training.finetune import FinetuneConfig, finetune

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    """A reviewer-confirmed label of one sentence, as training sees it."""

    text: str
    label: str
    report_sha256: str = ""
    key: str = ""  # the service's id for the sentence, so hints can point back to it
    section: str | None = None  # its context as the classifier reads it (models.topics.report_inputs)
    previous: str | None = None

    def example(self, source: str) -> Example:
        """The answer as a labelled example, with its context."""
        return Example(self.text, self.label, source=source, section=self.section, previous=self.previous)


@dataclass(frozen=True)
class RetrainConfig:
    """Schedule of a retraining run: a few epochs from the current model, not training from scratch."""

    epochs: int = 3
    batch_size: int = 32
    learning_rate: float = 1e-4
    seed: int = 42
    threads: int = 2
    answer_weight: int = 2  # reviewers' answers are repeated so a few hundred count against ~1,600 base examples
    hint_threshold: float = 0.8  # the retrained model must be this sure of another label to flag an answer
    max_label_drop: float = 0.05  # a new model losing more F1 than this on any one label is not promoted


@dataclass(frozen=True)
class Decision:
    """Whether the retrained model replaces the current one, and why (shown to reviewers)."""

    promote: bool
    reason: str  # the measurements behind it, without the verdict


@dataclass
class RetrainResult:
    """What a run produced: the old and new scores, the decision, regressions and label-error hints."""

    version: str
    out_dir: Path
    old: Scores
    new: Scores
    promote: bool
    regressions: list[dict[str, Any]]
    n_answers: int
    n_excluded: int
    n_train: int
    data_sha256: str
    seconds: float
    hints: list[dict[str, Any]] = field(default_factory=list)
    split: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    reason: str = ""

    def metrics(self) -> dict[str, Any]:
        """The metrics.json record kept with the version."""
        return {
            "version": self.version, "decision": "promoted" if self.promote else "kept",
            "reason": self.reason,
            "old": scores_dict(self.old), "new": scores_dict(self.new), "regressions": self.regressions,
            "n_answers": self.n_answers, "n_excluded_frozen": self.n_excluded, "n_train": self.n_train,
            "data_sha256": self.data_sha256, "seconds": round(self.seconds, 1), "split": self.split,
            "config": self.config,
        }


def scores_dict(s: Scores) -> dict[str, Any]:
    """One system's scores as JSON."""
    return {"name": s.name, "macro_f1": round(s.macro_f1, 4), "accuracy": round(s.accuracy, 4),
            "per_label": {k: {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "n": n}
                          for k, (p, r, f, n) in s.per_label.items()},
            "confusion": s.confusion}


def normalise(text: str) -> str:
    """The form two sentences are compared in: NFKC, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def text_key(text: str) -> str:
    """A hash of a sentence's normalised text."""
    return hashlib.sha1(normalise(text).encode()).hexdigest()


def load_examples_jsonl(path: str | Path, source: str) -> list[Example]:
    """Examples from a JSON Lines file of {"text", "label"} objects."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if row.get("label") in LABELS and row.get("text"):
                out.append(Example(row["text"], row["label"], source=source))
    return out


def frozen_test_set(path: str | Path | None = None) -> list[Example]:
    """The frozen test split: the gold sentences of the held-out reports (or a JSON Lines file of them)."""
    return load_examples_jsonl(path, "test") if path else heldout_examples()


def frozen_report_hashes(root: Path | None = None) -> frozenset[str]:
    """SHA-256 of the held-out reports' files, so an upload of one of them is recognised whatever its name."""
    root = root or corpus_dir()
    out = set()
    for rel in TEST_REPORTS:
        path = root / rel
        if path.is_file():
            out.add(hashlib.sha256(path.read_bytes()).hexdigest())
    return frozenset(out)


def is_frozen(text: str, report_sha256: str, test_keys: set[str] | frozenset[str],
              report_hashes: frozenset[str]) -> bool:
    """Whether a sentence belongs to the frozen test split (its report, or its very text)."""
    return report_sha256 in report_hashes or text_key(text) in test_keys


def split_answers(answers: Iterable[Answer], test: Sequence[Example],
                  report_hashes: frozenset[str] = frozenset()) -> tuple[list[Answer], int]:
    """The answers that may train, and how many were dropped because they touch the frozen test split."""
    test_keys = {text_key(e.text) for e in test}
    kept, dropped = [], 0
    for a in answers:
        if a.label not in LABELS:
            continue
        if is_frozen(a.text, a.report_sha256, test_keys, report_hashes):
            dropped += 1
            continue
        kept.append(a)
    return kept, dropped


def training_set(base: Sequence[Example], answers: Sequence[Answer], weight: int = 1) -> list[Example]:
    """Base examples plus answers; an answer replaces any base example with the same text (e.g. its weak label)."""
    answered = {text_key(a.text) for a in answers}
    out = [e for e in base if text_key(e.text) not in answered]
    for a in answers:
        out.extend([a.example("annotation")] * max(1, weight))
    return out


def evaluate_classifier(clf: TopicClassifier, test: Sequence[Example]) -> Scores:
    """Scores of a loaded model on the test examples."""
    preds = clf.classify([e.as_input() for e in test])  # with the context the model serves with
    return score(clf.version, [e.label for e in test], [p[0] for p in preds])


def regressions(old: Scores, new: Scores, max_label_drop: float = RetrainConfig.max_label_drop) -> list[dict[str, Any]]:
    """Per-label F1 of both models; `regressed` marks the labels the new model does worse on, `blocking` those
    it does more than `max_label_drop` worse on."""
    out = []
    for lab in old.per_label:
        f_old, f_new = old.per_label[lab][2], new.per_label[lab][2]
        out.append({"label": lab, "old_f1": round(f_old, 4), "new_f1": round(f_new, 4),
                    "delta": round(f_new - f_old, 4), "regressed": f_new < f_old - 1e-9,
                    "blocking": f_new < f_old - max_label_drop - 1e-9})
    return out


def decide(old: Scores, new: Scores, max_label_drop: float = RetrainConfig.max_label_drop) -> Decision:
    """Promote only when macro-F1 on the frozen split is strictly higher (rounded, so float noise does not
    decide; a tie keeps the current model) and no label's F1 falls by more than `max_label_drop`."""
    if round(new.macro_f1, 6) <= round(old.macro_f1, 6):
        return Decision(False, f"新版本宏 F1 {new.macro_f1:.4f} 未高于当前版本的 {old.macro_f1:.4f}")
    blocking = [r for r in regressions(old, new, max_label_drop) if r["blocking"]]
    if blocking:
        worst = min(blocking, key=lambda r: r["delta"])
        return Decision(False, f"新版本宏 F1 更高，但“{TOPIC_NAMES.get(worst['label'], worst['label'])}”的 F1 下降 "
                               f"{-worst['delta']:.4f}，超过允许的 {max_label_drop:g}")
    return Decision(True, f"宏 F1 {old.macro_f1:.4f} → {new.macro_f1:.4f}，没有主题的 F1 下降超过 {max_label_drop:g}")


def label_error_hints(clf: TopicClassifier, answers: Sequence[Answer], threshold: float = 0.8) -> list[dict[str, Any]]:
    """Answers the model confidently disagrees with: the model's probability of its own label is at least
    `threshold` while the submitted label gets little; most confident first."""
    if not answers:
        return []
    out = []
    for a, (label, conf, scores) in zip(answers, clf.classify([a.example("annotation").as_input() for a in answers]), strict=True):
        if label != a.label and conf >= threshold:
            out.append({"key": a.key, "text": a.text, "submitted": a.label, "model": label,
                        "confidence": round(conf, 4), "p_submitted": round(scores.get(a.label, 0.0), 4)})
    return sorted(out, key=lambda h: -h["confidence"])


def retrain(current_dir: str | Path, answers: Sequence[Answer], out_dir: str | Path, version: str,
            test: Sequence[Example] | None = None, base: Sequence[Example] | None = None,
            config: RetrainConfig | None = None, report_hashes: frozenset[str] | None = None,
            progress: Callable[[str], None] | None = None) -> RetrainResult:
    """Fine-tune from the current model on the answers plus the base training data, evaluate old and new on the
    frozen test split, write metrics.json into `out_dir` and say whether to promote."""
    config = config or RetrainConfig()
    note = progress or (lambda _msg: None)
    started = time.perf_counter()
    from_gold = test is None
    test = list(test if test is not None else frozen_test_set())
    if not test:
        raise ValueError("the frozen test split is empty: no gold sentences could be read")
    hashes = report_hashes if report_hashes is not None else frozen_report_hashes()
    kept, dropped = split_answers(answers, test, hashes)
    base = list(base if base is not None else training_examples())
    # The test split must stay unseen by every model we compare, whatever the base data holds.
    test_keys = {text_key(e.text) for e in test}
    base = [e for e in base if text_key(e.text) not in test_keys]
    examples = training_set(base, kept, config.answer_weight)
    if not examples:
        raise ValueError("nothing to train on")
    note(f"fine-tuning on {len(examples)} examples ({len(kept)} answers)")
    # The retrained model keeps the current one's mix; its lexical head is refitted on the new data.
    mix = Mix.of_config(json.loads(Path(current_dir, "config.json").read_text(encoding="utf-8")))
    finetune(current_dir, examples, out_dir,
             FinetuneConfig(epochs=config.epochs, batch_size=config.batch_size, learning_rate=config.learning_rate,
                            seed=config.seed, threads=config.threads, lexical_weight=mix.lexical, rules_weight=mix.rules),
             version=version)
    note("evaluating on the frozen test split")
    old_clf = load_classifier(current_dir, threads=config.threads)
    new_clf = load_classifier(out_dir, threads=config.threads)
    old, new = evaluate_classifier(old_clf, test), evaluate_classifier(new_clf, test)
    decision = decide(old, new, config.max_label_drop)
    result = RetrainResult(version, Path(out_dir), old, new, decision.promote,
                           regressions(old, new, config.max_label_drop), len(kept), dropped, len(examples),
                           data_hash(examples), 0.0, reason=decision.reason)
    result.hints = label_error_hints(new_clf, kept, config.hint_threshold)
    result.seconds = time.perf_counter() - started
    result.config = asdict(config)
    result.split = {"test_reports": sorted(TEST_REPORTS) if from_gold else [], "n_test": len(test),
                    "sources": dict(Counter(e.source for e in test)), "test_hash": data_hash(test)}
    record = result.metrics()
    Path(out_dir, "metrics.json").write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    log.info("retrained %s: macro-F1 %.4f -> %.4f (%s) in %.0fs", version, old.macro_f1, new.macro_f1,
             record["decision"], result.seconds)
    return result
