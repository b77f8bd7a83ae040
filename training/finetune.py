"""Fine-tune a local BERT checkpoint for sentence topics with the transformers Trainer."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from models.topic_input import InputEncoder, marked_text
from models.topics import LABELS
from nlp.vocabulary import LABEL_SET_VERSION
from training.data import Example, data_hash
from training.pretrain import _Encoded, save_tokenizer, seed_everything

os.environ.setdefault("HF_HUB_OFFLINE", "1")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FinetuneConfig:
    """Schedule of topic fine-tuning."""

    epochs: int = 6
    batch_size: int = 32
    learning_rate: float = 3e-4
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    max_length: int = 128
    class_weighted: bool = True
    seed: int = 42
    # One thread: on a shared machine two torch threads wait on each other (a step took 20x longer).
    threads: int = 1
    # Shares of a TF-IDF head fitted on the same examples and of the keyword rules in the model's averaged
    # probabilities (models.topics.Mix); the network keeps 0.3. Chosen as the best mix on the training-split
    # bodies in benchmarks/topic_crossval.py; 0 and 0 leave the network alone.
    lexical_weight: float = 0.5
    rules_weight: float = 0.2
    # Feed each sentence with its section and previous sentence (models.topic_input's cross-encoder input).
    context: bool = True
    # The TF-IDF head reads the sentence led by its section mark (models.topic_input.marked_text).
    lexical_context: bool = True
    # Keep only the base's first layers (0: all): fewer layers, faster inference.
    layers: int = 0


def fit_lexical_head(examples: Sequence[Example], out_dir: str | Path, context: bool = False) -> Path:
    """Fit the TF-IDF head on the fine-tuning examples (led by their section mark with `context`) and write it
    beside the network."""
    from models.baseline import TfidfBaseline
    from models.lexical import LexicalHead

    texts = [marked_text(e.as_input()) if context else e.text for e in examples]
    baseline = TfidfBaseline().fit(texts, [e.label for e in examples])
    return LexicalHead.from_baseline(baseline, LABELS).save(out_dir)


def recipe_version(data_sha256: str, base_record: dict, config: FinetuneConfig) -> str:
    """A model's name from everything that made it: its training data, how its base was pretrained and how it was
    fine-tuned. The data alone would give a model pretrained afresh the name of the one it replaces, and what
    is cached under that name (batch results, suggestions) would be taken for its own."""
    recipe = {"data": data_sha256, "base": {k: base_record.get(k) for k in ("config", "n_texts", "vocab_size")},
              "finetune": asdict(config)}
    return f"topic-{hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:8]}"


def finetune(base: str | Path, examples: Sequence[Example], out_dir: str | Path,
             config: FinetuneConfig | None = None, version: str = "") -> dict:
    """Fine-tune the checkpoint in `base` (ours or any local BERT directory) and save a topic model to `out_dir`.

    The directory gets config.json (labels in id2label), model.safetensors, the tokenizer,
    training_config.json and data.json (hash and counts of the training data).
    """
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, Trainer, TrainingArguments

    config = config or FinetuneConfig()
    seed_everything(config.seed, config.threads)
    base = Path(base)
    if not (base / "config.json").exists():
        raise FileNotFoundError(f"no model checkpoint at {base} (config.json missing)")
    tok = AutoTokenizer.from_pretrained(base, local_files_only=True)
    label2id = {lab: i for i, lab in enumerate(LABELS)}
    model = AutoModelForSequenceClassification.from_pretrained(
        base, local_files_only=True, num_labels=len(LABELS), id2label=dict(enumerate(LABELS)), label2id=label2id,
    )
    if config.layers and config.layers < model.config.num_hidden_layers:
        model.bert.encoder.layer = model.bert.encoder.layer[: config.layers]
        model.config.num_hidden_layers = config.layers
    # The same encoding the numpy classifier applies at inference (models.topic_input), not the tokenizer's own.
    encoder = InputEncoder.load(base, {"nianbao_context": config.context}, config.max_length)
    rows = []
    for e, (ids, types) in zip(examples, encoder.encode([e.as_input() for e in examples]), strict=True):
        rows.append({"input_ids": ids, "token_type_ids": types, "attention_mask": [1] * len(ids),
                     "labels": label2id[e.label]})
    counts = torch.bincount(torch.tensor([r["labels"] for r in rows]), minlength=len(LABELS)).float()
    # Problems are rare in real reports: weight classes so the loss does not ignore them.
    weights = (counts.sum() / (len(LABELS) * counts.clamp(min=1))) if config.class_weighted else torch.ones(len(LABELS))

    class _Weighted(Trainer):
        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):  # type: ignore[override]
            labels = inputs.pop("labels")
            outputs = model(**inputs)
            loss = torch.nn.functional.cross_entropy(outputs.logits, labels, weight=weights.to(outputs.logits.device))
            return (loss, outputs) if return_outputs else loss

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # transformers 5 dropped warmup_ratio: turn it into steps.
    warmup = int(config.warmup_ratio * config.epochs * math.ceil(len(rows) / config.batch_size))
    args = TrainingArguments(
        output_dir=str(out / "_trainer"), num_train_epochs=config.epochs,
        per_device_train_batch_size=config.batch_size, learning_rate=config.learning_rate,
        weight_decay=config.weight_decay, warmup_steps=warmup, logging_steps=50,
        save_strategy="no", report_to=[], seed=config.seed, data_seed=config.seed, use_cpu=True,
        dataloader_num_workers=0, disable_tqdm=True,
    )
    from transformers import DataCollatorWithPadding

    started = time.perf_counter()
    trainer = _Weighted(model=model, args=args, train_dataset=_Encoded(rows),
                        data_collator=DataCollatorWithPadding(tok))
    result = trainer.train()
    seconds = time.perf_counter() - started
    shutil.rmtree(out / "_trainer", ignore_errors=True)
    base_record = {}
    if (base / "training_config.json").exists():
        base_record = json.loads((base / "training_config.json").read_text(encoding="utf-8"))
    model.config.nianbao_version = version or recipe_version(data_hash(examples), base_record, config)
    model.config.nianbao_lexical_weight = config.lexical_weight
    model.config.nianbao_rules_weight = config.rules_weight
    model.config.nianbao_context = config.context
    model.config.nianbao_lexical_context = config.lexical_context
    model.config.nianbao_label_set = LABEL_SET_VERSION
    if config.lexical_weight > 0:
        fit_lexical_head(examples, out, config.lexical_context)
    model.save_pretrained(out, safe_serialization=True)
    save_tokenizer(tok, out)
    record = {
        "kind": "topic-finetune", "base": str(base), "base_training": base_record, "config": asdict(config),
        "train_loss": result.training_loss, "train_seconds": round(seconds, 1),
        "version": model.config.nianbao_version,
    }
    (out / "training_config.json").write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    sources: dict[str, int] = {}
    for e in examples:
        sources[e.source] = sources.get(e.source, 0) + 1
    data = {"sha256": data_hash(examples), "n": len(examples), "by_source": dict(sorted(sources.items())),
            "by_label": {lab: int(c) for lab, c in zip(LABELS, counts.tolist(), strict=True)}}
    (out / "data.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    log.info("fine-tuned %s in %.0fs, loss %.3f", out, seconds, result.training_loss)
    return record
