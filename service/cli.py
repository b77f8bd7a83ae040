"""The `nianbao` command line: thin wrappers that print Reports for people or as JSON."""

from __future__ import annotations

import logging
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from nlp.ingest.ocr import progress as ocr_progress
from nlp.report import Report
from service import cli_help
from service.analyze import DEFAULT_TOPICS, Document, Topics, analyze, read
from service.cli_batch import batch
from service.cli_retrain import retrain
from service.cli_serve import serve, user_app
from service.cli_topics import classify, train_app
from service.render import render_report

cli_help.install()
app = typer.Typer(add_completion=False, no_args_is_help=True, help="读取、检查并评价政府信息公开工作年度报告。")


class OutputFormat(StrEnum):
    """What the commands print: a readable view or the JSON contract."""

    text = "text"
    json = "json"


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="输出处理过程的日志")] = False) -> None:
    """nianbao：读取、检查并评价政府信息公开工作年度报告。"""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


def _scan_progress(page: int, pages: int) -> None:
    """One stderr line per page that OCR reads (stdout stays the report or its JSON)."""
    sys.stderr.write(f"文字识别：第 {page}/{pages} 页\n")
    sys.stderr.flush()


ModelOption = Annotated[
    Path | None, typer.Option("--model", "-m", help="本地主题模型目录（默认：随程序提供的模型）")
]
TopicsOption = Annotated[bool, typer.Option("--topics/--no-topics", help="按主题（问题、改进措施、机制、年度工作、其他）给正文句子分类")]


def console() -> Console:
    """Where the readable views print: the terminal's width, or whole rows when piped (cli_help.piped_width)."""
    return Console(width=cli_help.piped_width())


def _print_json(report: Report) -> None:
    # The JSON contract's models (pydantic, about 0.3 s to import) load only when JSON is asked for.
    from nlp.serialize import report_to_json

    sys.stdout.write(report_to_json(report) + "\n")


def existing(path: Path, hint: str | None = None) -> Path:
    """A path the user named that is no file is a usage error (exit 2) in words, not an OS message."""
    if not path.is_file():
        raise typer.BadParameter(f"找不到文件：{path}" if not path.exists() else f"不是文件：{path}", param_hint=hint)
    return path


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
    file: Annotated[Path, typer.Argument(help="一份报告：PDF、HTML、DOCX、纯文本或 Markdown")],
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="text（可读视图）或 json")] = OutputFormat.text,
    model: ModelOption = None,
    topics: TopicsOption = True,
) -> None:
    """把报告读成规定结构：六个部分、三张统计表、基本信息和句子主题。"""
    ocr_progress.set(_scan_progress)  # a scan takes seconds a page: say which page is being recognised
    report = read(Document.of_path(existing(file)), load_topics(model, topics))
    if output is OutputFormat.json:
        _print_json(report)
    else:
        render_report(report, console())
    if report.status == "failed":
        raise typer.Exit(code=2)


@app.command()
def score(
    file: Annotated[Path, typer.Argument(help="要评价的报告：PDF、HTML、DOCX、纯文本或 Markdown")],
    previous: Annotated[
        Path | None, typer.Option("--previous", "-p", help="同一机关上一年度的报告")
    ] = None,
    rubric: Annotated[Path | None, typer.Option("--rubric", help="评分细则 TOML 文件（默认：随程序提供的细则）")] = None,
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="text（可读视图）或 json")] = OutputFormat.text,
    model: ModelOption = None,
    topics: TopicsOption = True,
) -> None:
    """按规定格式检查报告并评分：先列未通过的规则及其依据。"""
    ocr_progress.set(_scan_progress)
    from eval.scoring import RubricError, load_rubric  # the evaluator loads for `score` only

    try:
        chosen = load_rubric(rubric)
    except (OSError, RubricError) as exc:
        raise typer.BadParameter(str(exc), param_hint="--rubric") from exc
    classifier = load_topics(model, topics)
    last_year = read(Document.of_path(existing(previous, "--previous")), classifier) if previous else None
    report = analyze(Document.of_path(existing(file)), classifier, previous=last_year, rubric=chosen)
    if output is OutputFormat.json:
        _print_json(report)
    else:
        from service.render_score import render_score

        render_score(report, console(), chosen)
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
