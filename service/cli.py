"""The `nianbao` command line: thin wrappers that print Reports for people or as JSON."""

from __future__ import annotations

import logging
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from eval.scoring import RubricError, evaluate, load_rubric
from nlp.pipeline import parse_file
from nlp.serialize import report_to_json
from service.cli_batch import batch
from service.cli_serve import serve, user_app
from service.render import render_report
from service.render_score import render_score

app = typer.Typer(add_completion=False, no_args_is_help=True, help="读取、检查并评价政府信息公开工作年度报告。")


class OutputFormat(StrEnum):
    """What the commands print: a readable view or the JSON contract."""

    text = "text"
    json = "json"


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="log what the pipeline does")] = False) -> None:
    """nianbao: annual reports on government information disclosure, read and checked."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


@app.command()
def parse(
    file: Annotated[Path, typer.Argument(help="a report: PDF, HTML, DOCX, text or Markdown")],
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="text or json")] = OutputFormat.text,
) -> None:
    """Read a report into the official structure: sections, the three tables, metadata."""
    report = parse_file(file)
    if output is OutputFormat.json:
        sys.stdout.write(report_to_json(report) + "\n")
    else:
        render_report(report, Console())
    if report.status == "failed":
        raise typer.Exit(code=2)


@app.command()
def score(
    file: Annotated[Path, typer.Argument(help="the report to score: PDF, HTML, DOCX, text or Markdown")],
    previous: Annotated[
        Path | None, typer.Option("--previous", "-p", help="the same body's report for the previous year")
    ] = None,
    rubric: Annotated[Path | None, typer.Option("--rubric", help="a rubric TOML file (default: the shipped one)")] = None,
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="text or json")] = OutputFormat.text,
) -> None:
    """Check a report against the official format and score it: failed rules first, each with its evidence."""
    try:
        chosen = load_rubric(rubric)
    except (OSError, RubricError) as exc:
        raise typer.BadParameter(str(exc), param_hint="--rubric") from exc
    report = evaluate(parse_file(file), parse_file(previous) if previous else None, chosen)
    if output is OutputFormat.json:
        sys.stdout.write(report_to_json(report) + "\n")
    else:
        render_score(report, Console(), chosen)
    if report.status == "failed":
        raise typer.Exit(code=2)


app.command()(batch)
app.command()(serve)
app.add_typer(user_app, name="user")

if __name__ == "__main__":
    app()
