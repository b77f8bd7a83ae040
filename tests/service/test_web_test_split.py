"""A deployment's own frozen test split: reports held out by hash, answers that only test, readiness to retrain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Connection, Engine, create_engine, delete, select

from service.web import annotation
from service.web.annotation import Frozen
from service.web.bootstrap import load_files
from service.web.db import alembic_config
from service.web.models import AnnotationItem, ReportRow, ReportSplit
from tests.service.test_web_review import YEAR_WORK
from tests.service.web_fixtures import SAMPLES, Site, open_site, settings_for
from training.retrain import text_key

SAMPLE = SAMPLES / "chenghu-city-2020.html"
NEEDED = "还需要 3 条测试集标注才能评估新模型"


@contextmanager
def at_revision(engine: Engine, revision: str) -> Iterator[Connection]:
    """A connection in a transaction on a database migrated up to `revision` (for testing one migration)."""
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
        yield conn


@pytest.fixture(scope="module")
def fresh_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A fresh clone's site (no corpus, so no shipped gold) holding out every report, needing three answers."""
    tmp = tmp_path_factory.mktemp("split")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("NIANBAO_CORPUS", str(tmp / "no-corpus"))
        for site in open_site(settings_for(tmp / "data", start_worker=False, retrain_test_share=1,
                                           retrain_min_test=3)):
            load_files(site.svc, [SAMPLE])
            yield site


def _sample_sha() -> str:
    return hashlib.sha256(SAMPLE.read_bytes()).hexdigest()


def test_retraining_waits_until_the_test_split_has_enough_answers(fresh_site: Site) -> None:
    site = fresh_site
    refused = site.client.post("/api/retrain", headers=site.auth("admin"))
    assert refused.status_code == 409 and refused.json()["detail"].startswith(NEEDED)
    page = site.client.get("/models", headers=site.auth("admin"))
    assert page.status_code == 200 and NEEDED in page.text
    assert 'id="retrain-start" disabled' in page.text
    items = site.client.get("/api/review/queue", params={"limit": 3}, headers=site.auth("reviewer")).json()["items"]
    assert len(items) == 3, "held-out reports are still offered for review"
    with site.svc.sessions() as db:
        assert db.get(ReportSplit, _sample_sha()).split == "test"
    for it, label in zip(items, ("problem", "measure", "other"), strict=True):
        r = site.client.post(f"/api/review/items/{it['id']}/answer", json={"label": label, "status": "submitted"},
                             headers=site.auth("reviewer"))
        assert r.status_code == 201, r.text
    with site.svc.sessions() as db:
        held_out = annotation.heldout_answers(db)
        assert sorted(a.label for a in held_out) == ["measure", "other", "problem"]
        assert annotation.training_answers(db) == [], "a test report's answers never train"
        readiness = site.svc.retrainer.readiness(db)
        assert (readiness.n_own, readiness.n_configured, readiness.needed) == (3, 0, 0)
    page = site.client.get("/models", headers=site.auth("admin"))
    assert 'id="retrain-start">' in page.text and NEEDED not in page.text


def test_evaluate_reads_the_deployment_split_from_the_database(fresh_site: Site) -> None:
    import typer
    from typer.testing import CliRunner

    from service.cli_topics import train_app

    app = typer.Typer()
    app.add_typer(train_app, name="train")
    result = CliRunner().invoke(app, ["train", "evaluate", "--from-db", fresh_site.settings.url])
    assert result.exit_code == 0, result.output
    assert "on 本部署测试集（3 句）: macro-F1" in result.output


def test_pretraining_can_read_the_reports_a_deployment_stored(fresh_site: Site) -> None:
    from service.cli_topics import _db_report_texts
    from training.data import report_lines

    with fresh_site.svc.sessions() as db:
        stored = db.scalars(select(ReportRow.body).where(ReportRow.status != "failed")).all()
    texts = _db_report_texts(fresh_site.settings.url)
    assert len(texts) == len(stored) >= 1
    assert "政府信息公开" in texts[0] and len(report_lines(texts[0])) > 20


def test_cli_retrain_is_refused_with_the_same_message(fresh_site: Site) -> None:
    import typer
    from typer.testing import CliRunner

    from service.cli_retrain import retrain

    app = typer.Typer()
    app.command()(retrain)
    s = fresh_site.settings
    result = CliRunner().invoke(app, ["--from-db", s.url, "--data-dir", str(s.data_dir), "--min-test", "5"])
    assert result.exit_code == 2 and "还需要 2 条测试集标注才能评估新模型" in result.output


