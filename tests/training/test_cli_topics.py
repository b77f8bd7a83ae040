"""Tests of `nianbao classify` and the `train` sub-app through a Typer app built here (service/cli.py registers them)."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from models.topics import LABELS
from service.cli_topics import classify, train_app

app = typer.Typer()
app.command("classify")(classify)
app.add_typer(train_app, name="train")


def test_classify_json_lines_from_stdin() -> None:
    result = CliRunner().invoke(app, ["classify", "-", "--format", "json"],
                                input="政策解读形式不够丰富。\n\n建立联席会议制度。\n")
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert [r["text"] for r in rows] == ["政策解读形式不够丰富。", "", "建立联席会议制度。"]
    for r in rows:
        assert set(r) == {"text", "topic", "confidence", "scores"}
        assert r["topic"] in LABELS and set(r["scores"]) == set(LABELS)
    assert rows[1]["topic"] == "other"


def test_classify_missing_model_is_a_clear_error(tmp_path) -> None:
    result = CliRunner().invoke(app, ["classify", "-", "--model", str(tmp_path / "none")], input="加强培训。\n")
    assert result.exit_code == 2
    assert str(tmp_path / "none") in result.output


def test_train_help_lists_the_steps() -> None:
    result = CliRunner().invoke(app, ["train", "--help"])
    assert result.exit_code == 0
    for step in ("pretrain", "finetune", "evaluate"):
        assert step in result.output
