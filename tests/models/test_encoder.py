"""The numpy forward pass and the context input: torch's probabilities, no torch at inference, label-set mismatch."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from models.encoder import softmax
from models.topic_input import PREVIOUS_TOKENS, InputEncoder, TopicInput, section_mark
from models.topics import DEFAULT_MODEL_DIR, LABEL_SET_VERSION, LABELS, ModelError, load_classifier
from nlp.vocabulary import LABEL_SETS

ROOT = Path(__file__).resolve().parents[2]
SENTENCES = [
    "部分单位政策解读形式单一，解读质量有待提高。", "下一步将进一步加强业务培训，提升工作人员能力。",
    "建立健全政务公开工作领导小组和联席会议制度。", "六、其他需要报告的事项", "全年主动公开政府信息1234条。",
    "The office published 21 documents in 2023.", "无。", "加强" * 200,
]
INPUTS = [TopicInput(SENTENCES[0], "s5_problems", "五、存在的主要问题及改进情况"),
          TopicInput(SENTENCES[1], "五", SENTENCES[0]), TopicInput(SENTENCES[2], "s1_overall"),
          TopicInput(SENTENCES[4], None, "二、主动公开政府信息情况"), TopicInput("", "s2_proactive", "x")]


@pytest.fixture(scope="module")
def clf():
    return load_classifier()


def test_probabilities_equal_torch(clf) -> None:
    torch = pytest.importorskip("torch")
    from transformers import AutoModelForSequenceClassification

    model = AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL_DIR, local_files_only=True).eval()
    for items in (SENTENCES, [*INPUTS, *SENTENCES]):
        ids, types, mask = clf.encoder.pad(clf.encoder.encode(items))
        with torch.inference_mode():
            ref = torch.softmax(model(input_ids=torch.tensor(ids), token_type_ids=torch.tensor(types),
                                      attention_mask=torch.tensor(mask)).logits, dim=-1).numpy()
        got = softmax(clf.network.logits(ids, types, mask))
        assert got.shape == (len(items), len(LABELS))
        assert np.abs(got - ref).max() < 1e-4


def test_plain_text_tokens_equal_the_transformers_tokenizer(clf) -> None:
    pytest.importorskip("torch")
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(DEFAULT_MODEL_DIR, local_files_only=True)
    plain = InputEncoder(clf.encoder.tokenizer, False, 128, clf.encoder.cls_id, clf.encoder.sep_id, clf.encoder.pad_id)
    for text, (ids, types) in zip(SENTENCES, plain.encode(SENTENCES), strict=True):
        assert ids == tok(text, truncation=True, max_length=128)["input_ids"]
        assert types == [0] * len(ids)


def test_inference_never_imports_torch(tmp_path: Path) -> None:
    code = ("import sys\nfrom models.topics import load_classifier, TopicInput\n"
            "clf = load_classifier()\n"
            "print(clf.classify(['栏目更新不及时。', TopicInput('下一步将加强培训。', 's5_problems', '栏目更新不及时。')])[1][0])\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers')))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    label, modules = out.stdout.splitlines()
    assert label in LABELS
    assert modules == "[]"


def test_context_layout(clf) -> None:
    enc = InputEncoder(clf.encoder.tokenizer, True, 40, clf.encoder.cls_id, clf.encoder.sep_id, clf.encoder.pad_id)
    long_previous = "公" * 50 + "开" * PREVIOUS_TOKENS
    (ids, types), (bare, bare_types) = enc.encode([TopicInput("一二三" * 20, "s5_problems", long_previous), "问题"])
    cls, sep = enc.cls_id, enc.sep_id
    wu, yi = (clf.encoder.tokenizer.token_to_id(c) for c in "五开")
    # [CLS] 五 [SEP] the last 32 tokens of the previous sentence [SEP] the sentence, cut to fit 40 [SEP]
    assert ids[:3] == [cls, wu, sep] and ids[3 : 3 + PREVIOUS_TOKENS] == [yi] * PREVIOUS_TOKENS
    assert ids[3 + PREVIOUS_TOKENS] == sep and len(ids) == 40 and ids[-1] == sep
    assert types == [0] * (4 + PREVIOUS_TOKENS) + [1] * (40 - 4 - PREVIOUS_TOKENS)
    # No section, no previous sentence: the same frame with empty parts.
    assert bare[:3] == [cls, sep, sep] and bare[-1] == sep and len(bare) == 6
    assert bare_types == [0, 0, 0, 1, 1, 1]


@pytest.mark.parametrize(("section", "mark"), [("s5_problems", "五"), ("五", "五"), ("s1_overall", "一"),
                                               (None, ""), ("", ""), ("appendix", ""), ("s9_x", "")])
def test_section_mark(section, mark) -> None:
    assert section_mark(section) == mark


def test_components_alone(clf) -> None:
    texts = ["建立健全依申请公开会商机制。", "栏目更新不及时。"]
    network = clf.classify(texts, component="network")
    rules = clf.classify(texts, component="rules")
    assert [r[0] for r in rules] == ["mechanism", "problem"] and all(r[1] == 1.0 for r in rules)
    mixed = clf.classify(texts)
    # The mix is the shares' average of its parts, printed alone.
    lexical = load_classifier(lexical=True).classify(texts, component="lexical")
    for (_, _, n), (_, _, lx), (rule, _, _), (_, _, m) in zip(network, lexical, rules, mixed, strict=True):
        for lab in LABELS:
            expected = clf.mix.network * n[lab] + clf.mix.lexical * lx[lab] + clf.mix.rules * float(lab == rule)
            assert m[lab] == pytest.approx(expected, abs=1e-5)
    with pytest.raises(ValueError, match="component"):
        clf.classify(texts, component="tfidf")


def _other_label_set_copy(tmp_path: Path) -> tuple[int, Path]:
    """A copy of the shipped model whose config names the other label set (v1 once v2 ships)."""
    other = next(v for v in LABEL_SETS if v != LABEL_SET_VERSION)
    target = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, target)
    config = json.loads((target / "config.json").read_text(encoding="utf-8"))
    config["id2label"] = dict(enumerate(LABEL_SETS[other]))
    (target / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return other, target


def test_other_label_set_is_a_named_mismatch(tmp_path: Path) -> None:
    other, target = _other_label_set_copy(tmp_path)
    with pytest.raises(ModelError, match=f"label set v{other} .*label-set mismatch"):
        load_classifier(target)


def test_other_label_set_leaves_topics_unavailable_in_the_analysis_path(tmp_path: Path) -> None:
    from nlp.report import Report, Section, Sentence
    from service.analyze import Topics

    _, target = _other_label_set_copy(tmp_path)
    text = "五、存在的主要问题及改进情况\n栏目更新不及时。"
    report = Report(text=text, sections=(Section("s5_problems", "五", 0, len(text)),),
                    sentences=(Sentence(15, len(text), "s5_problems"),))
    out = Topics.load(target).classify(report)
    assert out.sentences[0].topic is None
    [error] = [e for e in out.errors if e.code == "topics_unavailable"]
    assert "label-set mismatch" in error.message and error.severity == "warning"


def test_report_inputs_give_each_sentence_its_section_and_previous_sentence() -> None:
    from models.topics import report_inputs
    from nlp.report import Report, Section, Sentence

    text = "一、总体情况\n召开发布会3场。五、存在的主要问题及改进情况\n栏目更新不及时。下一步将加强培训。"
    one, five = text.index("一"), text.index("五")
    spans = [(one, 7), (7, 15), (five, five + 15), (five + 15, five + 23), (five + 23, len(text))]
    sections = ["s1_overall", "s1_overall", "s5_problems", "s5_problems", "s5_problems"]
    report = Report(text=text, sections=(Section("s1_overall", "一", 0, five), Section("s5_problems", "五", five, len(text))),
                    sentences=tuple(Sentence(a, b, s) for (a, b), s in zip(spans, sections, strict=True)))
    got = report_inputs(report)
    assert [x.text for x in got] == [text[a:b] for a, b in spans]
    assert [x.section for x in got] == sections
    # The previous sentence is taken within the section only: a section's first sentence has none.
    assert [x.previous for x in got] == [None, text[0:7], None, text[five : five + 15], text[five + 15 : five + 23]]


def test_gelu_equals_torch_including_zero_and_large_values() -> None:
    torch = pytest.importorskip("torch")
    from models.encoder import _gelu

    x = np.concatenate([np.linspace(-12, 12, 2001, dtype=np.float32), np.zeros(3, dtype=np.float32)])
    ref = torch.nn.functional.gelu(torch.from_numpy(x)).numpy()
    got = _gelu(x)
    assert got.dtype == np.float32 and np.abs(got - ref).max() < 1e-5
    assert np.all(got[-3:] == 0.0)
