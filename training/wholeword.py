"""Whole-word masking for the character BERT: jieba words are masked whole, so a masked character cannot be
guessed from the rest of its own word (培_ → 训) and the model has to read the sentence around it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nlp.segment import words

IGNORE = -100  # labels of tokens that are not predicted


def encode_by_word(tokenizer: Any, text: str, max_length: int) -> dict[str, list[int]]:
    """`[CLS] tokens [SEP]` of a text, tokenized one jieba word at a time, with each token's word number
    (-1 for the special tokens) so that a word's tokens are masked together."""
    ids, word_ids = [tokenizer.cls_token_id], [-1]
    for number, word in enumerate(w for w in words(text) if w.strip()):
        for token in tokenizer.convert_tokens_to_ids(tokenizer.tokenize(word)):
            ids.append(token)
            word_ids.append(number)
    ids, word_ids = ids[: max_length - 1], word_ids[: max_length - 1]
    return {"input_ids": [*ids, tokenizer.sep_token_id], "word_ids": [*word_ids, -1]}


@dataclass
class WholeWordCollator:
    """Pads a batch and masks whole words: each word is chosen with `probability`; a chosen word's tokens
    are all replaced by [MASK] (80%), all by random tokens (10%) or all kept (10%), and all predicted."""

    pad_id: int
    mask_id: int
    vocab_size: int
    n_special: int  # ids below this are special tokens, never drawn as random replacements
    probability: float = 0.15
    seed: int = 42
    rng: np.random.Generator = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)

    def __call__(self, rows: Sequence[dict[str, list[int]]]) -> dict[str, Any]:
        import torch

        length = max(len(r["input_ids"]) for r in rows)
        ids = np.full((len(rows), length), self.pad_id, dtype=np.int64)
        labels = np.full((len(rows), length), IGNORE, dtype=np.int64)
        attention = np.zeros((len(rows), length), dtype=np.int64)
        for i, row in enumerate(rows):
            n = len(row["input_ids"])
            ids[i, :n] = row["input_ids"]
            attention[i, :n] = 1
            word_ids = np.asarray(row["word_ids"])
            chosen = [w for w in np.unique(word_ids[word_ids >= 0]) if self.rng.random() < self.probability]
            if not chosen and (word_ids >= 0).any():  # every sequence teaches something
                chosen = [self.rng.choice(np.unique(word_ids[word_ids >= 0]))]
            for word in chosen:
                where = np.flatnonzero(word_ids == word)
                labels[i, where] = ids[i, where]
                draw = self.rng.random()
                if draw < 0.8:
                    ids[i, where] = self.mask_id
                elif draw < 0.9:
                    ids[i, where] = self.rng.integers(self.n_special, self.vocab_size, size=len(where))
        return {"input_ids": torch.from_numpy(ids), "attention_mask": torch.from_numpy(attention),
                "token_type_ids": torch.zeros_like(torch.from_numpy(ids)), "labels": torch.from_numpy(labels)}
