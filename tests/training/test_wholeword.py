"""Whole-word masking: jieba words are masked and predicted whole, special tokens never."""

from __future__ import annotations

import numpy as np

from training.pretrain import SPECIAL, PretrainConfig, build_vocab, make_tokenizer, pretrain
from training.wholeword import IGNORE, WholeWordCollator, encode_by_word

TEXTS = ["下一步将加强业务培训。", "建立依申请公开会商机制。", "全年受理申请2023件。"]


def test_a_text_is_tokenized_word_by_word_with_word_numbers() -> None:
    tok = make_tokenizer(build_vocab(TEXTS))
    row = encode_by_word(tok, "全年受理申请2023件。", 64)
    assert row["input_ids"][0] == tok.cls_token_id and row["input_ids"][-1] == tok.sep_token_id
    assert row["word_ids"][0] == row["word_ids"][-1] == -1
    tokens = tok.convert_ids_to_tokens(row["input_ids"][1:-1])
    assert "".join(t.removeprefix("##") for t in tokens) == "全年受理申请2023件。"
    # Every word's tokens are contiguous and numbered in order.
    numbers = row["word_ids"][1:-1]
    assert numbers == sorted(numbers) and numbers[0] == 0
    assert encode_by_word(tok, "全年受理申请2023件。", 5)["input_ids"][-1] == tok.sep_token_id
    assert len(encode_by_word(tok, "全年受理申请2023件。", 5)["input_ids"]) == 5


def test_the_collator_masks_whole_words_and_never_special_tokens() -> None:
    tok = make_tokenizer(build_vocab(TEXTS))
    rows = [encode_by_word(tok, t, 64) for t in TEXTS] * 20
    collate = WholeWordCollator(pad_id=tok.pad_token_id, mask_id=tok.mask_token_id, vocab_size=len(tok.get_vocab()),
                                n_special=len(SPECIAL), probability=0.3, seed=1)
    batch = collate(rows)
    labels, ids = batch["labels"].numpy(), batch["input_ids"].numpy()
    assert labels.shape == ids.shape == batch["attention_mask"].shape
    for i, row in enumerate(rows):
        words = np.asarray(row["word_ids"])
        predicted = labels[i, : len(words)] != IGNORE
        assert predicted.any(), "every row predicts at least one word"
        assert not predicted[words < 0].any(), "special tokens are never predicted"
        for word in np.unique(words[predicted]):
            assert predicted[words == word].all(), "a chosen word is predicted whole"
        assert (labels[i, : len(words)][predicted] == np.asarray(row["input_ids"])[predicted]).all()
        assert (labels[i, len(words):] == IGNORE).all() and (ids[i, len(words):] == tok.pad_token_id).all()
    share = np.mean([(labels[i] != IGNORE).sum() / (len(r["input_ids"]) - 2) for i, r in enumerate(rows)])
    assert 0.15 < share < 0.6
    masked = (ids == tok.mask_token_id) & (labels != IGNORE)
    assert masked.sum() > 0.6 * (labels != IGNORE).sum()


def test_whole_word_pretraining_runs(tmp_path) -> None:
    tiny = PretrainConfig(hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
                          max_length=32, epochs=1, batch_size=4, whole_word=True)
    record = pretrain(TEXTS * 4, tmp_path / "mlm", tiny)
    assert record["config"]["whole_word"] is True and record["train_loss"] > 0
    assert (tmp_path / "mlm" / "model.safetensors").is_file()
