"""`make demo`: read every bundled sample report and show what nianbao found in each."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from nlp.pipeline import parse_file
from service.render import render_report

SAMPLES = Path(__file__).resolve().parent / "samples"


def main(argv: list[str] | None = None) -> int:
    """Parse the samples (or the files given), print a summary and the first report in full."""
    console = Console()
    paths = [Path(a) for a in (argv if argv is not None else sys.argv[1:])] or sorted(SAMPLES.iterdir())
    reports = [parse_file(p) for p in paths if p.is_file()]
    summary = Table(title="nianbao 示例报告")
    for header in ("文件", "状态", "机关", "年度", "格式", "部分", "表格", "单元格", "问题"):
        summary.add_column(header)
    for report in reports:
        summary.add_row(
            Path(report.source.path).name,
            report.status,
            report.meta.agency or "—",
            str(report.meta.year or "—"),
            report.meta.template or "—",
            f"{len(report.sections)}/6",
            "、".join(report.tables.found) or "—",
            str(len(report.tables.cells)),
            "；".join(e.code for e in report.errors) or "—",
        )
    console.print(summary)
    if reports:
        render_report(reports[0], console)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
