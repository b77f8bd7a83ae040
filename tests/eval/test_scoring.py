"""The rubric and the scorer: weights, deductions per rule and severity, caps, bonuses, failed reports."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest

from eval.checks import run_rules
from eval.scoring import RubricError, evaluate, load_rubric, rubric_from_dict, score
from nlp.report import Report, ReportError, Source
from tests.eval.builders import legacy_other, set_cell, set_cells, v2019_report, v2021_report, with_meta
from tests.eval.test_cross import previous_year

# Every rule id the evaluator can emit; the rubric must weigh each of them.
RULES = {
    "REPORT-FAILED", "OL-SECTIONS", "OL-ORDER", "OL-S1-TOPICS", "OL-S1-ACCOUNT", "OL-TEMPLATE", "OL-TABLES",
    "OL-CELLS", "OL-T3-LEGACY", "OL-BLANK", "PF-S6-FEE", "T3-R1", "T3-R2", "T3-R3", "T3-R4", "T4-R1", "T4-R2",
    "T4-R3", "T4-R4", "T2-R1", "PF-PERIOD", "T3-N1", "T4-N1", "T2-N1", "T3-X1", "T2-X1", "X-PAIR",
    "PF-S1-LENGTH", "Q-S1-CONCRETE", "Q-S5-PROBLEMS", "Q-S5-MEASURES", "Q-S5-VAGUE", "Q-S5-MATCH", "Q-RECTIFY",
    "X-REUSE-S5", "X-REUSE-TEXT", "PF-TIMELY",
}


def test_shipped_rubric() -> None:
    rubric = load_rubric()
    assert rubric.version == "2021.1"
    assert sum(d.weight for d in rubric.dimensions) == 100
    assert {d.key for d in rubric.dimensions} >= {"completeness", "accuracy", "consistency", "specificity",
                                                 "timeliness"}
    assert set(rubric.rules) == RULES
    assert rubric.dimension("timeliness").requires == "published"  # type: ignore[union-attr]


def test_rubric_is_package_data() -> None:
    text = resources.files("eval").joinpath("rubric.toml").read_text(encoding="utf-8")
    assert tomllib.loads(text)["version"] == "2021.1"


def test_every_emitted_rule_is_in_the_rubric() -> None:
    reports = [
        v2021_report(), v2019_report(), legacy_other(v2021_report()),
        with_meta(v2021_report(), published="2022-05-01"),
        set_cell(v2021_report(), "table4", "review", "total", 0),
    ]
    emitted = {f.rule for r in reports for f in run_rules(r, previous_year())}
    emitted |= {f.rule for f in run_rules(Report(status="failed"))}
    assert emitted <= set(load_rubric().rules)


def test_correct_report_scores_100_without_timeliness() -> None:
    card = score(v2021_report())
    assert card.total == 100.0 and card.rubric == "2021.1"
    assert set(card.dimensions) == {"completeness", "accuracy", "consistency", "specificity"}


def test_timeliness_counts_when_the_publication_date_is_known() -> None:
    on_time = score(with_meta(v2021_report(), published="2022-01-15"))
    assert on_time.dimensions["timeliness"] == 100.0 and on_time.total == 100.0
    late = score(with_meta(v2021_report(), published="2022-04-20"))
    assert late.dimensions["timeliness"] == 0.0 and late.total == 95.0


def test_an_arithmetic_error_costs_accuracy() -> None:
    card = score(set_cell(v2021_report(), "table4", "review", "maintain", 3))
    assert card.dimensions["accuracy"] == 90.0
    assert card.total == pytest.approx((30 * 100 + 30 * 90 + 15 * 100 + 20 * 100) / 95, abs=0.05)


def test_deductions_are_capped_per_rule() -> None:
    # Every row total of table 三 off by one: 25 T3-R2 errors, capped at 20 points.
    changes = {("table3", r.row, "total"): r.value + 1 for r in v2021_report().tables.of("table3")  # type: ignore[operator]
               if r.column == "total"}
    report = set_cells(v2021_report(), changes)
    findings = run_rules(report)
    assert sum(1 for f in findings if f.rule == "T3-R2" and f.passed is False) == 25
    # T3-R2 capped at 20, plus the one T3-R3 failure of the 总计 column (6).
    assert score(report).dimensions["accuracy"] == 100 - 20 - 6


def test_not_assessable_findings_cost_nothing() -> None:
    report = set_cell(v2021_report(), "table3", "r3_1_granted", "total", None)
    card = score(report)
    assert card.dimensions["accuracy"] == 100.0
    assert card.dimensions["completeness"] == 95.0  # only the blank cell itself (OL-BLANK)


def test_bonus_cannot_exceed_100() -> None:
    assert score(v2021_report()).dimensions["specificity"] == 100.0


def test_evaluate_fills_findings_and_score_without_touching_the_input() -> None:
    report = v2021_report()
    scored = evaluate(report, previous_year())
    assert report.findings == () and report.score is None
    assert scored.score is not None and scored.findings
    assert any(f.rule == "T3-X1" for f in scored.findings)
    assert scored.text == report.text


def test_failed_report_scores_zero_with_a_reason() -> None:
    failed = Report(source=Source(path="x.pdf"), status="failed",
                    errors=(ReportError("encrypted", "文件已加密，无法读取"),))
    scored = evaluate(failed)
    assert scored.score is not None and scored.score.total == 0.0
    (finding,) = scored.findings
    assert finding.rule == "REPORT-FAILED" and finding.passed is False
    assert "文件已加密" in finding.message
    assert finding.evidence["errors"][0]["code"] == "encrypted"


def test_custom_rubric_file(tmp_path: Path) -> None:
    text = resources.files("eval").joinpath("rubric.toml").read_text(encoding="utf-8")
    custom = tmp_path / "strict.toml"
    custom.write_text(text.replace('version = "2021.1"', 'version = "test.1"').replace(
        '[rules."T4-R1"]\ndimension = "accuracy"\nerror = 10', '[rules."T4-R1"]\ndimension = "accuracy"\nerror = 50'),
        encoding="utf-8")
    rubric = load_rubric(custom)
    card = score(set_cell(v2021_report(), "table4", "review", "maintain", 3), rubric)
    assert card.rubric == "test.1" and card.dimensions["accuracy"] == 50.0


def test_invalid_rubrics_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(RubricError, match="权重之和"):
        rubric_from_dict({"version": "x", "dimensions": {"a": {"weight": 60}}, "rules": {}})
    with pytest.raises(RubricError, match="不存在"):
        rubric_from_dict({"version": "x", "dimensions": {"a": {"weight": 100}},
                          "rules": {"T3-R1": {"dimension": "b", "error": 1}}})
    with pytest.raises(RubricError):
        rubric_from_dict({"version": "x", "dimensions": {"a": {"weight": 100}},
                          "rules": {"T3-R1": {"dimension": "a", "fatal": 1}}})
    bad = tmp_path / "bad.toml"
    bad.write_text("version = ", encoding="utf-8")
    with pytest.raises(RubricError, match="TOML"):
        load_rubric(bad)
