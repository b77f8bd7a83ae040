"""Retraining jobs in the service: run in a background thread, keep versions, promote or keep, roll back."""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from service.web.analyzer import Analyzer
from service.web.annotation import Frozen, heldout_answers, refresh_suggestions, training_answers
from service.web.models import RetrainRun, utcnow
from service.web.settings import Settings
from training.data import Example, training_examples
from training.retrain import (
    RetrainConfig,
    frozen_report_hashes,
    frozen_test_set,
    load_examples_jsonl,
    retrain,
    text_key,
)
from training.versions import VersionStore

log = logging.getLogger(__name__)
ACTIVE = ("queued", "running")


class Busy(RuntimeError):
    """No retraining run can start now (one is queued or running); the message says why."""


class NotReady(Busy):
    """Too few test annotations to judge a new model."""


@dataclass(frozen=True)
class Readiness:
    """Whether the frozen test split is big enough to judge a new model."""

    n_own: int  # resolved answers of the deployment's own test reports
    n_configured: int  # shipped gold (or configured) test sentences
    minimum: int

    @property
    def needed(self) -> int:
        """How many more test answers the deployment needs (at least one test sentence in all)."""
        return max(self.minimum - self.n_own, 0 if self.n_own + self.n_configured else 1)

    @property
    def message(self) -> str:
        """What the page and the API say while retraining must wait; empty when ready."""
        if not self.needed:
            return ""
        return (f"还需要 {self.needed} 条测试集标注才能评估新模型（已有 {self.n_own} 条，"
                f"至少需要 {max(self.minimum, 1)} 条；部分报告的标注留作测试集，继续标注即可）")


@dataclass
class Outcome:
    """A finished run as the CLI prints it."""

    run_id: int
    status: str
    version: str | None
    decision: str | None
    old_macro_f1: float | None
    new_macro_f1: float | None
    message: str


def own_test_examples(db: Session) -> list[Example]:
    """The deployment's own frozen test split: the resolved answers of its test reports."""
    return [a.example("deployment") for a in heldout_answers(db)]


