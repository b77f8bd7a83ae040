"""`nianbao score`: JSON contract with findings and score, the readable scorecard, options and failures."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from typer.testing import CliRunner

from nlp.labels import CODE_NAMES, RULE_NAMES
from service.cli import app
from tests.eval.builders import set_cell, to_text_document, v2021_report

runner = CliRunner()


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_json_contract_has_findings_and_score(tmp_path: Path) -> None:
    path = _write(tmp_path, "report.txt", to_text_document(v2021_report()))
    result = runner.invoke(app, ["score", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "ok"
    assert data["score"]["rubric"] == "2021.1"
    assert 0 <= data["score"]["total"] <= 100
    assert set(data["score"]["dimensions"]) >= {"completeness", "accuracy"}
    rules = {f["rule"] for f in data["findings"]}
    assert {"T3-R1", "T4-R1", "OL-SECTIONS"} <= rules
    assert all(set(f) == {"rule", "severity", "passed", "message", "evidence"} for f in data["findings"])


def test_text_view_lists_failed_rules_first_with_evidence(tmp_path: Path) -> None:
    broken = set_cell(v2021_report(), "table4", "review", "total", 0)
    path = _write(tmp_path, "report.txt", to_text_document(broken))
    result = runner.invoke(app, ["score", str(path)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "总分" in out and "未通过的规则" in out
    name = RULE_NAMES["T4-R1"]
    assert name in out and "相差4" in out and "T4-R1" not in out
    assert out.index(name) < out.index("通过（")
    assert "表四“行政复议”的“总计” = 0" in out


def test_previous_and_rubric_options(tmp_path: Path) -> None:
    path = _write(tmp_path, "report.txt", to_text_document(v2021_report()))
    rubric = tmp_path / "rubric.toml"
    rubric.write_text(resources.files("eval").joinpath("rubric.toml").read_text(encoding="utf-8")
                      .replace('version = "2021.1"', 'version = "local.1"'), encoding="utf-8")
    result = runner.invoke(app, ["score", str(path), "--previous", str(path), "--rubric", str(rubric),
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["score"]["rubric"] == "local.1"
    reuse = [f for f in data["findings"] if f["rule"] == "X-REUSE-TEXT"]
    assert reuse and reuse[0]["passed"] is False


def test_bad_rubric_is_a_usage_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "report.txt", to_text_document(v2021_report()))
    bad = _write(tmp_path, "bad.toml", 'version = "x"\n[dimensions.a]\nweight = 3\n[rules]\n')
    result = runner.invoke(app, ["score", str(path), "--rubric", str(bad)])
    assert result.exit_code == 2
    assert "权重" in result.output


def test_unreadable_file_scores_zero_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    result = runner.invoke(app, ["score", str(path), "--format", "json"])
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["score"]["total"] == 0.0
    assert [f["rule"] for f in data["findings"]] == ["REPORT-FAILED"]


def test_unreadable_file_prints_its_reason_not_a_scorecard(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    result = runner.invoke(app, ["score", str(path)])
    assert result.exit_code == 2
    assert "读取失败" in result.stdout and CODE_NAMES["empty_file"] in result.stdout
    assert "总分" not in result.stdout and "分项得分" not in result.stdout and "0.0" not in result.stdout


def test_piped_output_keeps_table_three_row_labels_whole(tmp_path: Path) -> None:
    path = _write(tmp_path, "report.txt", to_text_document(v2021_report()))
    result = runner.invoke(app, ["parse", str(path), "--no-topics"], env={"COLUMNS": "", "TERMINAL_WIDTH": ""})
    assert result.exit_code == 0, result.output
    # At rich's default 80 columns these rows all read "1.属于 …" and could not be told apart.
    assert "不予公开·1.属于国家秘密" in result.stdout and "…" not in result.stdout
    assert "层级：县级" in result.stdout and "county" not in result.stdout
