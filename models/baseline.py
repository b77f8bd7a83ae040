"""Baselines for sentence topics: TF-IDF (jieba words + character n-grams) with logistic regression, and keyword rules."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nlp.segment import words

LABELS: tuple[str, ...] = ("problem", "measure", "mechanism", "other")


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


_PROBLEM = re.compile(r"有待|仍需|尚需|还需|不够|不足|不到位|不及时|不规范|差距|薄弱|单一|不高|存在.{0,12}问题|欠缺|滞后|偏低|较少")
_MECHANISM = re.compile(r"制度|机制|领导小组|责任制|办法》|规定》|工作规程|联席会议|考核")
_MEASURE = re.compile(r"加强|推进|提升|优化|加大|强化|深化|做好|开展|抓好|完善|拓展|改进|发布|组织|及时|下一步")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])\S{0,30}$")


def keyword_rule(text: str) -> str:
    """The keyword rules the evaluator used before the model: problem words, then mechanism, then action verbs."""
    t = text.strip()
    if not t or _HEADING.match(t):
        return "other"
    if _PROBLEM.search(t) and not re.match(r"^(?:下一步|针对|我们将|将)", t):
        return "problem"
    if _MECHANISM.search(t):
        return "mechanism"
    if _MEASURE.search(t):
        return "measure"
    return "other"


def keyword_rules(texts: Sequence[str]) -> list[str]:
    """`keyword_rule` over many texts."""
    return [keyword_rule(t) for t in texts]
