"""Tests of the lexical head: JSON export of the TF-IDF baseline gives sklearn's probabilities without sklearn."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from models.baseline import TfidfBaseline
from models.lexical import LexicalHead
from models.topics import LABELS
from training.data import load_written


@pytest.fixture(scope="module")
def fitted() -> TfidfBaseline:
    written = load_written()
    return TfidfBaseline().fit([e.text for e in written], [e.label for e in written])


def test_saved_head_reproduces_sklearn_probabilities(fitted: TfidfBaseline, tmp_path: Path) -> None:
    texts = ["下一步将进一步加强政策解读。", "建立健全依申请公开会商机制。", "", "English  and   spaces 123",
             "部分栏目更新不及时" * 40, "（三）政府信息管理"]
    path = LexicalHead.from_baseline(fitted, LABELS).save(tmp_path)
    record = json.loads(path.read_text(encoding="utf-8"))
    for name in ("word_vocab", "char_vocab"):
        # sklearn keeps first-seen order, which would spell the training text: the file lists terms sorted.
        assert list(record[name]) == sorted(record[name]) and len(record[name]) > 100
    head = LexicalHead.load(path)
    ours, theirs = head.predict_proba(texts), fitted.predict_proba(texts)
    assert ours.shape == (len(texts), len(LABELS))
    assert np.abs(ours - theirs).max() < 1e-5
    assert np.allclose(ours.sum(axis=1), 1.0)
    assert head.labels == LABELS


def test_columns_follow_the_requested_label_order(fitted: TfidfBaseline) -> None:
    reordered = tuple(reversed(LABELS))
    head = LexicalHead.from_baseline(fitted, reordered)
    p = head.predict_proba(["建立健全依申请公开会商机制。"])[0]
    q = fitted.predict_proba(["建立健全依申请公开会商机制。"])[0]
    assert [round(x, 5) for x in p] == [round(q[LABELS.index(lab)], 5) for lab in reordered]


def test_malformed_files_name_the_path(fitted: TfidfBaseline, tmp_path: Path) -> None:
    path = LexicalHead.from_baseline(fitted, LABELS).save(tmp_path)
    record = json.loads(path.read_text(encoding="utf-8"))
    record["coef"] = record["coef"][:2]
    path.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(ValueError, match="coefficients of shape"):
        LexicalHead.load(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=str(path)):
        LexicalHead.load(path)
