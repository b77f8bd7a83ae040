"""`nianbao parse`: the JSON contract and the readable view."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from nlp.vocabulary import LABELS
from service.cli import app
from tests.conftest import FIXTURES

runner = CliRunner()


def test_parse_json_contract() -> None:
    result = runner.invoke(app, ["parse", str(FIXTURES / "v2021-complete.pdf"), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "ok"
    assert data["source"]["format"] == "pdf" and len(data["source"]["sha256"]) == 64
    assert data["meta"]["template"] == "v2021"
    assert data["sections"][0]["key"] == "s1_overall"
    expected = json.loads((FIXTURES / "v2021-complete.expected.json").read_text(encoding="utf-8"))
    assert data["tables"]["table3"] == expected["table3"]
    assert all(s["text"] for s in data["sentences"])


def test_parse_readable_view_shows_the_tables() -> None:
    result = runner.invoke(app, ["parse", str(FIXTURES / "v2019-complete.html")])
    assert result.exit_code == 0, result.output
    for heading in ("报告结构", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议"):
        assert heading in result.stdout


def test_failed_document_exits_2_with_the_reason() -> None:
    # (A scanned PDF is read by OCR now; an encrypted one still cannot be read.)
    result = runner.invoke(app, ["parse", str(FIXTURES / "encrypted.pdf"), "--format", "json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["errors"][0]["code"] == "encrypted"


def test_parse_fills_sentence_topics_from_the_shipped_model() -> None:
    result = runner.invoke(app, ["parse", str(FIXTURES / "v2021-complete.html"), "--format", "json"])
    sentences = json.loads(result.stdout)["sentences"]
    assert {s["topic"] for s in sentences} <= set(LABELS)  # the shipped model's label set
    assert all(s["model"] and 0 < s["confidence"] <= 1 for s in sentences)
    problems = [s["text"] for s in sentences if s["section"] == "s5_problems" and s["topic"] == "problem"]
    assert problems, "section 五 of the fixture states problems"


def test_topics_can_be_switched_off() -> None:
    result = runner.invoke(app, ["parse", str(FIXTURES / "v2021-complete.html"), "--format", "json", "--no-topics"])
    assert all(s["topic"] is None for s in json.loads(result.stdout)["sentences"])


def test_missing_model_directory_is_named() -> None:
    result = runner.invoke(app, ["parse", str(FIXTURES / "v2021-complete.html"), "--model", "/nonexistent/model"])
    assert result.exit_code == 2
    assert "/nonexistent/model" in result.output


def test_usage_errors_are_in_chinese(tmp_path: Path) -> None:
    cases = {
        ("parse",): "缺少参数 'file'。",
        ("parse", "-f", "xml", "x"): "'--format' / '-f' 的值无效：'xml' 不是可选的值（'text', 'json'）。",
        ("parse", "a", "b"): "多余的参数：b",
        ("parse", "--form", "x"): "没有选项 --form",
        ("bogus",): "没有命令 'bogus'。",
        ("parse", str(tmp_path / "absent.pdf")): f"值无效：找不到文件：{tmp_path / 'absent.pdf'}",
        ("score", str(FIXTURES / "v2021-complete.txt"), "--previous", str(tmp_path)): f"不是文件：{tmp_path}",
    }
    for argv, words in cases.items():
        result = runner.invoke(app, list(argv), env={"COLUMNS": "300"})
        assert result.exit_code == 2, (argv, result.output)
        assert words in result.output, (argv, result.output)
        assert not re.search(r"\b(?:Invalid|Missing|No such|Got unexpected|Error)\b", result.output), result.output
