"""`make demo`: read, check and score every bundled sample report, then rank them."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from eval.ranking import entry_from_report, rank
from eval.scoring import evaluate, load_rubric
from nlp.pipeline import parse_file
from service.render_score import render_score

SAMPLES = Path(__file__).resolve().parent / "samples"


def main(argv: list[str] | None = None) -> int:
    """Score the samples (or the files given), print the ranking and the lowest scorecard in full."""
    console = Console()
    paths = [Path(a) for a in (argv if argv is not None else sys.argv[1:])] or sorted(SAMPLES.iterdir())
    rubric = load_rubric()
    reports = {p.name: evaluate(parse_file(p), rubric=rubric) for p in paths if p.is_file()}
    ranked = rank(entry_from_report(name, report) for name, report in reports.items())
    summary = Table(title=f"nianbao 示例报告评分（评分细则 {rubric.version}）")
    for header in ("名次", "文件", "机关", "年度", "格式", "得分", "百分位", "未通过规则"):
        summary.add_column(header)
    for item in ranked:
        report = reports[item.id]
        failed = sorted({f.rule for f in report.findings if f.passed is False and f.severity != "info"})
        summary.add_row(
            str(item.rank),
            item.id,
            report.meta.agency or "—",
            str(report.meta.year or "—"),
            report.meta.template or "—",
            f"{report.score.total:.1f}" if report.score else "—",
            f"{item.percentile:.0f}",
            "、".join(failed) or "—",
        )
    console.print(summary)
    if ranked:
        render_score(reports[ranked[-1].id], console, rubric)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
