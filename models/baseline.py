"""Baselines for sentence topics: TF-IDF (jieba words + character n-grams) with logistic regression, and keyword rules."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from models.topic_input import TopicInput, as_input, section_mark
from nlp.segment import words
from nlp.vocabulary import (
    LABELS,
    MEASURE_WORDS,
    MECHANISM_WORDS,
    PLAN_OPENING,
    PLAN_PATTERN,
    PROBLEM_PATTERN,
    PROBLEM_WORDS,
    SHORT_HEADING,
    alternation,
)


def jieba_analyzer(text: str) -> list[str]:
    """The jieba words of a text, blanks dropped."""
    return [w for w in words(text) if w.strip()]


@dataclass
class TfidfBaseline:
    """TF-IDF over jieba words and character 1–3-grams, then a balanced logistic regression."""

    C: float = 4.0
    seed: int = 0
    pipeline: Any = field(default=None, repr=False)

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> TfidfBaseline:
        """Train on texts and labels."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, make_pipeline

        features = FeatureUnion([
            ("words", TfidfVectorizer(analyzer=jieba_analyzer, sublinear_tf=True, min_df=1)),
            ("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2)),
        ])
        model = LogisticRegression(C=self.C, max_iter=2000, class_weight="balanced", random_state=self.seed)
        self.pipeline = make_pipeline(features, model).fit(list(texts), list(labels))
        return self

    def predict_proba(self, texts: Sequence[str]) -> Any:
        """Probabilities per text, columns in LABELS order (a label unseen in training gets 0)."""
        import numpy as np

        raw = self.pipeline.predict_proba(list(texts))
        out = np.zeros((len(texts), len(LABELS)))
        for j, lab in enumerate(self.pipeline.classes_):
            out[:, LABELS.index(lab)] = raw[:, j]
        return out

    def predict(self, texts: Sequence[str]) -> list[str]:
        """One label per text."""
        return [str(x) for x in self.pipeline.predict(list(texts))]


# The word lists are those the shipped topic model was fitted with (see nlp.vocabulary).
_PROBLEM = re.compile(f"{alternation(PROBLEM_WORDS)}|{PROBLEM_PATTERN}")
_MECHANISM = re.compile(alternation(MECHANISM_WORDS))
_MEASURE = re.compile(alternation(MEASURE_WORDS))
_PLAN = re.compile(PLAN_OPENING)
_PLANNED = re.compile(PLAN_PATTERN)


def keyword_rule(item: str | TopicInput) -> str:
    """The keyword rules the evaluator used before the model: problem words, then mechanism, then action verbs.

    Under label set v2 the role decides: in section 五 (after its problems) a mechanism or an action is an
    improvement step (measure); elsewhere an action that is not a plan is the year's work (practice). The rules
    read the section when it is known, and keep v1's answers when it is not."""
    x = as_input(item)
    t = x.text.strip()
    if not t or SHORT_HEADING.match(t):
        return "other"
    if _PROBLEM.search(t) and not _PLAN.match(t):
        return "problem"
    mark = section_mark(x.section) if "practice" in LABELS else ""
    if _MECHANISM.search(t):
        return "measure" if mark == "五" or (mark and _PLANNED.search(t)) else "mechanism"
    if _MEASURE.search(t):
        return "practice" if mark and mark != "五" and not _PLANNED.search(t) else "measure"
    return "other"


def keyword_rules(items: Sequence[str | TopicInput]) -> list[str]:
    """`keyword_rule` over many sentences."""
    return [keyword_rule(t) for t in items]
