"""The evaluator on real reports from ../shared/corpus (skipped when the corpus is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.arithmetic import check_arithmetic
from eval.checks import run_rules
from eval.narrative import check_narrative
from eval.scoring import evaluate
from nlp.pipeline import parse_file
from nlp.report import Finding, Report

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
FILES = {
    "hongze-2023": "pdf/hongze-district-2023.pdf",
    "hongze-2024": "pdf/hongze-district-2024.pdf",
    "huaian-2024": "pdf/huaian-city-2024.pdf",
    "shanghai-2019": "html/shanghai-office-2019.html",
    "shangjie-2019": "text/shangjie-district-2019.pdf-copy.txt",
}
ARITHMETIC = ("T3-R1", "T3-R2", "T3-R3", "T3-R4", "T4-R1", "T4-R2", "T4-R3", "T4-R4")


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    """Each corpus file parsed once for the whole module (a PDF takes about 0.4 s)."""
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    out = {}
    for key, name in FILES.items():
        path = CORPUS / name
        if not path.is_file():
            pytest.skip(f"corpus file missing: {path}")
        out[key] = parse_file(path)
    return out


def _arithmetic_failures(report: Report) -> list[Finding]:
    return [f for f in check_arithmetic(report) if f.rule in ARITHMETIC and f.passed is False]


def test_hongze_2023_has_exactly_the_two_real_table4_errors(reports: dict[str, Report]) -> None:
    failures = _arithmetic_failures(reports["hongze-2023"])
    assert [f.rule for f in failures] == ["T4-R1", "T4-R3"]
    review, after_review = failures
    assert review.evidence["subject"] == {"table": "table4", "group": "review"}
    assert [c["value"] for c in review.evidence["lhs"]] == [10, 1, 0, 0]
    assert (review.evidence["left"], review.evidence["right"], review.evidence["difference"]) == (11, 0, 11)
    assert review.evidence["rhs"][0]["column"] == "total" and review.evidence["rhs"][0]["page"] == 4
    assert review.message == "表四行政复议：维持10+纠正1+其他0+未审结0=11，但总计填0，相差11"
    assert after_review.evidence["subject"]["group"] == "lit_after_review"
    assert [c["value"] for c in after_review.evidence["lhs"]] == [5, 0, 0, 0]
    assert (after_review.evidence["left"], after_review.evidence["right"]) == (5, 0)


@pytest.mark.parametrize("key", ["hongze-2024", "huaian-2024", "shangjie-2019", "shanghai-2019"])
def test_no_arithmetic_error(reports: dict[str, Report], key: str) -> None:
    assert [f.message for f in _arithmetic_failures(reports[key])] == []


def test_shanghai_blank_totals_are_not_assessable(reports: dict[str, Report]) -> None:
    findings = check_arithmetic(reports["shanghai-2019"])
    blank_total = [f for f in findings if f.rule == "T3-R2" and f.evidence.get("reason") == "blank_total"]
    assert blank_total and all(f.passed is None for f in blank_total)
    (granted,) = [f for f in blank_total if f.evidence["subject"]["row"] == "r3_1_granted"]
    assert "总计栏空白" in granted.message
    # Columns that are filled do balance: 859 + 18 = 805 + 72.
    (total,) = [f for f in findings if f.rule == "T3-R1" and f.evidence["subject"]["column"] == "total"]
    assert total.passed is True and (total.evidence["left"], total.evidence["right"]) == (877, 877)


def test_shangjie_narrative_is_a_scope_question(reports: dict[str, Report]) -> None:
    findings = [f for f in check_narrative(reports["shangjie-2019"]) if f.rule == "T3-N1" and f.passed is False]
    (received,) = [f for f in findings if f.evidence["stated"] == 39 and f.evidence["measure"] == "received"]
    assert received.severity == "warning"
    assert (received.evidence["left"], received.evidence["right"]) == (39, 79)
    assert received.evidence["scope_relation"] == "narrower"
    assert received.message.startswith("口径待核实")
    assert "上街区人民政府及办公室" in received.message
    assert "39" in received.evidence["sentence"]["text"]
    assert received.evidence["cells"][0]["row"] == "r1_new"
    assert all(f.severity == "warning" for f in findings)


def test_hongze_2024_office_subject_is_a_scope_question(reports: dict[str, Report]) -> None:
    (finding,) = [f for f in check_narrative(reports["hongze-2024"]) if f.passed is False]
    assert finding.severity == "warning" and finding.evidence["right"] == 95


def test_huaian_narrative_agrees(reports: dict[str, Report]) -> None:
    findings = check_narrative(reports["huaian-2024"])
    assert findings and all(f.passed is True for f in findings)


def test_year_over_year_pair(reports: dict[str, Report]) -> None:
    scored = evaluate(reports["hongze-2024"], reports["hongze-2023"])
    by_rule: dict[str, list[Finding]] = {}
    for f in scored.findings:
        by_rule.setdefault(f.rule, []).append(f)
    assert all(f.passed for f in by_rule["T3-X1"]) and all(f.passed for f in by_rule["T2-X1"])
    assert by_rule["X-REUSE-S5"][0].evidence["share"] > 0.3  # the same measures, reworded in part
    assert scored.score is not None and scored.score.rubric == "2021.1"


def test_every_corpus_report_scores(reports: dict[str, Report]) -> None:
    for key, report in reports.items():
        scored = evaluate(report)
        assert scored.score is not None and 0 < scored.score.total <= 100, key
        assert len(run_rules(report)) == len(scored.findings)
    assert evaluate(reports["hongze-2023"]).score.total < evaluate(reports["hongze-2024"]).score.total  # type: ignore[union-attr]
