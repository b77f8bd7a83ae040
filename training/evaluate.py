"""Measure the topic model, the TF-IDF baseline and the keyword rules on the held-out gold reports."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from models.baseline import TfidfBaseline, keyword_rules
from models.topics import LABELS, Mix, load_classifier
from nlp.pipeline import parse_file
from training.data import Example, corpus_dir, corpus_reports, heldout_examples, load_gold, training_examples
from training.weak import LABELLING_FUNCTIONS, contexts_of, weak_label

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scores:
    """Per-label precision/recall/F1, macro-F1, accuracy and the confusion matrix (rows gold, columns predicted)."""

    name: str
    per_label: dict[str, tuple[float, float, float, int]]
    macro_f1: float
    accuracy: float
    confusion: list[list[int]]


def score(name: str, gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABELS) -> Scores:
    """Scores of predictions against gold labels (a label never predicted nor present scores 0)."""
    if len(gold) != len(pred):
        raise ValueError("gold and predicted labels differ in length")
    if not gold:
        return Scores(name, {lab: (0.0, 0.0, 0.0, 0) for lab in labels}, 0.0, 0.0, [[0] * len(labels) for _ in labels])
    confusion = confusion_matrix(gold, pred, labels=list(labels))
    p, r, f, n = precision_recall_fscore_support(gold, pred, labels=list(labels), zero_division=0.0)
    per_label = {lab: (float(p[i]), float(r[i]), float(f[i]), int(n[i])) for i, lab in enumerate(labels)}
    return Scores(name, per_label, float(f.mean()), float(confusion.trace()) / len(gold), confusion.tolist())


def format_scores(s: Scores) -> str:
    """A plain-text table of one system's scores."""
    lines = [f"== {s.name}: macro-F1 {s.macro_f1:.3f}  accuracy {s.accuracy:.3f}",
             f"{'label':<10} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}"]
    for lab, (p, r, f, n) in s.per_label.items():
        lines.append(f"{lab:<10} {p:6.3f} {r:6.3f} {f:6.3f} {n:5d}")
    labels = list(s.per_label)
    lines.append("confusion (rows gold, cols predicted): " + " ".join(f"{lab[:5]:>6}" for lab in labels))
    for lab, row in zip(labels, s.confusion, strict=True):
        lines.append(f"{'':<39}{lab[:5]:<6}" + " ".join(f"{v:6d}" for v in row))
    return "\n".join(lines)


def weak_agreement(gold: Sequence[Example] | None = None) -> dict[str, dict[str, float]]:
    """Coverage and accuracy of each labelling function (and of their combination) against the gold set."""
    gold = list(gold if gold is not None else load_gold())
    reports = dict(corpus_reports())
    stats: dict[str, list[int]] = {lf.__name__: [0, 0] for lf in LABELLING_FUNCTIONS}
    stats["combined"] = [0, 0]
    contexts: dict[str, dict] = {}
    for e in gold:
        if e.file not in contexts:
            # A gold report the corpus listing leaves out (read, but not ok) is parsed for its contexts anyway.
            report = reports.get(e.file) or parse_file(str(corpus_dir() / e.file))
            spans = [(s.start, s.end, s.section) for s in report.sentences]
            contexts[e.file] = dict(zip([(a, b) for a, b, _ in spans], contexts_of(report.text, spans), strict=True))
        ctx = contexts[e.file].get((e.start, e.end))
        if ctx is None:
            continue
        for lf in [*LABELLING_FUNCTIONS, None]:
            vote = lf(ctx) if lf else weak_label(ctx)
            if vote is not None:
                key = lf.__name__ if lf else "combined"
                stats[key][0] += 1
                stats[key][1] += vote == e.label
    n = max(1, len(gold))
    return {k: {"coverage": c / n, "accuracy": (a / c if c else 0.0), "n": c} for k, (c, a) in stats.items()}


def evaluate_all(model_dir: str | Path | None = None, root: Path | None = None) -> list[Scores]:
    """The topic model, TF-IDF + logistic regression (trained on the same training data) and the keyword rules,
    all on the held-out gold reports."""
    test = heldout_examples(root)
    if not test:
        return []
    texts, gold, inputs = [e.text for e in test], [e.label for e in test], [e.as_input() for e in test]
    train = training_examples(root=root)
    tfidf = TfidfBaseline().fit([e.text for e in train], [e.label for e in train])
    out = []
    if model_dir is not None or Path(load_classifier.__globals__["DEFAULT_MODEL_DIR"]).exists():
        clf = load_classifier(model_dir)
        mixed = clf.mix.network < 1
        shares = f", mixed {clf.mix.network:g}/{clf.mix.lexical:g}/{clf.mix.rules:g}" if mixed else ""
        out.append(score(f"transformer ({clf.version}{shares})", gold, [p[0] for p in clf.classify(inputs)]))
        if mixed:  # the network's own score too, so a mix never hides a weak network
            alone = replace(clf, mix=Mix())
            out.append(score(f"network alone ({clf.version})", gold, [p[0] for p in alone.classify(inputs)]))
    out.append(score("tfidf+logreg", gold, tfidf.predict(texts)))
    out.append(score("keyword rules", gold, keyword_rules(inputs)))
    return out


def scores_from_json(record: dict) -> list[Scores]:
    """The systems of a metrics.json record as Scores: every system of a shipped model's evaluation, or the
    new model's line of a retraining run."""
    systems = record.get("systems") or ({record["new"]["name"]: record["new"]} if "new" in record else {})
    return [Scores(name, {lab: (v["precision"], v["recall"], v["f1"], v["n"]) for lab, v in rec["per_label"].items()},
                   rec["macro_f1"], rec["accuracy"], rec["confusion"]) for name, rec in systems.items()]


def evaluate_on(model_dir: str | Path | None, test: Sequence[Example], name: str) -> list[Scores]:
    """The topic model and the keyword rules on a given test split (e.g. a deployment's own)."""
    inputs, gold = [e.as_input() for e in test], [e.label for e in test]
    clf = load_classifier(model_dir)
    return [score(f"transformer ({clf.version}) on {name}", gold, [p[0] for p in clf.classify(inputs)]),
            score(f"keyword rules on {name}", gold, keyword_rules(inputs))]


def scores_to_json(results: Sequence[Scores]) -> dict:
    """The metrics.json record of an evaluation."""
    from training.data import TEST_REPORTS, data_hash

    return {
        "split": {"test_reports": sorted(TEST_REPORTS), "n_test": sum(sum(r) for r in results[0].confusion) if results else 0,
                  "test_hash": data_hash(heldout_examples())},
        "systems": {
            s.name: {"macro_f1": round(s.macro_f1, 4), "accuracy": round(s.accuracy, 4),
                     "per_label": {k: {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "n": n}
                                   for k, (p, r, f, n) in s.per_label.items()},
                     "confusion": s.confusion}
            for s in results
        },
    }
