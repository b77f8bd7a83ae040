"""Topic-model input: a sentence with its section and previous sentence, as one cross-encoder token sequence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# The previous sentence is context, not the subject: its last tokens (the words next to the sentence) are kept.
PREVIOUS_TOKENS = 32
SECTION_NUMERALS = "一二三四五六"


@dataclass(frozen=True)
class TopicInput:
    """One sentence to classify, with what the parser knows around it (both optional)."""

    text: str
    section: str | None = None  # a section key (s5_problems) or numeral (五)
    previous: str | None = None  # the sentence before it in the same report


def as_input(item: str | TopicInput) -> TopicInput:
    """A plain string is a sentence without context."""
    return item if isinstance(item, TopicInput) else TopicInput(item)


def section_mark(section: str | None) -> str:
    """The section's numeral (一…六) from a key like s5_problems or the numeral itself; '' when unknown."""
    if not section:
        return ""
    s = section.strip()
    if len(s) >= 2 and s[0] == "s" and s[1].isdigit() and 1 <= int(s[1]) <= len(SECTION_NUMERALS):
        return SECTION_NUMERALS[int(s[1]) - 1]
    return s[0] if s[:1] and s[0] in SECTION_NUMERALS else ""


def marked_text(item: str | TopicInput) -> str:
    """The sentence led by its section as a mark of its own (§五§), for a bag-of-words part that reads the
    section: the mark's character n-grams occur nowhere else."""
    x = as_input(item)
    mark = section_mark(x.section)
    return f"§{mark}§{x.text}" if mark else x.text


def _load_tokenizer(model_dir: Path, config: dict[str, Any]) -> Any:
    from tokenizers import Tokenizer

    if (model_dir / "tokenizer.json").is_file():
        tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    elif (model_dir / "vocab.txt").is_file():
        from tokenizers.implementations import BertWordPieceTokenizer

        tok = BertWordPieceTokenizer(str(model_dir / "vocab.txt"), lowercase=bool(config.get("do_lower_case", True)))
    else:
        raise FileNotFoundError(f"no tokenizer.json or vocab.txt in {model_dir}")
    # Truncation and special tokens are placed here, per part; the file's own settings would cut the joined text.
    tok.no_truncation()
    tok.no_padding()
    return tok


@dataclass(frozen=True)
class InputEncoder:
    """Token ids of topic inputs: `[CLS] sentence [SEP]`, or with context
    `[CLS] section [SEP] previous [SEP] sentence [SEP]` (the sentence and its [SEP] as token type 1)."""

    tokenizer: Any  # a tokenizers.Tokenizer: the Rust tokenizer, no torch
    context: bool
    max_length: int
    cls_id: int
    sep_id: int
    pad_id: int

    @classmethod
    def load(cls, model_dir: str | Path, config: dict[str, Any], max_length: int = 128) -> InputEncoder:
        """The encoder of a model directory; `nianbao_context` in its config says whether context is fed."""
        tok = _load_tokenizer(Path(model_dir), config)
        ids = [tok.token_to_id(t) for t in ("[CLS]", "[SEP]", "[PAD]")]
        if any(i is None for i in ids):
            raise ValueError(f"tokenizer of {model_dir} lacks [CLS], [SEP] or [PAD]")
        return cls(tok, bool(config.get("nianbao_context")), max_length, *ids)

    def encode(self, items: Sequence[str | TopicInput]) -> list[tuple[list[int], list[int]]]:
        """(token ids, token types) per item."""
        inputs = [as_input(x) for x in items]
        texts = self._pieces([x.text for x in inputs])
        if not self.context:
            return [([self.cls_id, *t[: self.max_length - 2], self.sep_id], [0] * (min(len(t), self.max_length - 2) + 2))
                    for t in texts]
        marks = self._pieces([section_mark(x.section) for x in inputs])
        previous = self._pieces([x.previous or "" for x in inputs])
        out = []
        for mark, prev, text in zip(marks, previous, texts, strict=True):
            head = [self.cls_id, *mark[:2], self.sep_id, *prev[-PREVIOUS_TOKENS:], self.sep_id] if prev else \
                [self.cls_id, *mark[:2], self.sep_id, self.sep_id]
            tail = text[: max(1, self.max_length - len(head) - 1)]
            out.append(([*head, *tail, self.sep_id], [0] * len(head) + [1] * (len(tail) + 1)))
        return out

    def _pieces(self, texts: list[str]) -> list[list[int]]:
        return [e.ids for e in self.tokenizer.encode_batch(texts, add_special_tokens=False)]

    def pad(self, rows: Sequence[tuple[list[int], list[int]]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Right-padded ids, token types and attention mask (batch, longest row)."""
        width = max(len(ids) for ids, _ in rows)
        ids = np.full((len(rows), width), self.pad_id, dtype=np.int64)
        types = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for i, (row, kinds) in enumerate(rows):
            ids[i, : len(row)] = row
            types[i, : len(row)] = kinds
            mask[i, : len(row)] = 1
        return ids, types, mask
