"""Sentence-topic classifier: load a local topic model (numpy inference) and label sentences with LABELS."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from models.baseline import keyword_rules
from models.encoder import WEIGHTS_FILE, NumpyBert, softmax
from models.lexical import FILE_NAME as LEXICAL_FILE
from models.lexical import LexicalHead
from models.topic_input import PREVIOUS_TOKENS, InputEncoder, TopicInput, as_input, marked_text
from nlp.report import Report
from nlp.vocabulary import LABEL_SET_VERSION, LABEL_SETS, LABELS

log = logging.getLogger(__name__)

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "topic_model"
MAX_CHARS = 5000
MAX_TOKENS = 128

Prediction = tuple[str, float, dict[str, float]]
# The parts of the mix that `classify --component` can print alone.
COMPONENTS = ("mix", "network", "lexical", "rules")


class ModelError(RuntimeError):
    """The model directory is missing, unreadable, or has the wrong labels."""


@dataclass
class TopicClassifier:
    """A loaded topic model: input encoder, network, labels and the version stamped on predictions."""

    path: Path
    encoder: InputEncoder
    network: NumpyBert
    labels: tuple[str, ...]
    version: str
    batch_size: int = 64
    mix: Mix = field(default_factory=lambda: Mix())
    lexical: LexicalHead | None = None  # loaded only when the mix gives it a share or it is asked for alone
    lexical_context: bool = False  # the lexical head reads the section mark (models.topic_input.marked_text)

    def classify(self, items: Sequence[str | TopicInput], component: str = "mix") -> list[Prediction]:
        """(label, confidence, scores) per sentence (a string, or a TopicInput with its section and previous
        sentence); empty text is `other` with confidence 1. `component` picks one part of the mix alone."""
        if component not in COMPONENTS:
            raise ValueError(f"component must be one of {', '.join(COMPONENTS)}, got {component!r}")
        if component == "lexical" and self.lexical is None:
            raise ModelError(f"topic model {self.path} has no lexical head ({LEXICAL_FILE})")
        results: list[Prediction | None] = [None] * len(items)
        cleaned: list[tuple[int, TopicInput]] = []
        for i, item in enumerate(items):
            x = as_input(item)
            t = (x.text or "").strip()
            if not t:
                results[i] = ("other", 1.0, {lab: float(lab == "other") for lab in self.labels})
                continue
            if len(t) > MAX_CHARS:
                log.warning("sentence %d has %d characters; truncated to %d", i, len(t), MAX_CHARS)
                t = t[:MAX_CHARS]
            cleaned.append((i, TopicInput(t, x.section, (x.previous or "")[-MAX_CHARS:] or None)))
        # Sorting by length (the previous sentence's kept tail too) keeps padding small inside each batch.
        context = PREVIOUS_TOKENS if self.encoder.context else 0
        cleaned.sort(key=lambda it: len(it[1].text) + min(len(it[1].previous or ""), context))
        for b in range(0, len(cleaned), self.batch_size):
            chunk = cleaned[b : b + self.batch_size]
            probs = self.probabilities([x for _, x in chunk], component).tolist()
            for (i, _), p in zip(chunk, probs, strict=True):
                best = max(range(len(p)), key=p.__getitem__)
                results[i] = (self.labels[best], float(p[best]),
                              {lab: round(float(x), 6) for lab, x in zip(self.labels, p, strict=True)})
        return [r for r in results if r is not None]

    def probabilities(self, inputs: Sequence[TopicInput], component: str = "mix") -> np.ndarray:
        """Probabilities (inputs, labels) of one component or of the mix; only the parts with a share are computed."""
        texts = [marked_text(x) if self.lexical_context else x.text for x in inputs]
        if component == "lexical":
            assert self.lexical is not None
            return self.lexical.predict_proba(texts)
        rules = self._rules(inputs) if component == "rules" or (component == "mix" and self.mix.rules) else None
        if component == "rules":
            assert rules is not None
            return rules
        network = softmax(self.network.logits(*self.encoder.pad(self.encoder.encode(inputs))))
        if component == "network":
            return network
        lexical = self.lexical.predict_proba(texts) if self.mix.lexical and self.lexical is not None else None
        return self.mix.apply(network, lexical, rules)

    def _rules(self, inputs: Sequence[TopicInput]) -> np.ndarray:
        return np.eye(len(self.labels))[[self.labels.index(x) for x in keyword_rules(inputs)]]


@dataclass(frozen=True)
class Mix:
    """Shares of the averaged probabilities: the network gets what the lexical head and the keyword rules leave.

    Three systems that err differently (a character network, word and n-gram TF-IDF, hand-written cue
    rules) vote with their probabilities; `benchmarks/topic_crossval.py` measures every share.
    """

    lexical: float = 0.0
    rules: float = 0.0

    @property
    def network(self) -> float:
        """The network's share."""
        return round(1.0 - self.lexical - self.rules, 6)

    def apply(self, network: np.ndarray, lexical: np.ndarray | None = None, rules: np.ndarray | None = None) -> np.ndarray:
        """The averaged probabilities; a part given as None contributes nothing."""
        out = self.network * network
        for share, part in ((self.lexical, lexical), (self.rules, rules)):
            if share and part is not None:
                out = out + share * part
        return out

    @classmethod
    def of_config(cls, config: dict[str, Any]) -> Mix:
        """The shares recorded in a model's config.json (the network alone when none are)."""
        mix = cls(float(config.get("nianbao_lexical_weight") or 0.0), float(config.get("nianbao_rules_weight") or 0.0))
        if min(mix.lexical, mix.rules) < 0 or mix.network <= 0:
            raise ValueError(f"shares must be >= 0 and leave the network a positive share, got {mix}")
        return mix