def test_a_report_keeps_its_side_when_the_share_changes(fresh_site: Site) -> None:
    svc = fresh_site.svc
    with svc.sessions() as db:
        report_id = db.scalar(select(ReportRow.id).where(ReportRow.sha256 == _sample_sha()))
        db.execute(delete(AnnotationItem).where(AnnotationItem.report_id == report_id))
        db.commit()
        assert annotation.sync_items(db, svc.analyzer, Frozen(test_share=0.0)) > 0
        assert db.get(ReportSplit, _sample_sha()).split == "test"


def test_migration_keeps_reports_already_under_review_on_the_training_side(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with at_revision(engine, "0002") as conn:
        for n, sha in enumerate(("a" * 64, "b" * 64), 1):
            conn.execute(sa.text("INSERT INTO reports (id, sha256, filename, format, status, province, city, errors, "
                                 "warnings, body, created) VALUES (:id, :sha, 'r', 'html', 'ok', '', '', 0, 0, '{}', "
                                 "CURRENT_TIMESTAMP)"), {"id": n, "sha": sha})
        conn.execute(sa.text("INSERT INTO annotation_items (report_id, start, \"end\", text, before, after, text_key, "
                             "frozen, created) VALUES (1, 0, 4, '句子。', '', '', 'k', 0, CURRENT_TIMESTAMP)"))
    with at_revision(engine, "head") as conn:
        rows = conn.execute(sa.text("SELECT sha256, split FROM report_splits")).all()
    engine.dispose()
    assert rows == [("a" * 64, "train")], "only the report with review items, and never as test"


@pytest.fixture(scope="module")
def two_report_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A fresh clone's site with the shipped model and two reports: at a share of 0.5, linjiang's falls on the
    test side and chenghu's on the training side (their hashes put them at 0.44 and 0.82)."""
    tmp = tmp_path_factory.mktemp("split2")
    # One base sentence per topic, so every label is seen whatever the reviewers answered.
    base = tmp / "base.jsonl"
    base.write_text("".join(json.dumps({"text": t, "label": lab}, ensure_ascii=False) + "\n" for t, lab in (
        ("政策解读形式较为单一。", "problem"), ("下一步将加强业务培训。", "measure"), ("组织开展专题培训三场。", YEAR_WORK),
        ("建立信息发布审查机制。", "mechanism"), ("二、主动公开政府信息情况", "other"))), encoding="utf-8")
    # No background worker: load_files reads both reports in this thread before the tests start.
    settings = settings_for(tmp / "data", topic_model="default", retrain_base_data=str(base), retrain_epochs=1,
                            retrain_batch_size=16, start_worker=False, retrain_test_share=0.5, retrain_min_test=3)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("NIANBAO_CORPUS", str(tmp / "no-corpus"))
        for site in open_site(settings):
            site.svc.analyzer.loaded.wait(120)
            load_files(site.svc, [SAMPLE, SAMPLES / "linjiang-district-2023.pdf"])
            yield site


def test_without_the_corpus_a_retrained_model_is_judged_on_the_deployments_own_split(two_report_site: Site) -> None:
    site = two_report_site
    with site.svc.sessions() as db:
        ids = dict(db.execute(select(ReportRow.filename, ReportRow.id)).all())
    answered, texts = {}, {}
    for name, n in (("linjiang-district-2023.pdf", 3), ("chenghu-city-2020.html", 8)):
        items = site.client.get("/api/review/queue", params={"report_id": ids[name], "limit": n},
                                headers=site.auth("reviewer")).json()["items"]
        for it in items:
            # The current model's own suggestion: on the test answers it cannot be beaten, only tied.
            r = site.client.post(f"/api/review/items/{it['id']}/answer",
                                 json={"label": it["suggestion"]["label"], "status": "submitted"},
                                 headers=site.auth("reviewer"))
            assert r.status_code == 201, r.text
        answered[name] = len(items)
        texts[name] = {text_key(it["text"]) for it in items}
    assert answered == {"linjiang-district-2023.pdf": 3, "chenghu-city-2020.html": 8}
    r = site.client.post("/api/retrain", headers=site.auth("admin"))
    assert r.status_code == 202, r.text
    site.svc.retrainer.wait(300)
    run = site.client.get(r.headers["location"], headers=site.auth("viewer")).json()
    assert run["status"] == "done", run
    metrics = run["metrics"]
    # A training answer whose sentence is also a test sentence (boilerplate both reports print) never trains.
    shared = len(texts["chenghu-city-2020.html"] & texts["linjiang-district-2023.pdf"])
    assert metrics["split"]["sources"] == {"deployment": 3}
    assert (metrics["n_answers"], metrics["n_excluded_frozen"]) == (8 - shared, shared)
    assert metrics["old"]["accuracy"] == 1.0
    assert run["decision"] == "kept" and run["message"].startswith("保留当前版本：新版本宏 F1")
    assert "未高于" in run["message"]
