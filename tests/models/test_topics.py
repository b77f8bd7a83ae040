"""Tests of the shipped topic model: loading, bad model directories, bad input, and filling a Report."""

from __future__ import annotations

import json
import logging
import re
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from models.topics import DEFAULT_MODEL_DIR, LABELS, MAX_CHARS, ModelError, classify_report, load_classifier
from nlp.report import Report, Section, Sentence


@pytest.fixture(scope="module")
def clf():
    return load_classifier()


def test_shipped_model_is_complete_and_small() -> None:
    for name in ("config.json", "model.safetensors", "vocab.txt", "metrics.json", "data.json", "training_config.json"):
        assert (DEFAULT_MODEL_DIR / name).is_file(), name
    size = sum(p.stat().st_size for p in DEFAULT_MODEL_DIR.iterdir() if p.is_file())
    assert size <= 25 * 1024 * 1024
    config = json.loads((DEFAULT_MODEL_DIR / "config.json").read_text(encoding="utf-8"))
    assert set(config["id2label"].values()) == set(LABELS)
    metrics = json.loads((DEFAULT_MODEL_DIR / "metrics.json").read_text(encoding="utf-8"))
    assert "tfidf+logreg" in metrics["systems"]


def test_loads_quickly(clf) -> None:
    # torch/transformers are imported by the fixture: this times loading the model directory itself
    started = time.perf_counter()
    load_classifier()
    assert time.perf_counter() - started < 5  # target 2 s; slack for a busy test machine


def test_classifies_clear_cases(clf) -> None:
    texts = ["部分单位政策解读形式单一，解读质量有待提高。", "下一步将进一步加强业务培训，提升工作人员能力。",
             "建立健全政务公开工作领导小组和联席会议制度。", "六、其他需要报告的事项"]
    got = [label for label, _, _ in clf.classify(texts)]
    assert got == ["problem", "measure", "mechanism", "other"]


def test_bad_input(clf, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="models.topics"):
        out = clf.classify(["", "   ", "The office published 21 documents.", "加强" * (MAX_CHARS)])
    assert out[0] == ("other", 1.0, {lab: float(lab == "other") for lab in LABELS})
    assert out[1][0] == "other"
    assert out[2][0] in LABELS
    assert any("truncated" in r.message for r in caplog.records)
    for label, conf, scores in out:
        assert set(scores) == set(LABELS) and 0 <= conf <= 1 and label in LABELS


def test_missing_directory_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=re.escape(str(tmp_path / "nope"))):
        load_classifier(tmp_path / "nope")


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, target)
    return target


def test_corrupt_weights_name_the_path(tmp_path: Path) -> None:
    target = _copy(tmp_path)
    (target / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(ModelError, match="cannot load topic model from"):
        load_classifier(target)
    (target / "model.safetensors").unlink()
    with pytest.raises(ModelError, match=re.escape("missing model.safetensors")):
        load_classifier(target)


def test_wrong_labels_are_refused(tmp_path: Path) -> None:
    target = _copy(tmp_path)
    config = json.loads((target / "config.json").read_text(encoding="utf-8"))
    config["id2label"] = {"0": "positive", "1": "negative", "2": "neutral", "3": "other"}
    (target / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ModelError, match="expected"):
        load_classifier(target)


def test_classify_report_fills_every_sentence(clf) -> None:
    text = "五、存在的主要问题及改进情况\n政策解读形式不够丰富。下一步将加强政策解读。"
    report = Report(text=text, sections=(Section("s5_problems", "五", 0, len(text)),),
                    sentences=(Sentence(15, 26, "s5_problems"), Sentence(26, len(text), "s5_problems")))
    out = classify_report(report, clf)
    assert [s.topic for s in out.sentences] == ["problem", "measure"]
    assert all(s.model == clf.version and 0 < (s.confidence or 0) <= 1 for s in out.sentences)
    assert report.sentences[0].topic is None  # the input Report is untouched


def test_declared_lexical_head_must_be_present_and_match(tmp_path: Path) -> None:
    target = _copy(tmp_path)
    config = json.loads((target / "config.json").read_text(encoding="utf-8"))
    config["nianbao_lexical_weight"] = 0.4
    (target / "config.json").write_text(json.dumps(config), encoding="utf-8")
    (target / "lexical.json").unlink(missing_ok=True)
    with pytest.raises(ModelError, match=re.escape(str(target / "lexical.json"))):
        load_classifier(target)
    (target / "lexical.json").write_text("[]", encoding="utf-8")
    with pytest.raises(ModelError, match="unreadable"):
        load_classifier(target)


def test_shares_mix_the_network_the_lexical_head_and_the_rules(tmp_path: Path) -> None:
    from models.baseline import TfidfBaseline, keyword_rules
    from models.lexical import LexicalHead

    target = _copy(tmp_path)
    texts = ["建立健全依申请公开会商机制。", "栏目更新不及时。", "全年受理申请21件。"]
    # A head that always answers `other`, so its share shows up exactly in the averaged probabilities.
    fragments = ["栏目更新", "栏目建设", "机制建设", "机制更新", "平台建设", "平台更新"]
    baseline = TfidfBaseline().fit(fragments[: len(LABELS)], list(LABELS))
    head = LexicalHead.from_baseline(baseline, LABELS)
    LexicalHead(head.labels, head.word_vocab, head.word_idf, head.char_vocab, head.char_idf, head.char_ngrams,
                head.coef * 0, 50.0 * (np.array(LABELS) == "other")).save(target)
    config = json.loads((target / "config.json").read_text(encoding="utf-8"))
    config.pop("nianbao_lexical_weight", None)
    config.pop("nianbao_rules_weight", None)
    (target / "config.json").write_text(json.dumps(config), encoding="utf-8")
    alone = load_classifier(target).classify(texts)
    config.update(nianbao_lexical_weight=0.25, nianbao_rules_weight=0.15)
    (target / "config.json").write_text(json.dumps(config), encoding="utf-8")
    mixed = load_classifier(target).classify(texts)
    for (_, _, a), (label, conf, m), rule in zip(alone, mixed, keyword_rules(texts), strict=True):
        for lab in LABELS:
            expected = 0.6 * a[lab] + 0.25 * float(lab == "other") + 0.15 * float(lab == rule)
            assert m[lab] == pytest.approx(expected, abs=1e-5)
        assert conf == pytest.approx(max(m.values()), abs=1e-5) and m[label] == max(m.values())
    config.update(nianbao_lexical_weight=0.7, nianbao_rules_weight=0.3)
    (target / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ModelError, match="positive share"):
        load_classifier(target)
