"""Tests of `nianbao classify` and the `train` sub-app through a Typer app built here (service/cli.py registers them)."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from models.topics import LABELS, TopicInput, load_classifier
from nlp.labels import TOPIC_NAMES
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
        assert set(r) == {"text", "topic", "topic_name", "confidence", "scores"}
        assert r["topic"] in LABELS and set(r["scores"]) == set(LABELS)
        assert r["topic_name"] == TOPIC_NAMES[r["topic"]]
    assert rows[1]["topic"] == "other"


def test_classify_reads_json_lines_with_context_and_ignores_unknown_keys() -> None:
    lines = [json.dumps({"text": "下一步将加强业务培训。", "section": "s5_problems", "previous": "培训不足。", "id": 7},
                        ensure_ascii=False), "栏目更新不及时。", json.dumps({"text": "无。", "extra": [1]})]
    result = CliRunner().invoke(app, ["classify", "-", "-f", "json"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert [r["text"] for r in rows] == ["下一步将加强业务培训。", "栏目更新不及时。", "无。"]
    expected = load_classifier().classify([TopicInput("下一步将加强业务培训。", "s5_problems", "培训不足。"),
                                           "栏目更新不及时。", "无。"])
    assert [r["scores"] for r in rows] == [p[2] for p in expected]


def test_classify_broken_json_names_the_line() -> None:
    result = CliRunner().invoke(app, ["classify", "-"], input='加强培训。\n{"text": "a"}\n{"text": 3\n')
    assert result.exit_code == 2
    assert "第 3 行不是有效的 JSON" in result.output
    missing = CliRunner().invoke(app, ["classify", "-"], input='{"section": "五"}\n')
    assert missing.exit_code == 2 and "第 1 行的 JSON 缺少字符串字段 text" in missing.output


def test_classify_truncates_long_lines_with_a_warning() -> None:
    result = CliRunner().invoke(app, ["classify", "-", "-f", "json"], input="加强培训" * 1500 + "\n")
    assert result.exit_code == 0, result.output
    assert "第 1 行有 6000 个字符，只分类前 5000 个" in result.stderr
    assert len(json.loads(result.stdout)["text"]) == 5000


def test_classify_prints_one_component_alone() -> None:
    text = "建立健全依申请公开会商机制。\n栏目更新不及时。\n"
    rules = CliRunner().invoke(app, ["classify", "-", "-f", "json", "--component", "rules"], input=text)
    assert rules.exit_code == 0, rules.output
    assert [json.loads(x)["topic"] for x in rules.stdout.splitlines()] == ["mechanism", "problem"]
    for part in ("network", "lexical"):
        got = CliRunner().invoke(app, ["classify", "-", "-f", "json", "--component", part], input=text)
        assert got.exit_code == 0, got.output
        expected = load_classifier(lexical=True).classify(text.splitlines(), component=part)
        assert [json.loads(x)["scores"] for x in got.stdout.splitlines()] == [p[2] for p in expected]


def test_classify_speaks_chinese() -> None:
    result = CliRunner().invoke(app, ["classify", "-"], input="栏目更新不及时。\n")
    assert result.exit_code == 0, result.output
    assert "主题" in result.stdout and TOPIC_NAMES["problem"] in result.stdout
    assert "标注主题" in CliRunner().invoke(app, ["classify", "--help"]).stdout


def test_classify_missing_model_is_a_clear_error(tmp_path) -> None:
    result = CliRunner().invoke(app, ["classify", "-", "--model", str(tmp_path / "none")], input="加强培训。\n")
    assert result.exit_code == 2
    assert str(tmp_path / "none") in result.output


def test_train_help_lists_the_steps() -> None:
    result = CliRunner().invoke(app, ["train", "--help"])
    assert result.exit_code == 0
    for step in ("pretrain", "finetune", "evaluate"):
        assert step in result.output


def test_evaluate_without_the_corpus_reports_the_recorded_metrics_and_a_given_split(monkeypatch, tmp_path) -> None:
    from models.topics import DEFAULT_MODEL_DIR

    monkeypatch.setenv("NIANBAO_CORPUS", str(tmp_path / "absent"))  # a fresh clone: no ../shared
    split = tmp_path / "split.jsonl"
    rows = [("部分栏目信息更新不及时。", "problem"), ("建立健全保密审查机制。", "mechanism"),
            ("下一步将加强业务培训。", "measure"), ("全年主动公开政府信息一千余条。", "other")]
    split.write_text("".join(json.dumps({"text": t, "label": lab}, ensure_ascii=False) + "\n" for t, lab in rows),
                     encoding="utf-8")
    result = CliRunner().invoke(app, ["train", "evaluate", "--test-data", str(split)])
    assert result.exit_code == 0, result.output
    recorded = json.loads((DEFAULT_MODEL_DIR / "metrics.json").read_text(encoding="utf-8"))["systems"]
    assert str(tmp_path / "absent") in result.output and "metrics.json" in result.output
    for name, rec in recorded.items():
        assert f"== {name}: macro-F1 {rec['macro_f1']:.3f}  accuracy {rec['accuracy']:.3f}" in result.output
    assert "on split.jsonl（4 句）: macro-F1" in result.output
    assert "weak labelling functions" not in result.output


def test_evaluate_with_nothing_to_report_exits_2(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("NIANBAO_CORPUS", str(tmp_path / "absent"))
    result = CliRunner().invoke(app, ["train", "evaluate", "--model", str(tmp_path)])
    assert result.exit_code == 2
    assert str(tmp_path / "metrics.json") in result.output
