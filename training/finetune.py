"""Fine-tune a local BERT checkpoint for sentence topics with the transformers Trainer."""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from models.topics import LABELS
from training.data import Example, data_hash
from training.pretrain import _Encoded, save_tokenizer, seed_everything

os.environ.setdefault("HF_HUB_OFFLINE", "1")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FinetuneConfig:
    """Schedule of topic fine-tuning."""

    epochs: int = 10
    batch_size: int = 32
    learning_rate: float = 3e-4
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    max_length: int = 128
    class_weighted: bool = True
    seed: int = 42
    threads: int = 2
    # Shares of a TF-IDF head fitted on the same examples and of the keyword rules in the model's averaged
    # probabilities (models.topics.Mix); the network keeps 0.3. Chosen as the best mix on the training-split
    # bodies in benchmarks/topic_crossval.py; 0 and 0 leave the network alone.
    lexical_weight: float = 0.5
    rules_weight: float = 0.2


def fit_lexical_head(examples: Sequence[Example], out_dir: str | Path) -> Path:
    """Fit the TF-IDF head on the fine-tuning examples and write it beside the network."""
    from models.baseline import TfidfBaseline
    from models.lexical import LexicalHead

    baseline = TfidfBaseline().fit([e.text for e in examples], [e.label for e in examples])
    return LexicalHead.from_baseline(baseline, LABELS).save(out_dir)


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
    rows = []
    for e in examples:
        row = dict(tok(e.text, truncation=True, max_length=config.max_length))
        row["labels"] = label2id[e.label]
        rows.append(row)
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
    model.config.nianbao_version = version or f"topic-{data_hash(examples)[:8]}"
    model.config.nianbao_lexical_weight = config.lexical_weight
    model.config.nianbao_rules_weight = config.rules_weight
    if config.lexical_weight > 0:
        fit_lexical_head(examples, out)
    model.save_pretrained(out, safe_serialization=True)
    save_tokenizer(tok, out)
    base_record = {}
    if (base / "training_config.json").exists():
        base_record = json.loads((base / "training_config.json").read_text(encoding="utf-8"))
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