class Retrainer:
    """Starts retraining runs one at a time and switches the served model when one is promoted."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session], analyzer: Analyzer) -> None:
        self.settings = settings
        self.sessions = sessions
        self.analyzer = analyzer
        self._frozen: Frozen | None = None
        self._configured: list[Example] | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def versions(self) -> VersionStore:
        """The version store under the data directory."""
        return VersionStore(self.settings.versions_dir)

    def configured_test(self) -> list[Example]:
        """The shipped gold test sentences (when the corpus is present) or the configured file, read once."""
        if self._configured is None:
            spec = self.settings.retrain_test_data
            self._configured = frozen_test_set(None if spec == "gold" else spec)
        return self._configured

    def test_examples(self, db: Session) -> list[Example]:
        """The frozen test split: the configured test sentences plus the deployment's own test answers."""
        return self.configured_test() + own_test_examples(db)

    def frozen(self) -> Frozen:
        """What keeps the frozen test split out of the review queue and out of training."""
        if self._frozen is None:
            self._frozen = Frozen(frozenset(text_key(e.text) for e in self.configured_test()),
                                  frozen_report_hashes(), self.settings.retrain_test_share)
        return self._frozen

    def readiness(self, db: Session | None = None) -> Readiness:
        """How far the deployment's test split is from the minimum a new model can be judged on."""
        if db is None:
            with self.sessions() as own:
                return self.readiness(own)
        return Readiness(len(heldout_answers(db)), len(self.configured_test()), self.settings.retrain_min_test)

    def base_examples(self) -> list[Any]:
        """The existing training data the answers are added to."""
        spec = self.settings.retrain_base_data
        if spec == "none":
            return []
        if spec == "default":
            return training_examples()
        return load_examples_jsonl(spec, "base")

    def recover(self) -> None:
        """Runs a stopped server left unfinished are marked failed (their half-written version is not kept)."""
        with self.sessions() as db:
            db.execute(update(RetrainRun).where(RetrainRun.status.in_(ACTIVE))
                       .values(status="failed", error="服务重启，训练中断", finished=utcnow()))
            db.commit()

    def enqueue(self, user_id: int | None) -> int:
        """Create a queued run; refuses while another is queued or running, or while the test split is too
        small to judge the new model."""
        with self._lock, self.sessions() as db:
            if db.scalar(select(RetrainRun.id).where(RetrainRun.status.in_(ACTIVE))) is not None:
                raise Busy("已有训练任务在进行")
            readiness = self.readiness(db)
            if readiness.needed:
                raise NotReady(readiness.message)
            run = RetrainRun(status="queued", requested_by=user_id, n_answers=0, message="排队中")
            db.add(run)
            db.commit()
            return run.id

    def start(self, user_id: int | None) -> int:
        """Queue a run and start it on a background thread."""
        run_id = self.enqueue(user_id)
        self._thread = threading.Thread(target=self.run, args=(run_id,), name=f"nianbao-retrain-{run_id}",
                                        daemon=True)
        self._thread.start()
        return run_id

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the background run (tests and the CLI)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _note(self, run_id: int, **values: Any) -> None:
        with self.sessions() as db:
            db.execute(update(RetrainRun).where(RetrainRun.id == run_id).values(**values))
            db.commit()

    def run(self, run_id: int) -> Outcome:
        """Retrain now, in this thread: answers + base data, frozen-split evaluation, promote or keep."""
        self._note(run_id, status="running", started=utcnow(), message="准备数据")
        try:
            self.analyzer.loaded.wait(300)
            store = self.versions()
            current = store.current()
            if current is None:
                if self.analyzer.model_path is None:
                    raise RuntimeError("没有已加载的主题模型，无法在其基础上训练")
                current = store.seed(self.analyzer.model_path, self.analyzer.model_version)
            with self.sessions() as db:
                answers = training_answers(db)
                test = self.test_examples(db)
            if not answers:
                raise RuntimeError("还没有已提交的标注")
            self._note(run_id, base_version=current.name, n_answers=len(answers), message="训练中")
            name = f"topic-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:4]}"
            out_dir = store.new_dir(name)
            config = RetrainConfig(epochs=self.settings.retrain_epochs, batch_size=self.settings.retrain_batch_size,
                                   hint_threshold=self.settings.retrain_hint_threshold,
                                   max_label_drop=self.settings.retrain_max_label_drop)
            frozen = self.frozen()
            result = retrain(current.path, answers, out_dir, name, test=test,
                             base=self.base_examples(), config=config, report_hashes=frozen.report_hashes,
                             progress=lambda msg: self._note(run_id, message=msg))
            decision = "promoted" if result.promote else "kept"
            store.add(name, current.name, decision, round(result.new.macro_f1, 4), result.data_sha256)
            if result.promote:
                self.analyzer.switch(out_dir)
            metrics = result.metrics()
            self._note(run_id, status="done", finished=utcnow(), new_version=name, decision=decision,
                       old_macro_f1=round(result.old.macro_f1, 4), new_macro_f1=round(result.new.macro_f1, 4),
                       metrics=json.dumps(metrics, ensure_ascii=False),
                       hints=json.dumps(result.hints, ensure_ascii=False),
                       message=("已启用新版本：" if result.promote else "保留当前版本：") + result.reason)
            if result.promote:
                with self.sessions() as db:
                    refresh_suggestions(db, self.analyzer)
            return Outcome(run_id, "done", name, decision, round(result.old.macro_f1, 4),
                           round(result.new.macro_f1, 4), decision)
        except Exception as exc:  # a failed run is recorded on the run, never kills the server
            log.exception("retraining run %s failed", run_id)
            self._note(run_id, status="failed", finished=utcnow(), error=f"{type(exc).__name__}: {exc}",
                       message="失败")
            return Outcome(run_id, "failed", None, None, None, None, f"{type(exc).__name__}: {exc}")

    def rollback(self, name: str, by: str | None) -> str:
        """Serve a kept version again (an admin's choice); returns its name."""
        store = self.versions()
        version = store.get(name)
        if version is None or not Path(version.path).is_dir():
            raise KeyError(name)
        self.analyzer.switch(version.path)
        store.set_current(name, "rollback", by)
        threading.Thread(target=self._refresh, name="nianbao-refresh", daemon=True).start()
        return name

    def _refresh(self) -> None:
        with self.sessions() as db:
            refresh_suggestions(db, self.analyzer)


def run_dict(run: RetrainRun) -> dict[str, Any]:
    """A run as the API shows it."""
    return {
        "id": run.id, "status": run.status, "message": run.message, "error": run.error,
        "base_version": run.base_version, "new_version": run.new_version, "decision": run.decision,
        "old_macro_f1": run.old_macro_f1, "new_macro_f1": run.new_macro_f1, "n_answers": run.n_answers,
        "metrics": json.loads(run.metrics) if run.metrics else None,
        "hints": json.loads(run.hints) if run.hints else [],
        "created": run.created.isoformat() if run.created else None,
        "finished": run.finished.isoformat() if run.finished else None,
    }
