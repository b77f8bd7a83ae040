"""Annotation-assisted retraining through the API: queue, answers, history, agreement, JSONL, retrain, rollback."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nlp.labels import JOB_STATUS_NAMES
from nlp.pipeline import parse_file
from nlp.vocabulary import LABELS
from service.web import annotation
from service.web.bootstrap import ensure_user, issue_token, load_files
from service.web.models import Annotation, AnnotationItem, Suggestion
from tests.service.web_fixtures import PASSWORD, SAMPLES, Site, open_site, settings_for

SAMPLE = SAMPLES / "chenghu-city-2020.html"
# The label of a sentence telling the year's work done: practice once the shipped set has it (v2), measure in v1.
YEAR_WORK = "practice" if "practice" in LABELS else "measure"
# Our own sentences for the frozen test split (plus one taken from the sample, which must then be frozen).
TEST_SENTENCES = [
    ("部分栏目信息更新不及时，内容不够完整。", "problem"),
    ("政策解读形式较为单一，群众参与度不高。", "problem"),
    ("下一步将加强业务培训，提升工作人员能力。", "measure"),
    ("组织开展政务公开专题培训三场。", YEAR_WORK),
    ("建立健全政府信息公开保密审查机制。", "mechanism"),
    ("严格执行信息发布先审后发制度。", "mechanism"),
    ("全年主动公开政府信息一千余条。", "other"),
    ("二、主动公开政府信息情况", "other"),
]


def write_test_split(path: Path, extra: str) -> Path:
    """A tiny frozen test split as JSON Lines."""
    rows = [{"text": t, "label": lab} for t, lab in TEST_SENTENCES] + [{"text": extra, "label": "other"}]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def retrain_settings(tmp: Path, **extra: Any) -> Any:
    """Settings with the real model but a tiny retraining: no base data, one epoch, and the configured test file
    as the whole test split (no report of the deployment held out, no minimum of its own answers)."""
    report = parse_file(SAMPLE)
    frozen = report.text[report.sentences[3].start : report.sentences[3].end]
    # No background worker, so load_files has read the sample before the first test asks for the queue.
    test_file = write_test_split(tmp / "test.jsonl", frozen)
    values: dict[str, Any] = {"topic_model": "default", "start_worker": False, "retrain_base_data": "none",
                              "retrain_epochs": 1, "retrain_batch_size": 16, "retrain_test_data": str(test_file),
                              "retrain_test_share": 0.0, "retrain_min_test": 0}
    values.update(extra)
    return settings_for(tmp / "data", **values), frozen


@pytest.fixture(scope="module")
def review_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, str]]:
    """A site with the shipped model, two extra reviewers and one sample report stored; the configured test
    file is its whole test split (no report of its own held out, no minimum of its own answers)."""
    settings, frozen = retrain_settings(tmp_path_factory.mktemp("review"))
    for site in open_site(settings):
        svc = site.svc
        svc.analyzer.loaded.wait(120)
        for name in ("rev2", "rev3"):
            ensure_user(svc, name, PASSWORD, "reviewer")
            site.tokens[name] = issue_token(svc, name, "tests")
        load_files(svc, [SAMPLE])
        yield site, frozen


def _queue(site: Site, role: str, **params: Any) -> list[dict[str, Any]]:
    r = site.client.get("/api/review/queue", params=params, headers=site.auth(role))
    assert r.status_code == 200, r.text
    return r.json()["items"]


def _answer(site: Site, role: str, item: int, label: str | None, status: str = "submitted") -> dict[str, Any]:
    r = site.client.post(f"/api/review/items/{item}/answer", json={"label": label, "status": status},
                         headers=site.auth(role))
    assert r.status_code == 201, r.text
    return r.json()


def test_queue_offers_context_section_and_suggestion_most_uncertain_first(review_site: tuple[Site, str]) -> None:
    site, frozen = review_site
    items = _queue(site, "reviewer", limit=200)
    assert items and all(it["suggestion"]["model_version"] == site.svc.analyzer.model_version for it in items)
    assert frozen not in {it["text"] for it in items}, "a frozen test sentence must never be offered"
    first = items[0]
    assert first["section_label"] and isinstance(first["before"], str)
    assert first["suggestion"]["uncertainty"] >= items[-1]["suggestion"]["uncertainty"] - 1.0
    with site.svc.sessions() as db:
        assert db.query(AnnotationItem).filter(AnnotationItem.frozen.is_(True)).count() >= 1
    # The queue suggests what the report page shows: the same model on the same sentence with the same context.
    report = site.client.get(f"/api/reports/{first['report_id']}", headers=site.auth("viewer")).json()
    shown = {report["text"][s["start"]:s["end"]].strip(): s["topic"] for s in report["sentences"]}
    assert len(items) > 20 and all(it["suggestion"]["label"] == shown[it["text"]] for it in items)
    measures = _queue(site, "reviewer", topic="measure", limit=200)
    assert measures and all(it["suggestion"]["label"] == "measure" for it in measures)
    s1 = _queue(site, "reviewer", section="s1_overall", max_confidence=0.99, limit=200)
    assert all(it["section"] == "s1_overall" and it["suggestion"]["confidence"] <= 0.99 for it in s1)
    assert site.client.get("/api/review/queue", headers=site.auth("viewer")).status_code == 403


def test_answers_keep_history_apart_from_the_suggestion_and_only_submitted_train(
        review_site: tuple[Site, str]) -> None:
    site, _ = review_site
    items = _queue(site, "reviewer", limit=5)
    a, b, c = items[0]["id"], items[1]["id"], items[2]["id"]
    _answer(site, "reviewer", a, "problem")
    _answer(site, "reviewer", b, None, "skipped")
    _answer(site, "reviewer", c, "mechanism", "draft")
    assert site.client.post(f"/api/review/items/{a}/undo", headers=site.auth("reviewer")).json()["answer"]["status"] == "draft"
    _answer(site, "reviewer", a, "measure")
    hist = site.client.get(f"/api/review/items/{a}", headers=site.auth("viewer")).json()
    assert [x["status"] for x in hist["answers"]] == ["submitted", "draft", "submitted"]
    assert [x["label"] for x in hist["answers"]] == ["problem", "problem", "measure"]
    assert hist["suggestions"][0]["label"] in LABELS
    with site.svc.sessions() as db:
        trained = {x.key: x.label for x in annotation.training_answers(db)}
        assert db.query(Annotation).filter(Annotation.item_id == a).first().suggestion_id is not None
    assert trained.get(str(a)) == "measure"
    assert str(b) not in trained and str(c) not in trained
    remaining = {it["id"] for it in _queue(site, "reviewer", limit=200)}
    assert a not in remaining and b not in remaining and c in remaining
    bad = site.client.post(f"/api/review/items/{c}/answer", json={"label": None, "status": "submitted"},
                           headers=site.auth("reviewer"))
    assert bad.status_code == 422
    progress = site.client.get("/api/review/progress", headers=site.auth("viewer")).json()["reviewers"]
    mine = next(p for p in progress if p["reviewer"] == "reviewer")
    assert (mine["submitted"], mine["skipped"], mine["draft"]) == (1, 1, 1)


def test_double_annotation_kappa_and_adjudication(review_site: tuple[Site, str]) -> None:
    site, _ = review_site
    r = site.client.post("/api/review/assign", json={"reviewers": ["rev2", "rev3"], "fraction": 1.0},
                         headers=site.auth("admin"))
    assert r.status_code == 200 and r.json()["assigned_items"] > 4
    q2, q3 = _queue(site, "rev2", limit=6), _queue(site, "rev3", limit=200)
    shared = [it["id"] for it in q2][:6]
    assert set(shared) <= {it["id"] for it in q3}
    labels2 = ["problem", "measure", "measure", "other", "other", "mechanism"]
    labels3 = ["problem", "measure", "other", "other", "other", "mechanism"]
    for item, l2, l3 in zip(shared, labels2, labels3, strict=True):
        _answer(site, "rev2", item, l2)
        _answer(site, "rev3", item, l3)
    report = site.client.get("/api/review/agreement", headers=site.auth("reviewer")).json()
    pair = next(p for p in report["pairs"] if p["reviewers"] == ["rev2", "rev3"])
    assert pair["n"] == 6 and 0 < pair["kappa"] < 1
    assert pair["per_label"]["problem"] == 1.0
    disputed = site.client.get("/api/review/disagreements", headers=site.auth("admin")).json()["items"]
    assert [d["id"] for d in disputed] == [shared[2]]
    assert site.client.get("/api/review/disagreements", headers=site.auth("reviewer")).status_code == 403
    with site.svc.sessions() as db:
        assert str(shared[2]) not in {x.key for x in annotation.training_answers(db)}
    r = site.client.post(f"/api/review/items/{shared[2]}/adjudicate", json={"label": "measure"},
                         headers=site.auth("admin"))
    assert r.status_code == 201
    assert site.client.get("/api/review/disagreements", headers=site.auth("admin")).json()["items"] == []
    with site.svc.sessions() as db:
        assert {x.key: x.label for x in annotation.training_answers(db)}[str(shared[2])] == "measure"


def test_export_and_import_round_trip_as_json_lines(review_site: tuple[Site, str]) -> None:
    site, _ = review_site
    r = site.client.get("/api/review/export", headers=site.auth("viewer"))
    lines = [json.loads(x) for x in r.text.splitlines()]
    assert lines and {"report_sha256", "start", "end", "text", "reviewer", "label", "status", "suggestion"} <= set(lines[0])
    with site.svc.sessions() as db:
        before = db.query(Annotation).count()
    again = site.client.post("/api/review/import", content=r.text.encode(), headers=site.auth("admin")).json()
    assert again["added"] == 0 and again["duplicates"] == len(lines)
    new = dict(lines[0], reviewer="rev2", created=None, label="other", status="submitted")
    bad = {"reviewer": "nobody", "status": "submitted"}
    added = site.client.post("/api/review/import", headers=site.auth("admin"),
                             content=(json.dumps(new) + "\n" + json.dumps(bad) + "\n").encode()).json()
    assert added["added"] == 1 and added["n_errors"] == 1
    with site.svc.sessions() as db:
        assert db.query(Annotation).count() == before + 1
    assert site.client.post("/api/review/import", content=b"", headers=site.auth("reviewer")).status_code == 403


def test_retrain_job_evaluates_on_the_frozen_split_keeps_versions_and_rolls_back(
        review_site: tuple[Site, str]) -> None:
    site, _ = review_site
    for it in _queue(site, "rev2", limit=12):
        _answer(site, "rev2", it["id"], it["suggestion"]["label"])
    assert site.client.post("/api/retrain", headers=site.auth("reviewer")).status_code == 403
    r = site.client.post("/api/retrain", headers=site.auth("admin"))
    assert r.status_code == 202
    busy = site.client.post("/api/retrain", headers=site.auth("admin"))
    assert busy.status_code in (202, 409)
    site.svc.retrainer.wait(120)
    run = site.client.get(r.headers["location"], headers=site.auth("viewer")).json()
    assert run["status"] == "done", run
    metrics = run["metrics"]
    assert metrics["split"]["n_test"] == len(TEST_SENTENCES) + 1
    better = run["new_macro_f1"] > run["old_macro_f1"] and not any(r["blocking"] for r in metrics["regressions"])
    assert run["decision"] == ("promoted" if better else "kept")
    assert metrics["split"]["sources"] == {"test": len(TEST_SENTENCES) + 1} and metrics["reason"] in run["message"]
    assert {x["label"] for x in metrics["regressions"]} == set(LABELS)
    assert metrics["n_answers"] >= 12 and len(metrics["data_sha256"]) == 64
    models = site.client.get("/api/models", headers=site.auth("viewer")).json()
    names = [v["name"] for v in models["versions"]]
    assert run["new_version"] in names and run["base_version"] in names
    version_dir = Path(next(v["path"] for v in models["versions"] if v["name"] == run["new_version"]))
    assert (version_dir / "metrics.json").exists() and (version_dir / "data.json").exists()
    # Whatever the decision, an admin can switch versions without a restart; suggestions follow.
    target = run["new_version"] if run["decision"] == "kept" else run["base_version"]
    r = site.client.post(f"/api/models/{target}/activate", headers=site.auth("admin"))
    assert r.status_code == 200 and r.json()["serving"] == target
    assert site.client.get("/health").json()["model_version"] == target
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with site.svc.sessions() as db:
            versions = {s.model_version for s in db.query(Suggestion).filter(Suggestion.current.is_(True))}
        if versions == {target}:
            break
        time.sleep(0.2)
    assert versions == {target}
    assert site.client.post("/api/models/nope/activate", headers=site.auth("admin")).status_code == 404


def test_cli_retrain_from_db_runs_the_same_job(review_site: tuple[Site, str]) -> None:
    import typer
    from typer.testing import CliRunner

    from service.cli_retrain import retrain

    site, _ = review_site
    app = typer.Typer()
    app.command()(retrain)
    s = site.settings
    result = CliRunner().invoke(app, ["--from-db", s.url, "--data-dir", str(s.data_dir), "--epochs", "1",
                                      "--test-data", s.retrain_test_data, "--base-data", "none", "--min-test", "0",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    # Progress bars of the model loader share the captured output; the JSON line is the last object.
    outcome = json.loads(result.output[result.output.rindex('{"run_id"'):])
    assert outcome["status"] == "done" and outcome["decision"] in ("promoted", "kept")
    assert outcome["version"] in {v["name"] for v in site.client.get("/api/models", headers=site.auth("viewer")).json()["versions"]}


def test_pages_render_the_queue_agreement_and_versions(review_site: tuple[Site, str]) -> None:
    site, _ = review_site
    page = site.client.get("/review?section=s1_overall&min_confidence=0.1", headers=site.auth("reviewer"))
    assert page.status_code == 200 and 'id="review-app"' in page.text and "/static/review.js" in page.text
    assert "section=s1_overall" in page.text
    page = site.client.get("/review/agreement", headers=site.auth("admin"))
    assert page.status_code == 200 and 'id="kappa-pairs"' in page.text and "rev2 / rev3" in page.text
    page = site.client.get("/models", headers=site.auth("viewer"))
    assert page.status_code == 200 and 'id="versions-table"' in page.text and 'id="retrain-start"' not in page.text
    run = site.client.get("/api/retrain", headers=site.auth("viewer")).json()["runs"][0]
    page = site.client.get(f"/models/runs/{run['id']}", headers=site.auth("viewer"))
    assert page.status_code == 200 and 'id="run-decision"' in page.text and 'id="run-hints"' in page.text
    status = re.search(r'id="run-status" data-status="(\w+)">([^<]*)<', page.text)
    assert status is not None and status.group(2) == JOB_STATUS_NAMES[status.group(1)]
    assert site.client.get("/review", headers=site.auth("viewer")).status_code == 403
    js = site.client.get("/static/review.js")
    assert js.status_code == 200 and "Backspace" in js.text
