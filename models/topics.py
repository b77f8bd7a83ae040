"""Sentence-topic classifier: load a local transformers model and label sentences problem/measure/mechanism/other."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from models.baseline import keyword_rules
from models.lexical import FILE_NAME as LEXICAL_FILE
from models.lexical import LexicalHead
from nlp.report import Report
from nlp.vocabulary import LABELS

log = logging.getLogger(__name__)

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "topic_model"
MAX_CHARS = 5000
MAX_TOKENS = 128

Prediction = tuple[str, float, dict[str, float]]


class ModelError(RuntimeError):
    """The model directory is missing, unreadable, or has the wrong labels."""


@dataclass
class TopicClassifier:
    """A loaded topic model: tokenizer, network, labels and the version stamped on predictions."""

    path: Path
    tokenizer: Any
    model: Any
    labels: tuple[str, ...]
    version: str
    batch_size: int = 64
    mix: Mix = field(default_factory=lambda: Mix())
    lexical: LexicalHead | None = None  # loaded only when the mix gives it a share

    def classify(self, texts: Sequence[str]) -> list[Prediction]:
        """(label, confidence, scores) per text; empty text is `other` with confidence 1."""
        import torch

        results: list[Prediction | None] = [None] * len(texts)
        cleaned = []
        for i, text in enumerate(texts):
            t = (text or "").strip()
            if not t:
                results[i] = ("other", 1.0, {lab: float(lab == "other") for lab in self.labels})
                continue
            if len(t) > MAX_CHARS:
                log.warning("sentence %d has %d characters; truncated to %d", i, len(t), MAX_CHARS)
                t = t[:MAX_CHARS]
            cleaned.append((i, t))
        # Sorting by length keeps padding small inside each batch.
        cleaned.sort(key=lambda it: len(it[1]))
        with torch.inference_mode():
            for b in range(0, len(cleaned), self.batch_size):
                chunk = cleaned[b : b + self.batch_size]
                enc = self.tokenizer([t for _, t in chunk], truncation=True, max_length=MAX_TOKENS,
                                     padding=True, return_tensors="pt")
                probs = self._mixed(torch.softmax(self.model(**enc).logits.float(), dim=-1).numpy(),
                                    [t for _, t in chunk]).tolist()
                for (i, _), p in zip(chunk, probs, strict=True):
                    best = max(range(len(p)), key=p.__getitem__)
                    results[i] = (self.labels[best], float(p[best]),
                                  {lab: round(float(x), 6) for lab, x in zip(self.labels, p, strict=True)})
        return [r for r in results if r is not None]

    def _mixed(self, network: np.ndarray, texts: list[str]) -> np.ndarray:
        # Only the parts with a share are computed.
        lexical = self.lexical.predict_proba(texts) if self.mix.lexical and self.lexical is not None else None
        rules = np.eye(len(self.labels))[[self.labels.index(x) for x in keyword_rules(texts)]] if self.mix.rules else None
        return self.mix.apply(network, lexical, rules)


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


def load_classifier(path: str | Path | None = None, *, quantize: bool = False, threads: int | None = 2) -> TopicClassifier:
    """Load the topic model from a local directory (default: the shipped one); never reaches a model hub."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    if threads:
        torch.set_num_threads(threads)
    model_dir = Path(path) if path else DEFAULT_MODEL_DIR
    _check_dir(model_dir)
    try:
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"topic model config is unreadable: {model_dir / 'config.json'}: {exc}") from exc
    id2label = config.get("id2label") or {}
    labels = tuple(id2label[k] for k in sorted(id2label, key=int))
    if set(labels) != set(LABELS):
        raise ModelError(f"topic model at {model_dir} has labels {list(labels)}, expected {list(LABELS)}")
    started = time.perf_counter()
    # A progress bar per load is noise on a command line and in batch logs.
    hf_logging.disable_progress_bar()
    try:
        tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
        model = AutoModelForSequenceClassification.from_pretrained(model_dir, local_files_only=True).eval()
    except Exception as exc:  # any loader failure is a broken directory for the user, named as such
        raise ModelError(f"cannot load topic model from {model_dir}: {type(exc).__name__}: {exc}") from exc
    if quantize:
        model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    try:
        mix = Mix.of_config(config)
    except ValueError as exc:
        raise ModelError(f"topic model {model_dir / 'config.json'}: {exc}") from exc
    lexical = _load_lexical(model_dir, labels) if mix.lexical > 0 else None
    version = str(config.get("nianbao_version") or model_dir.name)
    log.debug("loaded topic model %s (%s) in %.2fs", model_dir, version, time.perf_counter() - started)
    return TopicClassifier(model_dir, tokenizer, model, labels, version, mix=mix, lexical=lexical)


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


def classify(texts: Sequence[str], classifier: TopicClassifier | None = None) -> list[Prediction]:
    """(label, confidence, scores) for each text, with the default model unless one is given."""
    return (classifier or load_classifier()).classify(texts)


def classify_report(report: Report, classifier: TopicClassifier) -> Report:
    """A copy of the report with every sentence's topic, confidence and model version filled."""
    if not report.sentences:
        return report
    preds = classifier.classify([report.text[s.start : s.end] for s in report.sentences])
    sentences = tuple(
        replace(s, topic=label, confidence=round(conf, 4), model=classifier.version)
        for s, (label, conf, _) in zip(report.sentences, preds, strict=True)
    )
    return replace(report, sentences=sentences)
