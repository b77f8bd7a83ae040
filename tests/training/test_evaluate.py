"""Tests of the scoring used by `nianbao train evaluate`."""

from __future__ import annotations

import pytest

from nlp.vocabulary import LABELS_V1
from training.data import corpus_dir
from training.evaluate import format_scores, score, scores_from_json, scores_to_json, weak_agreement


def test_score_by_hand() -> None:
    gold = ["problem", "problem", "measure", "mechanism", "other", "other"]
    pred = ["problem", "measure", "measure", "mechanism", "other", "problem"]
    s = score("x", gold, pred, LABELS_V1)
    assert s.per_label["problem"][:3] == pytest.approx((0.5, 0.5, 0.5))
    assert s.per_label["measure"][:3] == pytest.approx((0.5, 1.0, 2 / 3))
    assert s.per_label["mechanism"][:3] == pytest.approx((1.0, 1.0, 1.0))
    assert s.per_label["other"][:3] == pytest.approx((1.0, 0.5, 2 / 3))
    assert s.macro_f1 == pytest.approx((0.5 + 2 / 3 + 1 + 2 / 3) / 4)
    assert s.accuracy == pytest.approx(4 / 6)
    assert s.confusion[0] == [1, 1, 0, 0]
    assert "macro-F1 0.708" in format_scores(s)


def test_recorded_metrics_read_back_as_scores() -> None:
    gold = ["problem", "measure", "measure", "other"]
    s = score("model (v1)", gold, ["problem", "measure", "other", "other"], LABELS_V1)
    back = scores_from_json(scores_to_json([s]))
    assert [b.name for b in back] == ["model (v1)"]
    assert back[0].confusion == s.confusion and back[0].macro_f1 == round(s.macro_f1, 4)
    assert back[0].per_label["measure"] == (1.0, 0.5, 0.6667, 2)
    retrained = {"new": {"name": "v2", "macro_f1": 0.5, "accuracy": 0.75, "confusion": s.confusion,
                         "per_label": {"other": {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "n": 1}}}}
    assert [(b.name, b.macro_f1) for b in scores_from_json(retrained)] == [("v2", 0.5)]


@pytest.mark.skipif(not corpus_dir().is_dir(), reason="real corpus not present")
def test_weak_agreement_is_measured_on_gold() -> None:
    stats = weak_agreement()
    assert stats["combined"]["coverage"] > 0.6
    assert stats["combined"]["accuracy"] > 0.8
    assert stats["lf_heading"]["accuracy"] > 0.95


@pytest.mark.skipif(not corpus_dir().is_dir(), reason="real corpus not present")
def test_shipped_model_beats_tfidf_on_the_held_out_reports() -> None:
    from training.evaluate import evaluate_all

    results = {s.name.split(" (")[0]: s for s in evaluate_all()}
    assert set(results) == {"transformer", "network alone", "tfidf+logreg", "keyword rules"}
    assert sum(map(sum, results["tfidf+logreg"].confusion)) == 228
    assert results["transformer"].macro_f1 >= 0.88
    # Under label set 2 the network, which reads the section and the previous sentence, beats the bag of words.
    assert results["network alone"].macro_f1 > results["tfidf+logreg"].macro_f1
    # The mix must add to each of its parts, or it is not worth shipping.
    assert results["transformer"].macro_f1 > results["network alone"].macro_f1
