"""Tests of the batch settings hash: what must make a scored report stale, and what must not."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from models.topics import DEFAULT_MODEL_DIR
from service.batch.settings import BatchSettings, Limits, settings_hash, topic_model_stamp


def test_topic_model_stamp_follows_config_weights_and_lexical_head(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, model)
    first = topic_model_stamp(str(model))
    assert topic_model_stamp(str(model)) == first and topic_model_stamp(None) == "off"
    (model / "lexical.json").write_text("{}", encoding="utf-8")
    after_head = topic_model_stamp(str(model))
    assert after_head != first
    config = json.loads((model / "config.json").read_text(encoding="utf-8"))
    config["nianbao_rules_weight"] = 0.1
    (model / "config.json").write_text(json.dumps(config), encoding="utf-8")
    assert topic_model_stamp(str(model)) not in (first, after_head)


def test_settings_hash_ignores_how_the_batch_runs_but_not_what_scores() -> None:
    base = settings_hash(BatchSettings())
    assert settings_hash(BatchSettings(workers=8, engine="ray", limits=Limits(time_s=5))) == base
    assert settings_hash(BatchSettings(topics="default")) != base
