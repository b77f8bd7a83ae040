"""`nianbao classify` and `nianbao train pretrain|finetune|evaluate`: sentence topics from the command line."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from training.data import Example
    from training.evaluate import Scores

train_app = typer.Typer(add_completion=False, no_args_is_help=True,
                        help="训练句子主题模型：pretrain（字级 BERT 掩码预训练）、finetune、evaluate。")


class TopicFormat(StrEnum):
    """Readable table or JSON lines."""

    text = "text"
    json = "json"


def classify(
    file: Annotated[str, typer.Argument(help="a text file with one sentence per line, or - for standard input")] = "-",
    model: Annotated[Path | None, typer.Option("--model", "-m", help="a local topic model directory")] = None,
    output: Annotated[TopicFormat, typer.Option("--format", "-f", help="text or json (one object per line)")] = TopicFormat.text,
    quantize: Annotated[bool, typer.Option(help="int8 dynamic quantisation of the linear layers")] = False,
) -> None:
    """Label each input line as problem / measure / mechanism / other."""
    from models.topics import ModelError, load_classifier

    try:
        lines = sys.stdin.read().splitlines() if file == "-" else Path(file).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        typer.echo(f"无法读取输入 {file}: {exc}", err=True)
        raise typer.Exit(2) from exc
    try:
        clf = load_classifier(model, quantize=quantize)
    except ModelError as exc:
        typer.echo(f"模型错误: {exc}", err=True)
        raise typer.Exit(2) from exc
    preds = clf.classify(lines)
    if output == TopicFormat.json:
        for text, (topic, conf, scores) in zip(lines, preds, strict=True):
            sys.stdout.write(json.dumps({"text": text, "topic": topic, "confidence": round(conf, 4), "scores": scores},
                                        ensure_ascii=False) + "\n")
        return
    table = Table("topic", "conf.", "text", title=f"sentence topics ({clf.version})")
    for text, (topic, conf, _) in zip(lines, preds, strict=True):
        table.add_row(topic, f"{conf:.2f}", text[:80])
    Console().print(table)


@train_app.command("pretrain")
def pretrain_cmd(
    out: Annotated[Path, typer.Option(help="where to write the masked-LM checkpoint")] = Path("out/charbert-mlm"),
    epochs: Annotated[int, typer.Option(help="passes over the report text")] = 8,
    layers: Annotated[int, typer.Option(help="transformer layers")] = 4,
    hidden: Annotated[int, typer.Option(help="hidden size")] = 128,
    seed: Annotated[int, typer.Option(help="random seed")] = 42,
) -> None:
    """Pretrain a small character-level BERT on the corpus report text plus our written text."""
    from training.data import corpus_dir, pretraining_texts
    from training.pretrain import PretrainConfig, pretrain

    texts = pretraining_texts()
    if not texts:
        typer.echo(f"no report text found (corpus: {corpus_dir()})", err=True)
        raise typer.Exit(2)
    record = pretrain(texts, out, PretrainConfig(epochs=epochs, num_hidden_layers=layers, hidden_size=hidden,
                                                 intermediate_size=hidden * 4, seed=seed))
    typer.echo(json.dumps({k: record[k] for k in ("n_texts", "vocab_size", "train_loss", "train_seconds")}))


@train_app.command("finetune")
def finetune_cmd(
    base: Annotated[Path, typer.Option(help="a local checkpoint: our pretrained char BERT or e.g. bert-base-chinese")] = Path("out/charbert-mlm"),
    out: Annotated[Path, typer.Option(help="where to write the topic model")] = Path("out/topic_model"),
    epochs: Annotated[int, typer.Option(help="fine-tuning epochs")] = 10,
    lr: Annotated[float, typer.Option(help="learning rate")] = 3e-4,
    seed: Annotated[int, typer.Option(help="random seed")] = 42,
    lexical_weight: Annotated[float | None, typer.Option(
        help="share of a TF-IDF head in the probabilities (default: the shipped model's, chosen by "
             "benchmarks/topic_crossval.py)", min=0.0, max=1.0)] = None,
    rules_weight: Annotated[float | None, typer.Option(
        help="share of the keyword rules in the probabilities (default: the shipped model's)", min=0.0, max=1.0)] = None,
) -> None:
    """Fine-tune for sentence topics on the train-split reports (gold + weak), written and template examples;
    then measure on the held-out gold reports and store metrics.json beside the model."""
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
    model: Annotated[Path | None, typer.Option(help="topic model directory (default: the shipped one)")] = None,
    weak: Annotated[bool, typer.Option(help="also print the labelling functions' agreement with gold")] = True,
    test_data: Annotated[Path | None, typer.Option(
        "--test-data", help='a deployment\'s test split as JSON Lines of {"text", "label"}')] = None,
    from_db: Annotated[str | None, typer.Option(
        "--from-db", help="a service database URL: its own test split (answers of its held-out reports)")] = None,
) -> None:
    """Per-label P/R/F1, macro-F1 and confusion matrices of the model, TF-IDF and keyword rules on the held-out
    gold reports; without the corpus, the model's recorded held-out metrics. Also on a deployment's test split."""
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


def _db_test_split(url: str) -> list[Example]:
    """The test split a service database holds (its schema brought up to date first, as the service does)."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from service.web.db import migrate
    from service.web.retraining import own_test_examples
    from service.web.settings import Settings

    engine = create_engine(Settings(database_url=url).url)
    try:
        migrate(engine)
        with Session(engine) as db:
            return own_test_examples(db)
    finally:
        engine.dispose()
