"""Tests of cross-validation by reporting body: folds, what each holds out, and the mixing of probabilities."""

from __future__ import annotations

import numpy as np

from models.topics import LABELS, Mix
from training.crossval import body_of, folds_by_body, labels_of, out_of_fold, rules_system
from training.data import Example


def test_sibling_years_share_a_body() -> None:
    assert body_of("pdf/hongze-district-2023.pdf") == body_of("pdf/hongze-district-2024.pdf") == "hongze-district"
    assert body_of("text/shanghai-office-2025.pdf-extract.md") == body_of("html/shanghai-office-2019.html")
    assert body_of("docx/blank-template-2021.docx") == "blank-template"
    assert body_of("notes.txt") == "notes.txt"


def test_each_fold_holds_out_every_file_of_its_body() -> None:
    gold = [Example("甲", "other", "pdf/a-town-2023.pdf", 0, 1), Example("乙", "measure", "pdf/b-city-2024.pdf", 0, 1),
            Example("丙", "problem", "pdf/a-town-2023.pdf", 1, 2)]
    folds = folds_by_body(gold, ["pdf/a-town-2023.pdf", "pdf/a-town-2024.pdf", "pdf/b-city-2024.pdf"])
    assert [f.body for f in folds] == ["a-town", "b-city"]
    assert folds[0].held_out == {"pdf/a-town-2023.pdf", "pdf/a-town-2024.pdf"}
    assert [e.text for e in folds[0].test] == ["甲", "丙"] and [e.text for e in folds[1].test] == ["乙"]


def test_out_of_fold_trains_without_the_fold(tmp_path) -> None:
    gold = [Example("部分栏目更新不及时。", "problem", "pdf/a-town-2023.pdf", 0, 9),
            Example("建立会商机制。", "mechanism", "pdf/b-city-2024.pdf", 0, 7)]
    seen: list[frozenset[str]] = []

    def spy(train, texts):
        seen.append(frozenset(e.file for e in train if e.file))
        return rules_system(train, texts)

    probs = out_of_fold(spy, folds_by_body(gold), n_synth=1, root=tmp_path)  # no corpus: written + synth only
    assert probs.shape == (2, len(LABELS)) and seen == [frozenset(), frozenset()]
    assert labels_of(probs) == ["problem", "mechanism"]


def test_mix_weights_three_tables() -> None:
    network, lexical, rules = np.eye(4)[[0]], np.eye(4)[[1]], np.eye(4)[[2]]
    out = Mix(lexical=0.3, rules=0.2).apply(network, lexical, rules)
    assert np.allclose(out, [[0.5, 0.3, 0.2, 0.0]]) and labels_of(out) == [LABELS[0]]
    assert np.allclose(Mix(lexical=0.3).apply(network, None, rules), [[0.7, 0, 0, 0]])
