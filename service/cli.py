"""The `nianbao` command line: thin wrappers that print Reports for people or as JSON."""

from __future__ import annotations

import logging
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from eval.scoring import RubricError, load_rubric
from nlp.serialize import report_to_json
from service.analyze import DEFAULT_TOPICS, Document, Topics, analyze, read
from service.cli_batch import batch
from service.cli_retrain import retrain
from service.cli_serve import serve, user_app
from service.cli_topics import classify, train_app
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


ModelOption = Annotated[
    Path | None, typer.Option("--model", "-m", help="a local topic model directory (default: the shipped one)")
]
TopicsOption = Annotated[bool, typer.Option("--topics/--no-topics", help="classify narrative sentences by topic")]


def load_topics(model: Path | None, topics: bool) -> Topics:
    """The topic model the options name; a model the user named that cannot be loaded is a usage error."""
    if not topics:
        return Topics.off()
    loaded = Topics.load(model or DEFAULT_TOPICS)
    if model is not None and loaded.unavailable:
        raise typer.BadParameter(loaded.unavailable, param_hint="--model")
    return loaded


@app.command()
def parse(
    file: Annotated[Path, typer.Argument(help="a report: PDF, HTML, DOCX, text or Markdown")],
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="text or json")] = OutputFormat.text,
    model: ModelOption = None,
    topics: TopicsOption = True,
) -> None:
    """Read a report into the official structure: sections, the three tables, metadata, sentence topics."""
    report = read(Document.of_path(file), load_topics(model, topics))
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
    model: ModelOption = None,
    topics: TopicsOption = True,
) -> None:
    """Check a report against the official format and score it: failed rules first, each with its evidence."""
    try:
        chosen = load_rubric(rubric)
    except (OSError, RubricError) as exc:
        raise typer.BadParameter(str(exc), param_hint="--rubric") from exc
    classifier = load_topics(model, topics)
    last_year = read(Document.of_path(previous), classifier) if previous else None
    report = analyze(Document.of_path(file), classifier, previous=last_year, rubric=chosen)
    if output is OutputFormat.json:
        sys.stdout.write(report_to_json(report) + "\n")
    else:
        render_score(report, Console(), chosen)
    if report.status == "failed":
        raise typer.Exit(code=2)


app.command()(batch)
app.command()(serve)
app.command()(classify)
app.add_typer(user_app, name="user")
train_app.command("retrain")(retrain)
app.add_typer(train_app, name="train")

if __name__ == "__main__":
    app()
