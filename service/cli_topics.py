"""`nianbao classify` and `nianbao train pretrain|finetune|evaluate`: sentence topics from the command line."""

from __future__ import annotations

import json
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

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
) -> None:
    """Per-label P/R/F1, macro-F1 and confusion matrices of the model, TF-IDF and keyword rules on the same split."""
    from training.data import corpus_dir
    from training.evaluate import evaluate_all, format_scores, weak_agreement

    results = evaluate_all(model)
    if not results:
        typer.echo(f"no gold sentences could be read (corpus: {corpus_dir()})", err=True)
        raise typer.Exit(2)
    for s in results:
        typer.echo(format_scores(s) + "\n")
    if weak:
        typer.echo("== weak labelling functions vs gold (all gold sentences)")
        for name, st in weak_agreement().items():
            typer.echo(f"{name:<22} coverage {st['coverage']:.3f}  accuracy {st['accuracy']:.3f}  n {st['n']}")
