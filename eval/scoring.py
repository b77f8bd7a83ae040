"""The versioned rubric (eval/rubric.toml) and the scorer that turns findings into a 0–100 Scorecard."""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

from eval.checks import run_rules
from nlp.report import INTERNAL_ERROR, Finding, Report, Scorecard

log = logging.getLogger(__name__)

class RubricError(ValueError):
    """A rubric file that cannot be used (weights not summing to 100, unknown dimension, …)."""


@dataclass(frozen=True)
class Dimension:
    """A scored aspect of a report and its weight in the total."""

    key: str
    weight: float
    label: str
    description: str = ""
    requires: str | None = None  # a Meta field that must be known for the dimension to count


@dataclass(frozen=True)
class RuleWeight:
    """What a rule's failed findings cost (per severity) and its passed findings earn (bonus)."""

    dimension: str
    error: float = 0.0
    warning: float = 0.0
    info: float = 0.0
    bonus: float = 0.0
    cap: float | None = None  # most points one rule can take from its dimension

    def deduction(self, severity: str) -> float:
        """Points one failed finding of this severity costs."""
        return float(getattr(self, severity, 0.0))


@dataclass(frozen=True)
class Rubric:
    """A versioned set of dimensions and rule deductions."""

    version: str
    title: str
    dimensions: tuple[Dimension, ...]
    rules: Mapping[str, RuleWeight]

    def dimension(self, key: str) -> Dimension | None:
        """The dimension with this key."""
        return next((d for d in self.dimensions if d.key == key), None)


def rubric_from_dict(data: Mapping[str, Any]) -> Rubric:
    """Build and validate a Rubric from parsed TOML."""
    try:
        dimensions = tuple(
            Dimension(key, float(d["weight"]), str(d.get("label", key)), str(d.get("description", "")),
                      d.get("requires"))
            for key, d in data["dimensions"].items()
        )
        rules = {rule: RuleWeight(**spec) for rule, spec in data["rules"].items()}
        version = str(data["version"])
    except (KeyError, TypeError) as exc:
        raise RubricError(f"评分细则格式错误：{exc}") from exc
    total = sum(d.weight for d in dimensions)
    if abs(total - 100) > 1e-9:
        raise RubricError(f"评分细则各维度权重之和应为100，实为{total:g}")
    keys = {d.key for d in dimensions}
    for rule, weight in rules.items():
        if weight.dimension not in keys:
            raise RubricError(f"规则 {rule} 的维度“{weight.dimension}”不存在")
    return Rubric(version, str(data.get("title", "")), dimensions, rules)


def load_rubric(path: str | Path | None = None) -> Rubric:
    """The rubric in a TOML file, or the one shipped with the package."""
    if path is None:
        text = resources.files("eval").joinpath("rubric.toml").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RubricError(f"评分细则不是有效的 TOML：{exc}") from exc
    return rubric_from_dict(data)


def active_dimensions(report: Report, rubric: Rubric) -> tuple[Dimension, ...]:
    """The dimensions that apply: those whose required metadata the report has."""
    return tuple(d for d in rubric.dimensions if d.requires is None or getattr(report.meta, d.requires, None))


def dimension_scores(findings: tuple[Finding, ...], rubric: Rubric, dimensions: tuple[Dimension, ...]) -> dict[str, float]:
    """Each dimension's 0–100 score: 100 less capped deductions, plus bonuses."""
    taken: dict[str, float] = {}
    bonus: dict[str, float] = {}
    unknown = set()
    for finding in findings:
        weight = rubric.rules.get(finding.rule)
        if weight is None:
            unknown.add(finding.rule)
            continue
        if finding.passed is False:
            taken[finding.rule] = taken.get(finding.rule, 0.0) + weight.deduction(finding.severity)
        elif finding.passed is True and weight.bonus:
            bonus[weight.dimension] = bonus.get(weight.dimension, 0.0) + weight.bonus
    if unknown:
        log.warning("rubric %s has no weights for rules %s", rubric.version, sorted(unknown))
    lost: dict[str, float] = {}
    for rule, points in taken.items():
        weight = rubric.rules[rule]
        capped = min(points, weight.cap) if weight.cap is not None else points
        lost[weight.dimension] = lost.get(weight.dimension, 0.0) + capped
    return {
        d.key: round(max(0.0, min(100.0, 100.0 - lost.get(d.key, 0.0) + bonus.get(d.key, 0.0))), 1)
        for d in dimensions
    }


def score(report: Report, rubric: Rubric | None = None) -> Scorecard:
    """The Scorecard of a report from its findings (run here when the report has none yet)."""
    rubric = rubric or load_rubric()
    dimensions = active_dimensions(report, rubric)
    if report.status == "failed":
        return Scorecard(0.0, {d.key: 0.0 for d in dimensions}, rubric.version)
    findings = report.findings or run_rules(report)
    scores = dimension_scores(findings, rubric, dimensions)
    weight = sum(d.weight for d in dimensions)
    total = sum(scores[d.key] * d.weight for d in dimensions) / weight if weight else 0.0
    return Scorecard(round(total, 1), scores, rubric.version)


def evaluate(report: Report, previous: Report | None = None, rubric: Rubric | None = None) -> Report:
    """The report with `findings` and `score` filled: every rule, then the rubric."""
    rubric = rubric or load_rubric()
    if any(e.code == INTERNAL_ERROR for e in report.errors):
        # Our bug, not the report's fault: no findings and no score, so it is never ranked as a 0.
        return replace(report, findings=(), score=None)
    checked = replace(report, findings=run_rules(report, previous))
    return replace(checked, score=score(checked, rubric))

