"""JSON round-trip: to JSON and back gives an equal Report."""

from __future__ import annotations

import dataclasses
import json
from functools import cache
from pathlib import Path

import pytest

from eval.scoring import Rubric, evaluate, load_rubric
from nlp.pipeline import parse_file
from nlp.report import (
    Block,
    Cell,
    Finding,
    Meta,
    Report,
    Scorecard,
    Section,
    Sentence,
    Source,
    SubItem,
    Tables,
    Unreadable,
)
from nlp.serialize import report_from_json, report_to_dict, report_to_json
from tests.conftest import FIXTURES


def _hand_built() -> Report:
    text = "一、总体情况\n全年收到申请21件。"
    return Report(
        source=Source("a.txt", "text", "ab" * 32, 1, 30),
        text=text,
        blocks=(Block("heading", 0, 6, 1, (1.0, 2.0, 3.0, 4.0), "一、总体情况"), Block("paragraph", 7, len(text))),
        meta=Meta(title="t", year=2023, template="v2021", template_expected="v2021", period=("2023-01-01", "2023-12-31")),
        sections=(Section("s1_overall", "一、总体情况", 0, len(text), 1, (SubItem("（一）", "x", 7, 10),)),),
        tables=Tables(
            (
                Cell("table3", "r1_new", "total", 21, "21", None, None, 3, (1.0, 2.0, 3.0, 4.0)),
                Cell("table3", "r1_new", "natural", None, ""),
                Cell("table3", "r2_carry_in", "total", "NA", "/"),
                Cell("table2", "行政事业性收费", "本年收费金额（单位：万元）", 7730.28, "7730.28", "art20_8", "万元"),
            ),
            ("table2", "table3"),
            (("table2", (2,)), ("table3", (3,))),
        ),
        sentences=(Sentence(7, len(text), "s1_overall", "other", 0.9, "m1"),),
        findings=(Finding("T3-R1", "error", False, "m", {"left": 1, "cells": [{"row": "r1_new"}]}),),
        score=Scorecard(81.5, {"accuracy": 30.0}, "2021.1"),
    )


def test_hand_built_report_round_trips() -> None:
    report = _hand_built()
    assert report_from_json(report_to_json(report)) == report


def test_every_tables_field_round_trips() -> None:
    unread = Unreadable("table3", "flattened", "表三的数字连成一串，无法分列", ("r1_new", "r2_carry_in"), 4)
    tables = dataclasses.replace(_hand_built().tables, unreadable=(unread,))
    report = dataclasses.replace(_hand_built(), status="needs_review", tables=tables)
    back = report_from_json(report_to_json(report))
    assert back.tables.unreadable == (unread,)
    assert back == report


def test_contract_shape() -> None:
    data = report_to_dict(_hand_built())
    assert data["tables"]["table3"]["r1_new"] == {"total": 21, "natural": None}
    assert data["tables"]["table3"]["r2_carry_in"]["total"] == "NA"
    assert data["tables"]["table2"]["art20_8"]["行政事业性收费"]["本年收费金额（单位：万元）"] == 7730.28
    assert data["sentences"][0]["text"] == "全年收到申请21件。"
    assert data["score"] == {"total": 81.5, "dimensions": {"accuracy": 30.0}, "rubric": "2021.1"}
    assert set(data) >= {"source", "status", "errors", "meta", "sections", "tables", "sentences", "findings", "score"}


def test_parsed_fixture_round_trips() -> None:
    report = parse_file(FIXTURES / "v2021-complete.html")
    text = report_to_json(report)
    assert report_from_json(text) == report
    assert json.loads(text)["meta"]["template"] == "v2021"


@cache
def _rubric() -> Rubric:
    return load_rubric()


def _with_topics(report: Report) -> Report:
    """Topics set by hand, so that every Sentence field takes a value (no model is loaded here)."""
    topics = ("problem", "measure", "mechanism", "other")
    sentences = tuple(dataclasses.replace(s, topic=topics[i % 4], confidence=round(0.5 + i % 5 / 10, 2), model="m1")
                      for i, s in enumerate(report.sentences))
    return dataclasses.replace(report, sentences=sentences)


@pytest.mark.parametrize("path", sorted(p for p in FIXTURES.iterdir() if p.suffix != ".json"), ids=lambda p: p.name)
def test_every_scored_fixture_round_trips(path: Path) -> None:
    report = evaluate(_with_topics(parse_file(path)), None, _rubric())
    assert report.findings, "scoring gives at least one finding, even for a document that failed"
    text = report_to_json(report)
    back = report_from_json(text)
    assert back == report
    assert report_to_json(back) == text  # same types too: an int cell stays an int, a float bbox a float


def test_blank_and_na_cells_stay_apart() -> None:
    report = evaluate(parse_file(FIXTURES / "v2021-blanks-broken.html"), None, _rubric())
    back = report_from_json(report_to_json(report))
    values = [c.value for c in back.tables.cells]
    assert values == [c.value for c in report.tables.cells]
    assert None in values and "NA" in values
    assert [type(v) for v in values] == [type(c.value) for c in report.tables.cells]
    assert back.score == report.score and back.score is not None
    assert [f.evidence for f in back.findings] == [f.evidence for f in report.findings]
