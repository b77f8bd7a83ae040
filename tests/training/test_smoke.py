"""A tiny end-to-end run: masked-LM pretraining, topic fine-tuning, loading the result and classifying."""

from __future__ import annotations

import json

from models.topics import LABEL_SET_VERSION, LABELS, TopicInput, load_classifier
from training.data import Example
from training.finetune import FinetuneConfig, finetune
from training.pretrain import PretrainConfig, build_vocab, make_tokenizer, pretrain

# Two sentences per topic, in LABELS order (a practice pair is used only when the label set has practice).
BY_LABEL = {
    "problem": ("部分单位政策解读形式单一。", "网站栏目更新不及时。"),
    "measure": ("下一步将加强业务培训。", "优化网站检索功能。"),
    "mechanism": ("建立依申请公开会商机制。", "落实信息发布审核制度。"),
    "practice": ("全年召开新闻发布会8场。", "举办政务公开培训班2期。"),
    "other": ("全年受理申请21件。", "六、其他需要报告的事项"),
}
TEXTS = [t for lab in LABELS for t in BY_LABEL[lab]]
LABELLED = [Example(t, lab, source="written", section="s1_overall") for lab in LABELS for t in BY_LABEL[lab]]


def test_vocab_has_digit_pieces_so_numbers_are_not_unknown() -> None:
    vocab = build_vocab(TEXTS)
    tok = make_tokenizer(vocab)
    pieces = tok.tokenize("受理申请2023件")
    assert "[UNK]" not in pieces
    assert pieces[-5:] == ["2", "##0", "##2", "##3", "件"]


def test_pretrain_then_finetune_then_classify(tmp_path) -> None:
    tiny = PretrainConfig(hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
                          max_length=32, epochs=1, batch_size=8, whole_word=False)  # the character-masking path
    record = pretrain(TEXTS * 2, tmp_path / "mlm", tiny)
    assert record["vocab_size"] > 60
    finetune(tmp_path / "mlm", LABELLED, tmp_path / "topic", FinetuneConfig(epochs=1, batch_size=8, max_length=32))
    for name in ("config.json", "model.safetensors", "vocab.txt", "training_config.json", "data.json"):
        assert (tmp_path / "topic" / name).is_file(), name
    config = json.loads((tmp_path / "topic" / "config.json").read_text(encoding="utf-8"))
    assert [config["id2label"][str(i)] for i in range(len(LABELS))] == list(LABELS)
    assert config["nianbao_context"] is True and config["nianbao_label_set"] == LABEL_SET_VERSION
    data = json.loads((tmp_path / "topic" / "data.json").read_text(encoding="utf-8"))
    assert data["n"] == len(TEXTS) and len(data["sha256"]) == 64
    clf = load_classifier(tmp_path / "topic")
    assert clf.encoder.context
    preds = clf.classify([TopicInput("加强政策解读。", "s5_problems", "解读不够。"), ""])
    assert preds[0][0] in LABELS and abs(sum(preds[0][2].values()) - 1) < 1e-4
    assert preds[1][0] == "other"


def test_a_model_is_named_by_its_whole_recipe_not_its_data_alone() -> None:
    from training.finetune import recipe_version

    base = {"config": {"epochs": 8, "whole_word": False}, "n_texts": 100, "vocab_size": 900}
    name = recipe_version("ab" * 32, base, FinetuneConfig())
    assert name.startswith("topic-") and len(name) == len("topic-") + 8
    assert name == recipe_version("ab" * 32, dict(base), FinetuneConfig())
    longer = {**base, "config": {"epochs": 30, "whole_word": True}}
    assert recipe_version("ab" * 32, longer, FinetuneConfig()) != name
    assert recipe_version("cd" * 32, base, FinetuneConfig()) != name
    assert recipe_version("ab" * 32, base, FinetuneConfig(epochs=3)) != name
