"""Cross-validation by reporting body: each gold sentence is predicted by a model that never saw its body's reports."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from models.baseline import TfidfBaseline, keyword_rules
from models.topic_input import marked_text
from models.topics import LABELS, TopicInput, load_classifier
from training.data import N_SYNTH, Example, training_examples
from training.finetune import FinetuneConfig, finetune

# (training examples, sentences to label with their context) -> probabilities, one row per sentence, columns in
# LABELS order.
System = Callable[[Sequence[Example], Sequence[TopicInput]], np.ndarray]


def body_of(file: str) -> str:
    """The reporting body of a corpus file: its name up to the year, so sibling years share one fold."""
    name = Path(file).name
    match = re.match(r"(.+?)-(?:19|20)\d\d", name)
    return match.group(1) if match else name


@dataclass(frozen=True)
class Fold:
    """One body's gold sentences, held out from training together with every file of that body."""

    body: str
    held_out: frozenset[str]
    test: tuple[Example, ...]


def folds_by_body(gold: Sequence[Example], files: Sequence[str] | None = None) -> list[Fold]:
    """One fold per body among the gold files; `files` (all corpus files) widens what each fold holds out."""
    every = set(files or ()) | {g.file for g in gold}
    out = []
    for body in sorted({body_of(g.file) for g in gold}):
        held = frozenset(f for f in every if body_of(f) == body)
        out.append(Fold(body, held, tuple(g for g in gold if g.file in held)))
    return out


def out_of_fold(system: System, folds: Sequence[Fold], n_synth: int = N_SYNTH, root: Path | None = None) -> np.ndarray:
    """Probabilities for every fold's test sentences (in fold order) from models trained without that fold."""
    rows = []
    for fold in folds:
        train = training_examples(n_synth=n_synth, root=root, held_out=fold.held_out)
        rows.append(system(train, [e.as_input() for e in fold.test]))
    return np.vstack(rows) if rows else np.zeros((0, len(LABELS)))


def tfidf_system(train: Sequence[Example], items: Sequence[TopicInput]) -> np.ndarray:
    """TF-IDF + logistic regression probabilities (of the text alone)."""
    return TfidfBaseline().fit([e.text for e in train], [e.label for e in train]).predict_proba([x.text for x in items])


def tfidf_section_system(train: Sequence[Example], items: Sequence[TopicInput]) -> np.ndarray:
    """TF-IDF + logistic regression probabilities of the text led by its section mark (models.topic_input)."""
    model = TfidfBaseline().fit([marked_text(e.as_input()) for e in train], [e.label for e in train])
    return model.predict_proba([marked_text(x) for x in items])


def rules_system(_train: Sequence[Example], items: Sequence[TopicInput]) -> np.ndarray:
    """The keyword rules as one-hot rows (they need no training; they read the section)."""
    return np.eye(len(LABELS))[[LABELS.index(lab) for lab in keyword_rules(items)]]


def transformer_system(base: str | Path, config: FinetuneConfig | None = None) -> System:
    """Fine-tune `base` on each fold's training data in a scratch folder and return the network's own
    probabilities (no lexical head or rules mixed in, whatever `config` says: `mix` does that)."""
    network_alone = replace(config or FinetuneConfig(), lexical_weight=0.0, rules_weight=0.0)

    def run(train: Sequence[Example], items: Sequence[TopicInput]) -> np.ndarray:
        with tempfile.TemporaryDirectory(prefix="nianbao-cv-") as tmp:
            finetune(base, train, tmp, network_alone)
            clf = load_classifier(tmp)
            return np.array([[p[2][lab] for lab in LABELS] for p in clf.classify(items, component="network")])

    return run


def labels_of(probabilities: np.ndarray) -> list[str]:
    """The most probable label of each row."""
    return [LABELS[i] for i in probabilities.argmax(axis=1)]
