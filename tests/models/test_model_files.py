"""The shipped model files keep their vocabularies sorted and spell out no sentence of the real corpus."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from models.topics import DEFAULT_MODEL_DIR
from training.data import corpus_dir, corpus_reports
from training.pretrain import SPECIAL, build_vocab

# The rule of ../shared/hooks/before-stop: a run of 14 Chinese characters found in one report only is a copy.
RUN = 14
_HAN_RUN = re.compile(rf"[\u4e00-\u9fff，、；：“”（）《》]{{{RUN},}}")


def _json_vocabularies(node: object, where: str) -> Iterator[tuple[str, list[str]]]:
    """Objects mapping their keys to the ids 0..n-1: token vocabularies (and label2id)."""
    if isinstance(node, dict):
        values = list(node.values())
        if values and all(type(v) is int for v in values) and sorted(values) == list(range(len(values))):
            yield where, list(node)  # in stored order: what joining the keys of the file spells
        for key, value in node.items():
            yield from _json_vocabularies(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _json_vocabularies(value, f"{where}[{i}]")


def vocabularies(directory: Path) -> dict[str, list[str]]:
    """Every stored vocabulary of a model directory, by file (and JSON path), in stored order."""
    found: dict[str, list[str]] = {}
    for path in sorted(directory.iterdir()):
        if path.suffix == ".txt":
            found[path.name] = path.read_text(encoding="utf-8").splitlines()
        elif path.suffix == ".json":
            found.update(_json_vocabularies(json.loads(path.read_text(encoding="utf-8")), path.name))
    return found


def _json_keys(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from _json_keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from _json_keys(value)


def stored_text(path: Path) -> str:
    """A model file's text plus its tokens joined in stored order (JSON keys, lines), as a reader could join them."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return text + "\n" + "".join(_json_keys(json.loads(text)))
    return text + "\n" + "".join(text.splitlines())


def _runs(text: str) -> set[str]:
    return {run[i : i + RUN] for run in _HAN_RUN.findall(text) for i in range(len(run) - RUN + 1)}


def test_every_vocabulary_is_sorted() -> None:
    found = vocabularies(DEFAULT_MODEL_DIR)
    assert {"vocab.txt", "tokenizer.json.model.vocab", "lexical.json.word_vocab", "lexical.json.char_vocab"} <= set(
        found)
    for name, tokens in found.items():
        specials = [t for t in tokens if t in SPECIAL]
        assert tokens[: len(specials)] == specials, f"{name}: special tokens must come first"
        rest = tokens[len(specials) :]
        assert rest == sorted(rest), f"{name} is not in sorted order"
    # Numbers stay tokens of their own: "2023" is "2", "##0", "##2", "##3".
    assert {f"##{d}" for d in "0123456789"} <= set(found["vocab.txt"])
    assert found["vocab.txt"] == found["tokenizer.json.model.vocab"]


def test_built_vocabulary_lists_specials_then_sorted_characters() -> None:
    vocab = build_vocab(["网站栏目更新不及时。", "全年受理申请21件，答复率100%。", "网站检索功能"])
    assert vocab[: len(SPECIAL)] == list(SPECIAL)
    assert vocab[len(SPECIAL) :] == sorted(vocab[len(SPECIAL) :])
    assert len(vocab) == len(set(vocab))
    assert {"网", "站", "%", "0", "##0", "z", "##z"} <= set(vocab)


def test_data_counts_are_keyed_in_sorted_order() -> None:
    data = json.loads((DEFAULT_MODEL_DIR / "data.json").read_text(encoding="utf-8"))
    assert list(data["by_source"]) == sorted(data["by_source"])


@pytest.mark.skipif(not corpus_dir().is_dir(), reason="real corpus not present")
def test_model_files_spell_out_no_corpus_sentence() -> None:
    shared = corpus_dir().parent
    # Template labels and boilerplate of the official formats and the docs are facts of the format.
    allowed: set[str] = set()
    for folder in (shared / "docs", corpus_dir() / "official"):
        for path in folder.rglob("*"):
            if path.is_file():
                allowed |= _runs(path.read_text(encoding="utf-8", errors="ignore"))
    seen_in: dict[str, int] = {}
    for _, report in corpus_reports():
        for run in _runs(report.text):
            seen_in[run] = seen_in.get(run, 0) + 1
    unique = {run for run, n in seen_in.items() if n == 1} - allowed
    assert len(unique) > 1000  # the reports were read
    copied, read = {}, []
    for path in sorted(DEFAULT_MODEL_DIR.iterdir()):
        try:
            runs = _runs(stored_text(path)) & unique
        except UnicodeDecodeError:
            continue  # the weights: numbers, no text
        read.append(path.name)
        if runs:
            copied[path.name] = sorted(runs)[:3]
    assert {"vocab.txt", "tokenizer.json", "lexical.json", "data.json"} <= set(read)
    assert not copied