def _check_dir(path: Path) -> None:
    if not path.is_dir():
        raise ModelError(f"topic model directory not found: {path}")
    missing = [n for n in ("config.json",) if not (path / n).is_file()]
    if not any((path / n).is_file() for n in ("model.safetensors", "pytorch_model.bin")):
        missing.append("model.safetensors")
    if missing:
        raise ModelError(f"topic model directory {path} is incomplete: missing {', '.join(missing)}")


def load_classifier(path: str | Path | None = None, *, threads: int | None = 1, lexical: bool = False) -> TopicClassifier:
    """Load the topic model from a local directory (default: the shipped one) with numpy only: no torch, no
    model hub. `threads` bounds the BLAS threads: one, because batches are small and two threads wait on each
    other on a busy machine (3x slower in benchmarks/topic_speed.py); `lexical` loads the TF-IDF head even when
    the mix gives it no share (to print it alone)."""
    model_dir = Path(path) if path else DEFAULT_MODEL_DIR
    _check_dir(model_dir)
    try:
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"topic model config is unreadable: {model_dir / 'config.json'}: {exc}") from exc
    id2label = config.get("id2label") or {}
    labels = tuple(id2label[k] for k in sorted(id2label, key=int))
    _check_labels(model_dir, labels)
    if not (model_dir / WEIGHTS_FILE).is_file():
        raise ModelError(f"topic model directory {model_dir} has no {WEIGHTS_FILE} (a torch-only checkpoint); "
                         "re-save it with safetensors")
    started = time.perf_counter()
    if threads:
        from threadpoolctl import threadpool_limits

        threadpool_limits(threads, user_api="blas")
    try:
        encoder = InputEncoder.load(model_dir, config, MAX_TOKENS)
        network = NumpyBert.load(model_dir, config)
    except Exception as exc:  # any loader failure is a broken directory for the user, named as such
        raise ModelError(f"cannot load topic model from {model_dir}: {type(exc).__name__}: {exc}") from exc
    if network.n_labels != len(labels):
        raise ModelError(f"cannot load topic model from {model_dir}: the head has {network.n_labels} outputs "
                         f"for {len(labels)} labels")
    try:
        mix = Mix.of_config(config)
    except ValueError as exc:
        raise ModelError(f"topic model {model_dir / 'config.json'}: {exc}") from exc
    head = _load_lexical(model_dir, labels) if mix.lexical > 0 or (lexical and (model_dir / LEXICAL_FILE).is_file()) \
        else None
    version = str(config.get("nianbao_version") or model_dir.name)
    log.debug("loaded topic model %s (%s) in %.2fs", model_dir, version, time.perf_counter() - started)
    return TopicClassifier(model_dir, encoder, network, labels, version, mix=mix, lexical=head,
                           lexical_context=bool(config.get("nianbao_lexical_context")))


def _check_labels(model_dir: Path, labels: tuple[str, ...]) -> None:
    if labels == LABELS or (set(labels) == set(LABELS) and len(labels) == len(LABELS)):
        return
    older = next((v for v, known in LABEL_SETS.items() if set(known) == set(labels)), None)
    if older is not None:
        raise ModelError(f"topic model at {model_dir} was trained on label set v{older} {list(labels)}, but this "
                         f"version reads label set v{LABEL_SET_VERSION} {list(LABELS)}: label-set mismatch; "
                         "retrain it (nianbao train finetune) or use the shipped model")
    raise ModelError(f"topic model at {model_dir} has labels {list(labels)}, expected {list(LABELS)} "
                     f"(label set v{LABEL_SET_VERSION})")


def _load_lexical(model_dir: Path, labels: tuple[str, ...]) -> LexicalHead:
    path = model_dir / LEXICAL_FILE
    if not path.is_file():
        raise ModelError(f"topic model {model_dir} declares a lexical head but {path} is missing")
    try:
        head = LexicalHead.load(path)
    except ValueError as exc:
        raise ModelError(str(exc)) from exc
    if head.labels != labels:
        raise ModelError(f"lexical head {path} has labels {list(head.labels)}, the model {list(labels)}")
    return head


def classify(items: Sequence[str | TopicInput], classifier: TopicClassifier | None = None) -> list[Prediction]:
    """(label, confidence, scores) for each sentence, with the default model unless one is given."""
    return (classifier or load_classifier()).classify(items)


def classify_report(report: Report, classifier: TopicClassifier) -> Report:
    """A copy of the report with every sentence's topic, confidence and model version filled."""
    if not report.sentences:
        return report
    preds = classifier.classify(report_inputs(report))
    sentences = tuple(
        replace(s, topic=label, confidence=round(conf, 4), model=classifier.version)
        for s, (label, conf, _) in zip(report.sentences, preds, strict=True)
    )
    return replace(report, sentences=sentences)


def report_inputs(report: Report) -> list[TopicInput]:
    """Each sentence of a report with its section and the sentence before it in the same section."""
    out, before = [], None
    for s in report.sentences:
        text = report.text[s.start : s.end]
        previous = before[1] if before is not None and before[0] == s.section else None
        out.append(TopicInput(text, s.section, previous))
        before = (s.section, text)
    return out
