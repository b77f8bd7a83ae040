"""The lexical topic head: a fitted TF-IDF + logistic regression stored as plain JSON and applied with numpy."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.baseline import TfidfBaseline, jieba_analyzer

FILE_NAME = "lexical.json"
_SPACES = re.compile(r"\s\s+")


@dataclass(frozen=True)
class LexicalHead:
    """Vocabularies, idf weights and the linear layer of a fitted `TfidfBaseline`, without pickle or sklearn."""

    labels: tuple[str, ...]
    word_vocab: dict[str, int]
    word_idf: np.ndarray
    char_vocab: dict[str, int]
    char_idf: np.ndarray
    char_ngrams: tuple[int, int]
    coef: np.ndarray  # (labels, word features + char features)
    intercept: np.ndarray

    @classmethod
    def from_baseline(cls, baseline: TfidfBaseline, labels: Sequence[str]) -> LexicalHead:
        """Export a fitted baseline, with its rows of coefficients reordered to `labels`."""
        union, model = baseline.pipeline.steps[0][1], baseline.pipeline.steps[1][1]
        words, chars = dict(union.transformer_list)["words"], dict(union.transformer_list)["chars"]
        order = [list(model.classes_).index(lab) for lab in labels]
        return cls(tuple(labels), {k: int(v) for k, v in words.vocabulary_.items()}, words.idf_.copy(),
                   {k: int(v) for k, v in chars.vocabulary_.items()}, chars.idf_.copy(), tuple(chars.ngram_range),
                   model.coef_[order].copy(), model.intercept_[order].copy())

    def save(self, directory: str | Path) -> Path:
        """Write `lexical.json` into a model directory."""
        path = Path(directory) / FILE_NAME
        # Vocabularies sorted by term: sklearn's dicts keep first-seen order, which spells out the training text.
        record = {
            "labels": list(self.labels), "char_ngrams": list(self.char_ngrams),
            "word_vocab": dict(sorted(self.word_vocab.items())), "word_idf": self.word_idf.round(6).tolist(),
            "char_vocab": dict(sorted(self.char_vocab.items())), "char_idf": self.char_idf.round(6).tolist(),
            "coef": self.coef.round(6).tolist(), "intercept": self.intercept.round(6).tolist(),
        }
        path.write_text(json.dumps(record, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | Path) -> LexicalHead:
        """Read `lexical.json`; a malformed file raises ValueError naming it."""
        try:
            r = json.loads(Path(path).read_text(encoding="utf-8"))
            head = cls(tuple(r["labels"]), dict(r["word_vocab"]), np.asarray(r["word_idf"], dtype=float),
                       dict(r["char_vocab"]), np.asarray(r["char_idf"], dtype=float), tuple(r["char_ngrams"]),
                       np.asarray(r["coef"], dtype=float), np.asarray(r["intercept"], dtype=float))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"lexical head {path} is unreadable: {type(exc).__name__}: {exc}") from exc
        width = len(head.word_vocab) + len(head.char_vocab)
        if head.coef.shape != (len(head.labels), width) or head.intercept.shape != (len(head.labels),):
            raise ValueError(f"lexical head {path} has coefficients of shape {head.coef.shape}, expected "
                             f"({len(head.labels)}, {width})")
        return head

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities per text, columns in `self.labels` order; the same numbers sklearn's pipeline gives."""
        n_words = len(self.word_vocab)
        logits = np.tile(self.intercept, (len(texts), 1))
        for i, text in enumerate(texts):
            cols, vals = [], []
            for offset, vocab, idf, grams in ((0, self.word_vocab, self.word_idf, jieba_analyzer(text)),
                                              (n_words, self.char_vocab, self.char_idf, self._char_grams(text))):
                counts = Counter(vocab[g] for g in grams if g in vocab)
                weights = {j: (1.0 + math.log(c)) * idf[j] for j, c in counts.items()}
                norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
                cols.extend(offset + j for j in weights)
                vals.extend(w / norm for w in weights.values())
            # The sparse row times the coefficients, gathered by column: scipy.sparse would cost 0.4 s of import.
            if cols:
                logits[i] += self.coef[:, cols] @ np.asarray(vals)
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def _char_grams(self, text: str) -> list[str]:
        # sklearn's "char" analyzer: lowercase, whitespace runs collapsed to one space, then n-grams.
        t = _SPACES.sub(" ", text.lower())
        low, high = self.char_ngrams
        return [t[i : i + n] for n in range(low, high + 1) for i in range(len(t) - n + 1)]
