"""`nianbao classify` and `nianbao train pretrain|finetune|evaluate`: sentence topics from the command line."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, BinaryIO

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from models.topics import TopicInput
    from training.data import Example
    from training.evaluate import Scores

train_app = typer.Typer(add_completion=False, no_args_is_help=True,
                        help="训练句子主题模型：pretrain（字级 BERT 掩码预训练）、finetune、evaluate。")


class TopicFormat(StrEnum):
    """Readable table or JSON lines."""

    text = "text"
    json = "json"


class Component(StrEnum):
    """The mix, or one of its parts alone."""

    mix = "mix"
    network = "network"
    lexical = "lexical"
    rules = "rules"


# One input line is a sentence (5,000 characters are classified, the rest cut with a warning) or a JSON object
# with its context; a line past this many bytes is refused rather than read into memory whole.
MAX_LINE_BYTES = 1 << 20
MAX_INPUT_LINES = 200_000


class InputError(ValueError):
    """An input line that cannot be read: broken JSON, a missing text, too long or too many lines."""


def parse_line(number: int, line: str) -> TopicInput:
    """A plain sentence, or a JSON object {"text", "section"?, "previous"?} (other keys ignored)."""
    from models.topics import TopicInput

    if not line.lstrip().startswith("{"):
        return TopicInput(line)
    try:
        record = json.loads(line)
    except ValueError as exc:
        raise InputError(f"第 {number} 行不是有效的 JSON：{exc}") from exc
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise InputError(f"第 {number} 行的 JSON 缺少字符串字段 text")
    context = {k: record.get(k) for k in ("section", "previous")}
    bad = [k for k, v in context.items() if v is not None and not isinstance(v, str)]
    if bad:
        raise InputError(f"第 {number} 行的 {', '.join(bad)} 应为字符串")
    return TopicInput(record["text"], context["section"], context["previous"])


def read_inputs(stream: BinaryIO) -> list[TopicInput]:
    """Every line of a UTF-8 stream as a topic input; over-long sentences cut to MAX_CHARS with a warning."""
    from models.topics import MAX_CHARS, TopicInput

    out = []
    while raw := stream.readline(MAX_LINE_BYTES + 1):
        number = len(out) + 1
        if len(raw) > MAX_LINE_BYTES:
            raise InputError(f"第 {number} 行超过 {MAX_LINE_BYTES} 字节")
        if number > MAX_INPUT_LINES:
            raise InputError(f"输入超过 {MAX_INPUT_LINES} 行；请分批分类")
        item = parse_line(number, raw.decode("utf-8", errors="replace").rstrip("\r\n"))
        if len(item.text) > MAX_CHARS:
            typer.echo(f"警告：第 {number} 行有 {len(item.text)} 个字符，只分类前 {MAX_CHARS} 个", err=True)
            item = TopicInput(item.text[:MAX_CHARS], item.section, item.previous)
        out.append(item)
    return out


def classify(
    file: Annotated[str, typer.Argument(help="每行一句的文本文件，或 JSON Lines（{\"text\", \"section\", \"previous\"}）；- 为标准输入")] = "-",
    model: Annotated[Path | None, typer.Option("--model", "-m", help="本地主题模型目录（默认：随附模型）")] = None,
    output: Annotated[TopicFormat, typer.Option("--format", "-f", help="text（表格）或 json（每行一个对象）")] = TopicFormat.text,
    component: Annotated[Component, typer.Option(
        help="mix（混合，默认）或单独一部分：network（网络）、lexical（TF-IDF）、rules（关键词规则）")] = Component.mix,
) -> None:
    """为每行句子标注主题（问题、改进措施、机制、年度工作、其他）；JSON 行可附所在部分 section 与上一句 previous。"""
    from models.topics import ModelError, load_classifier
    from nlp.labels import TOPIC_NAMES

    try:
        if file == "-":
            items = read_inputs(sys.stdin.buffer)
        else:
            with Path(file).open("rb") as stream:
                items = read_inputs(stream)
    except OSError as exc:
        typer.echo(f"无法读取输入 {file}: {exc}", err=True)
        raise typer.Exit(2) from exc
    except InputError as exc:
        typer.echo(f"输入错误：{exc}", err=True)
        raise typer.Exit(2) from exc
    try:
        clf = load_classifier(model, lexical=component == Component.lexical)
        preds = clf.classify(items, component=component.value)
    except ModelError as exc:
        typer.echo(f"模型错误: {exc}", err=True)
        raise typer.Exit(2) from exc
    if output == TopicFormat.json:
        for item, (topic, conf, scores) in zip(items, preds, strict=True):
            sys.stdout.write(json.dumps({"text": item.text, "topic": topic, "topic_name": TOPIC_NAMES[topic],
                                         "confidence": round(conf, 4), "scores": scores}, ensure_ascii=False) + "\n")
        return
    part = "" if component == Component.mix else f"，仅 {component.value}"
    table = Table("主题", "置信度", "句子", title=f"句子主题（{clf.version}{part}）")
    for item, (topic, conf, _) in zip(items, preds, strict=True):
        table.add_row(TOPIC_NAMES[topic], f"{conf:.2f}", item.text[:80])
    Console().print(table)


@train_app.command("pretrain")
def pretrain_cmd(
    out: Annotated[Path, typer.Option(help="掩码语言模型检查点的输出目录")] = Path("out/charbert-mlm"),
    epochs: Annotated[int | None, typer.Option(help="遍历报告文本的轮数（默认：随附模型的轮数）")] = None,
    layers: Annotated[int, typer.Option(help="Transformer 层数")] = 4,
    hidden: Annotated[int, typer.Option(help="隐藏层维度")] = 128,
    seed: Annotated[int, typer.Option(help="随机种子")] = 42,
    whole_word: Annotated[bool | None, typer.Option("--whole-word/--single-chars",
                                                    help="按 jieba 词整词遮盖（默认），或逐字遮盖")] = None,
    from_db: Annotated[str | None, typer.Option(
        "--from-db", help="另用服务数据库中已读取的报告文本（部署自己的上传）")] = None,
) -> None:
    """用语料中的报告文本和自编文本（可另加部署已存的报告），对小型字级 BERT 做掩码语言模型预训练。"""
    from training.data import corpus_dir, pretraining_texts, report_lines
    from training.pretrain import PretrainConfig, pretrain

    texts = pretraining_texts()
    if from_db:
        texts += [line for text in _db_report_texts(from_db) for line in report_lines(text)]
    if not texts:
        typer.echo(f"找不到报告文本（语料目录：{corpus_dir()}）", err=True)
        raise typer.Exit(2)
    # Unset options keep PretrainConfig's defaults (the shipped model's recipe), imported only for this command.
    chosen = {k: v for k, v in {"epochs": epochs, "whole_word": whole_word}.items() if v is not None}
    record = pretrain(texts, out, PretrainConfig(num_hidden_layers=layers, hidden_size=hidden,
                                                 intermediate_size=hidden * 4, seed=seed, **chosen))
    typer.echo(json.dumps({k: record[k] for k in ("n_texts", "vocab_size", "train_loss", "train_seconds")}))


@train_app.command("finetune")
def finetune_cmd(
    base: Annotated[Path, typer.Option(help="本地检查点：本项目预训练的字级 BERT，或如 bert-base-chinese 的本地目录")] = Path("out/charbert-mlm"),
    out: Annotated[Path, typer.Option(help="主题模型的输出目录")] = Path("out/topic_model"),
    epochs: Annotated[int, typer.Option(help="微调轮数")] = 6,
    lr: Annotated[float, typer.Option(help="学习率")] = 3e-4,
    seed: Annotated[int, typer.Option(help="随机种子")] = 42,
    lexical_weight: Annotated[float | None, typer.Option(
        help="TF-IDF 部分在概率中的份额（默认：随附模型的份额，由 benchmarks/topic_crossval.py 选定）", min=0.0, max=1.0)] = None,
    rules_weight: Annotated[float | None, typer.Option(
        help="关键词规则在概率中的份额（默认：随附模型的份额）", min=0.0, max=1.0)] = None,
) -> None:
    """在训练集报告（金标与弱标注）、自编例句和模板句上微调句子主题模型，再在留出的金标报告上评估，
    结果写入模型旁的 metrics.json。"""
    from training.data import training_examples
    from training.evaluate import evaluate_all, scores_to_json
    from training.finetune import FinetuneConfig, finetune

    examples = training_examples()
    started = time.perf_counter()
    finetune(base, examples, out, FinetuneConfig(
        epochs=epochs, learning_rate=lr, seed=seed,
        lexical_weight=FinetuneConfig.lexical_weight if lexical_weight is None else lexical_weight,
        rules_weight=FinetuneConfig.rules_weight if rules_weight is None else rules_weight))
    results = evaluate_all(out)
    metrics = scores_to_json(results)
    metrics["train_seconds_total"] = round(time.perf_counter() - started, 1)
    (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2), encoding="utf-8")
    typer.echo(json.dumps({s.name: round(s.macro_f1, 4) for s in results}, ensure_ascii=False))


@train_app.command("evaluate")
def evaluate_cmd(
    model: Annotated[Path | None, typer.Option(help="主题模型目录（默认：随附模型）")] = None,
    weak: Annotated[bool, typer.Option(help="同时列出各标注函数与金标的一致程度")] = True,
    test_data: Annotated[Path | None, typer.Option(
        "--test-data", help='部署自己的测试集：JSON Lines，每行 {"text", "label"}')] = None,
    from_db: Annotated[str | None, typer.Option(
        "--from-db", help="服务数据库 URL：评估该部署自己的测试集（留出报告上的标注）")] = None,
) -> None:
    """模型、TF-IDF 和关键词规则在留出金标报告上的各主题 P/R/F1、宏 F1 与混淆矩阵；没有语料时列出模型记录的
    留出结果。也可评估部署自己的测试集。"""
    from models.topics import DEFAULT_MODEL_DIR
    from training.data import corpus_dir
    from training.evaluate import evaluate_all, evaluate_on, scores_from_json, weak_agreement

    results = evaluate_all(model)
    if results:
        _echo_scores(results)
        if weak:
            typer.echo("== weak labelling functions vs gold (all gold sentences)")
            for name, st in weak_agreement().items():
                typer.echo(f"{name:<22} coverage {st['coverage']:.3f}  accuracy {st['accuracy']:.3f}  n {st['n']}")
    else:
        metrics = (model or DEFAULT_MODEL_DIR) / "metrics.json"
        results = scores_from_json(json.loads(metrics.read_text(encoding="utf-8"))) if metrics.is_file() else []
        typer.echo(f"读不到留出报告的金标句（语料：{corpus_dir()}），无法重新测量；" + (
            f"以下为模型训练时记录的留出集指标（{metrics}）。\n" if results else f"也没有 {metrics}。"))
        _echo_scores(results)
    splits = []
    if test_data is not None:
        from training.retrain import load_examples_jsonl

        try:
            splits.append((test_data.name, load_examples_jsonl(test_data, "deployment")))
        except (OSError, ValueError) as exc:
            typer.echo(f"无法读取测试集 {test_data}: {exc}", err=True)
            raise typer.Exit(2) from exc
    if from_db is not None:
        splits.append(("本部署测试集", _db_test_split(from_db)))
    reported = bool(results)
    for name, examples in splits:
        if not examples:
            typer.echo(f"{name}：测试集为空。", err=True)
            continue
        _echo_scores(evaluate_on(model, examples, f"{name}（{len(examples)} 句）"))
        reported = True
    if not reported:
        raise typer.Exit(2)


def _echo_scores(results: Sequence[Scores]) -> None:
    from training.evaluate import format_scores

    for s in results:
        typer.echo(format_scores(s) + "\n")


@contextmanager
def _db_session(url: str) -> Iterator[Any]:
    """A session on a service database, its schema brought up to date first (as the service does)."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from service.web.db import migrate
    from service.web.settings import Settings

    engine = create_engine(Settings(database_url=url).url)
    try:
        migrate(engine)
        with Session(engine) as db:
            yield db
    finally:
        engine.dispose()


def _db_test_split(url: str) -> list[Example]:
    """The test split a service database holds."""
    from service.web.retraining import own_test_examples

    with _db_session(url) as db:
        return own_test_examples(db)


def _db_report_texts(url: str) -> list[str]:
    """The text of every report a service database holds that was read (failed documents have none)."""
    from sqlalchemy import select

    from service.web.models import ReportRow

    with _db_session(url) as db:
        bodies = db.scalars(select(ReportRow.body).where(ReportRow.status != "failed"))
        return [text for body in bodies if (text := json.loads(body).get("text"))]
