"""Pure parts of retraining: kappa, the diverse uncertainty queue, the frozen split guard, kept versions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.vocabulary import LABELS_V1
from training.active import char_ngrams, diverse_order, jaccard, uncertainty
from training.agreement import agreement, cohen_kappa
from training.data import Example
from training.evaluate import score
from training.retrain import Answer, decide, regressions, split_answers, text_key, training_set
from training.versions import VersionStore


def test_cohen_kappa_matches_the_hand_computation() -> None:
    assert cohen_kappa(list("AABB"), list("ABBB")) == pytest.approx(0.5)
    assert cohen_kappa(list("AB"), list("AB")) == 1.0
    assert cohen_kappa(list("AA"), list("AA")) == 1.0
    assert cohen_kappa([], []) is None
    assert cohen_kappa(list("AB"), list("BA")) == pytest.approx(-1.0)


def test_agreement_per_pair_and_per_label() -> None:
    labels = {1: {"a": "problem", "b": "problem"}, 2: {"a": "measure", "b": "other"},
              3: {"a": "other", "b": "other"}, 4: {"a": "measure", "b": "measure", "c": "measure"}}
    report = agreement(labels)
    pairs = {tuple(p["reviewers"]): p for p in report["pairs"]}
    assert pairs[("a", "b")]["n"] == 4 and pairs[("a", "b")]["agreement"] == 0.75
    assert pairs[("a", "c")]["n"] == 1
    assert report["per_label"]["problem"] == 1.0
    assert report["n_items"] == 6


def test_queue_puts_uncertain_first_and_pushes_near_duplicates_back() -> None:
    assert uncertainty({"a": 0.5, "b": 0.5}) == 1.0
    assert uncertainty({"a": 0.9, "b": 0.1}) == pytest.approx(0.2)
    assert uncertainty(None) == 1.0
    texts = ["进一步加强政策解读工作，提升解读质量。", "进一步加强政策解读工作，提升解读质量！",
             "建立依申请公开会商机制。", "全年公开信息三千条。"]
    assert jaccard(char_ngrams(texts[0]), char_ngrams(texts[1])) > 0.8
    order = diverse_order(list(range(4)), texts, [0.9, 0.89, 0.6, 0.1], limit=4)
    assert order[0] == 0 and order[1] == 2, "the near-duplicate waits behind a different sentence"
    assert sorted(order) == [0, 1, 2, 3]
    assert diverse_order(list(range(4)), texts, [0.9, 0.89, 0.6, 0.1], limit=4, penalty=0.0) == [0, 1, 2, 3]


def test_frozen_sentences_never_train_and_answers_replace_weak_labels() -> None:
    test = [Example("部分栏目更新不及时。", "problem", source="gold")]
    answers = [Answer("部分栏目更新不及时。 ", "measure"), Answer("其他句子。", "other", "frozen-sha"),
               Answer("建立会商机制。", "mechanism"), Answer("坏标签。", "nonsense")]
    kept, dropped = split_answers(answers, test, frozenset({"frozen-sha"}))
    assert [a.text for a in kept] == ["建立会商机制。"] and dropped == 2
    base = [Example("建立会商机制。", "measure", source="weak"), Example("别的。", "other", source="synth")]
    merged = training_set(base, kept, weight=2)
    assert [(e.text, e.label, e.source) for e in merged] == [
        ("别的。", "other", "synth"), ("建立会商机制。", "mechanism", "annotation"),
        ("建立会商机制。", "mechanism", "annotation")]
    assert text_key("a b") == text_key("ab")


# Scored over the four v1 topics: the numbers below are worked out for them.
GOLD = [label for label in LABELS_V1 for _ in range(10)]


def _predicted(changes: dict[int, str]) -> list[str]:
    """GOLD with a few predictions changed (index -> predicted label)."""
    return [changes.get(i, g) for i, g in enumerate(GOLD)]


def test_a_tie_keeps_the_current_model() -> None:
    # Mirror-image mistakes: one problem read as measure, or one measure read as problem; same macro-F1.
    old = score("old", GOLD, _predicted({0: "measure"}), LABELS_V1)
    new = score("new", GOLD, _predicted({10: "problem"}), LABELS_V1)
    assert new.macro_f1 == pytest.approx(old.macro_f1)
    assert new.per_label["problem"] != old.per_label["problem"]
    for candidate in (old, new):
        decision = decide(old, candidate)
        assert not decision.promote and "未高于" in decision.reason


def test_a_better_model_is_promoted_and_a_small_regression_is_named() -> None:
    old = score("old", GOLD, _predicted({25: "other", 30: "measure", 37: "problem"}), LABELS_V1)
    new = score("new", GOLD, _predicted({5: "other", 11: "mechanism", 35: "mechanism"}), LABELS_V1)
    assert new.macro_f1 == pytest.approx(0.92596, abs=1e-5) and old.macro_f1 == pytest.approx(0.92356, abs=1e-5)
    rows = {r["label"]: r for r in regressions(old, new)}
    assert rows["mechanism"]["delta"] == pytest.approx(-0.0383, abs=1e-4)
    assert rows["mechanism"]["regressed"] and not rows["mechanism"]["blocking"] and not rows["other"]["regressed"]
    decision = decide(old, new)
    assert decision.promote and decision.reason == "宏 F1 0.9236 → 0.9260，没有主题的 F1 下降超过 0.05"


def test_better_overall_but_one_label_collapsed_keeps_the_current_model() -> None:
    # The old model misses every problem and measure sentence; the new one gets them but loses mechanism.
    old = score("old", GOLD, _predicted({i: "other" for i in range(20)}), LABELS_V1)
    new = score("new", GOLD, _predicted({i: "other" for i in range(20, 30)}), LABELS_V1)
    assert (old.macro_f1, new.macro_f1) == (pytest.approx(0.375), pytest.approx(2 / 3))
    rows = {r["label"]: r for r in regressions(old, new)}
    assert rows["mechanism"]["blocking"] and (rows["mechanism"]["old_f1"], rows["mechanism"]["new_f1"]) == (1.0, 0.0)
    decision = decide(old, new)
    assert not decision.promote and "机制" in decision.reason
    assert decide(old, new, max_label_drop=1.0).promote, "a wide enough margin lets it through"


def test_version_store_seeds_promotes_keeps_and_rolls_back(tmp_path: Path) -> None:
    model = tmp_path / "shipped"
    model.mkdir()
    (model / "metrics.json").write_text(json.dumps({"systems": {"transformer (v0)": {"macro_f1": 0.8}}}))
    (model / "data.json").write_text(json.dumps({"sha256": "abc"}))
    store = VersionStore(tmp_path / "versions")
    assert store.current() is None
    seed = store.seed(model, "v0")
    assert seed.macro_f1 == 0.8 and seed.data_sha256 == "abc" and (seed.path / "metrics.json").exists()
    store.new_dir("v1")
    store.add("v1", "v0", "promoted", 0.82, "def")
    store.new_dir("v2")
    store.add("v2", "v1", "kept", 0.7, "ghi")
    assert store.current().name == "v1"  # type: ignore[union-attr]
    store.set_current("v0", by="admin")
    assert store.current().name == "v0"  # type: ignore[union-attr]
    assert [h["reason"] for h in store.history()] == ["seed", "promoted", "rollback"]
    assert [v.name for v in store.versions()] == ["v0", "v1", "v2"]
    with pytest.raises(FileExistsError):
        store.new_dir("v1")
    with pytest.raises(KeyError):
        store.set_current("missing")
