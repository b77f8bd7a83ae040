"""Label sets in the annotation store: every answer records its set, old answers stand or are asked again, the queue
and its pages follow the current set, and the review pages print no internal codes."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import create_engine, select

from nlp import vocabulary
from nlp.labels import NO_MODEL_NAME, TOPIC_NAMES
from service.web import annotation
from service.web.bootstrap import ensure_user, issue_token, load_files
from service.web.labelsets import current, recheck_note, standing
from service.web.models import Annotation, AnnotationItem, RetrainRun
from tests.service.test_web_review import SAMPLE, write_test_split
from tests.service.test_web_test_split import at_revision
from tests.service.web_fixtures import PASSWORD, Site, open_site, settings_for

S1, S5 = "s1_overall", "s5_problems"


def use_set(monkeypatch: pytest.MonkeyPatch, version: int) -> None:
    """Serve label set `version`, as a model trained on it would (H2 flips these two together)."""
    monkeypatch.setattr(vocabulary, "LABEL_SET_VERSION", version)
    monkeypatch.setattr(vocabulary, "LABELS", vocabulary.LABEL_SETS[version])


def test_an_answer_stands_is_asked_again_or_is_void_under_the_current_set(monkeypatch: pytest.MonkeyPatch) -> None:
    use_set(monkeypatch, 1)
    assert current() == (1, ("problem", "measure", "mechanism", "other"))
    assert standing("measure", 1, S1) == "valid"
    assert standing("practice", 2, S1) == "void", "a v2-only label cannot train a v1 model"
    use_set(monkeypatch, 2)
    assert current()[1] == ("problem", "measure", "mechanism", "practice", "other")
    assert standing("measure", 1, S1) == "recheck", "v2 split 一's measures into measure and practice"
    assert standing("measure", 1, S5) == "valid", "五's improvement measures keep their meaning"
    assert standing("measure", 1, None) == "valid"
    assert standing("other", 1, S1) == standing("mechanism", 1, S1) == "valid"
    assert standing("measure", 2, S1) == standing("practice", 2, S1) == "valid"
    assert standing(None, 1, S1) == "valid", "a skip has no label to doubt"
    note = recheck_note("measure", 1, S1)
    assert note and "第 1 版" in note and f"“{TOPIC_NAMES['measure']}”" in note and TOPIC_NAMES["practice"] in note
    assert recheck_note("measure", 1, S5) is None


def test_migration_marks_existing_answers_as_label_set_1(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with at_revision(engine, "0004") as conn:
        conn.execute(sa.text("INSERT INTO users (id, username, password_hash, role, active, created) "
                             "VALUES (1, 'r', 'x', 'reviewer', 1, CURRENT_TIMESTAMP)"))
        conn.execute(sa.text("INSERT INTO reports (id, sha256, filename, format, status, province, city, errors, "
                             "warnings, body, created) VALUES (1, :sha, 'r', 'html', 'ok', '', '', 0, 0, '{}', "
                             "CURRENT_TIMESTAMP)"), {"sha": "a" * 64})
        conn.execute(sa.text("INSERT INTO annotation_items (id, report_id, start, \"end\", section, text, before, "
                             "after, text_key, frozen, created) VALUES (1, 1, 0, 4, 's1_overall', '句子。', '', '', "
                             "'k', 0, CURRENT_TIMESTAMP)"))
        for label in ("measure", "other"):
            conn.execute(sa.text("INSERT INTO annotations (item_id, reviewer_id, label, status, kind, created) "
                                 "VALUES (1, 1, :label, 'submitted', 'review', CURRENT_TIMESTAMP)"), {"label": label})
    with at_revision(engine, "head") as conn:
        rows = conn.execute(sa.text("SELECT label, label_set FROM annotations ORDER BY id")).all()
    engine.dispose()
    assert rows == [("measure", 1), ("other", 1)]


@pytest.fixture(scope="module")
def v2_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A site without a topic model (no suggestions needed), the sample report stored, every report on the
    training side, and a second reviewer."""
    tmp = tmp_path_factory.mktemp("review-v2")
    settings = settings_for(tmp / "data", start_worker=False, retrain_test_share=0.0, retrain_min_test=0,
                            retrain_test_data=str(write_test_split(tmp / "test.jsonl", "本句只在测试集中。")))
    for site in open_site(settings):
        ensure_user(site.svc, "rev2", PASSWORD, "reviewer")
        site.tokens["rev2"] = issue_token(site.svc, "rev2", "tests")
        load_files(site.svc, [SAMPLE])
        _queue(site, "reviewer")  # the first queue request builds the review items
        yield site


def _queue(site: Site, role: str, **params: Any) -> dict[str, Any]:
    r = site.client.get("/api/review/queue", params={"limit": 200, **params}, headers=site.auth(role))
    assert r.status_code == 200, r.text
    return r.json()


def _answer(site: Site, role: str, item: int, label: str | None, status: str = "submitted") -> Any:
    return site.client.post(f"/api/review/items/{item}/answer", json={"label": label, "status": status},
                            headers=site.auth(role))


def _items(site: Site, section: str, n: int) -> list[int]:
    with site.svc.sessions() as db:
        return list(db.scalars(select(AnnotationItem.id).where(AnnotationItem.section == section,
                                                                 AnnotationItem.frozen.is_(False))
                                .order_by(AnnotationItem.id).limit(n)))


def _trained(site: Site) -> dict[str, str]:
    with site.svc.sessions() as db:
        return {a.key: a.label for a in annotation.training_answers(db)}


def test_v1_measures_in_section_one_are_asked_again_first_and_train_nothing_until_answered(
        v2_site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    site = v2_site
    use_set(monkeypatch, 1)
    one_measure, one_other, one_skipped = _items(site, S1, 3)
    five_measure = _items(site, S5, 1)[0]
    assert _answer(site, "reviewer", one_measure, "measure").json()["progress"], "progress comes with the answer"
    _answer(site, "reviewer", one_other, "other")
    _answer(site, "reviewer", one_skipped, None, "skipped")
    _answer(site, "reviewer", five_measure, "measure")
    refused = _answer(site, "reviewer", one_other, "practice")
    assert refused.status_code == 422 and "其他（other）" in refused.json()["detail"], "no practice under set 1"
    with site.svc.sessions() as db:
        assert {a.label_set for a in db.scalars(select(Annotation))} == {1}
    assert _trained(site) == {str(one_measure): "measure", str(one_other): "other", str(five_measure): "measure"}

    use_set(monkeypatch, 2)
    assert _trained(site) == {str(one_other): "other", str(five_measure): "measure"}, \
        "the v1 measure of 一 must not train a v2 model, nor be mapped to practice"
    data = _queue(site, "reviewer")
    assert data["labels"] == list(vocabulary.LABELS_V2) and data["label_set"] == 2
    first = data["items"][0]
    assert first["id"] == one_measure, "the answer to give again comes first"
    assert first["answer"] == {"label": "measure", "status": "submitted", "label_set": 1}
    assert TOPIC_NAMES["practice"] in first["recheck"] and "第 1 版" in first["recheck"]
    offered = {it["id"]: it for it in data["items"]}
    assert one_other not in offered and one_skipped not in offered and five_measure not in offered
    assert all(it["recheck"] is None for it in data["items"][1:])
    assert _queue(site, "rev2")["items"][0]["id"] == one_measure, "open to the other reviewers too, first"
    mine = next(p for p in data["progress"] if p["reviewer"] == "reviewer")
    assert (mine["submitted"], mine["skipped"], mine["recheck"]) == (2, 1, 1)
    models = site.client.get("/models", headers=site.auth("viewer")).text
    assert re.search(r'id="answer-count">2</strong>.*id="recheck-count">1</strong>', models)

    reply = _answer(site, "reviewer", one_measure, "practice")
    assert reply.status_code == 201, reply.text
    assert next(p for p in reply.json()["progress"] if p["reviewer"] == "reviewer")["recheck"] == 0
    with site.svc.sessions() as db:
        assert db.scalar(select(Annotation.label_set).where(Annotation.id == reply.json()["id"])) == 2
    assert _trained(site)[str(one_measure)] == "practice"
    assert one_measure not in {it["id"] for it in _queue(site, "rev2")["items"]}
    history = site.client.get(f"/api/review/items/{one_measure}", headers=site.auth("viewer")).json()
    assert [(a["label"], a["label_set"]) for a in history["answers"]] == [("measure", 1), ("practice", 2)]

    use_set(monkeypatch, 1)
    assert str(one_measure) not in _trained(site), "a practice answer cannot train a v1 model"
    undone = site.client.post(f"/api/review/items/{one_measure}/undo", headers=site.auth("reviewer")).json()
    assert undone["answer"]["status"] == "draft" and undone["answer"]["label"] is None
    assert "progress" in undone


def test_export_and_import_carry_the_label_set(v2_site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    site = v2_site
    use_set(monkeypatch, 2)
    item = _items(site, S1, 6)[5]
    assert _answer(site, "rev2", item, "practice").status_code == 201
    lines = [json.loads(x) for x in site.client.get("/api/review/export", headers=site.auth("viewer")).text.splitlines()]
    assert {(x["label"], x["label_set"]) for x in lines if x["reviewer"] == "rev2"} == {("practice", 2)}
    row = next(x for x in lines if x["reviewer"] == "rev2")
    older = {k: v for k, v in row.items() if k != "label_set"}  # as a server before label sets wrote it
    rows = [dict(older, reviewer="reviewer", label="practice", created=None),
            dict(row, reviewer="reviewer", label="measure", label_set=1, created=None),
            dict(row, reviewer="reviewer", label_set=7, created=None)]
    out = site.client.post("/api/review/import", headers=site.auth("admin"),
                           content="".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()).json()
    assert out["added"] == 1 and out["n_errors"] == 2
    assert "第 1 行" in out["errors"][0] and "问题（problem）、改进措施（measure）、机制（mechanism）、其他（other）" in out["errors"][0]
    assert "第 3 行" in out["errors"][1] and "label_set" in out["errors"][1]
    data = _queue(site, "reviewer")
    assert data["items"][0]["id"] == item and data["items"][0]["recheck"], "an imported v1 measure of 一 is asked again"


def test_adjudication_and_agreement_use_the_current_set(v2_site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    site = v2_site
    use_set(monkeypatch, 2)
    item = _items(site, S1, 8)[7]
    r = site.client.post(f"/api/review/items/{item}/adjudicate", json={"label": "practice"}, headers=site.auth("admin"))
    assert r.status_code == 201
    assert _trained(site)[str(item)] == "practice"
    report = site.client.get("/api/review/agreement", headers=site.auth("reviewer")).json()
    assert set(report["per_label"]) == set(vocabulary.LABELS_V2)
    page = site.client.get("/review/agreement", headers=site.auth("admin"))
    assert page.status_code == 200 and f"{TOPIC_NAMES['practice']} kappa" in page.text
    use_set(monkeypatch, 1)
    assert site.client.post(f"/api/review/items/{item}/adjudicate", json={"label": "practice"},
                            headers=site.auth("admin")).status_code == 422


@pytest.mark.parametrize("version", [1, 2])
def test_review_page_offers_one_key_and_button_per_label_of_the_current_set(
        v2_site: Site, monkeypatch: pytest.MonkeyPatch, version: int) -> None:
    use_set(monkeypatch, version)
    page = v2_site.client.get("/review", headers=v2_site.auth("reviewer")).text
    labels = vocabulary.LABEL_SETS[version]
    assert re.findall(r'<li data-label="(\w+)"><button type="button" class="choice"', page) == list(labels)
    keys = re.search(r'<p class="hint keys" id="review-keys">(.*?)</p>', page).group(1)
    assert re.findall(r"<kbd>([1-9])</kbd>([^ <]+)", keys) == [(str(n), TOPIC_NAMES[k]) for n, k in enumerate(labels, 1)]
    config = json.loads(re.search(r'id="review-config">(.*?)</script>', page, re.S).group(1))
    assert config["labels"] == list(labels) and config["label_set"] == version
    assert (TOPIC_NAMES["practice"] in keys) == (version == 2)


def _visible(page: str) -> str:
    """The text a person reads in the page's own content (the shared header and footer are base.html's): no
    tags, attributes, scripts or styles."""
    page = page[page.index("<main>") : page.index("</main>")]
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


RAW = re.compile(r"\b(seed|promoted|kept|rollback|queued|running|done|failed|draft|submitted|skipped|none)\b"
                 r"|\d{4}-\d\d-\d\dT\d\d")


def test_review_pages_print_statuses_decisions_and_times_in_chinese(v2_site: Site) -> None:
    site = v2_site
    store = site.svc.retrainer.versions()
    seed_dir = Path(site.settings.data_dir) / "seed-model"
    seed_dir.mkdir(exist_ok=True)
    store.seed(seed_dir, "topic-a")
    store.add("topic-b", "topic-a", "kept", 0.81, "f" * 64)
    store.add("topic-c", "topic-a", "promoted", 0.86, "e" * 64)
    store.set_current("topic-a", "rollback", "admin")
    with site.svc.sessions() as db:
        db.add_all([RetrainRun(status="done", decision="kept", old_macro_f1=0.8, new_macro_f1=0.79, message="x"),
                    RetrainRun(status="failed", error="没有已提交的标注", message="失败"),
                    RetrainRun(status="done", decision="promoted", old_macro_f1=0.8, new_macro_f1=0.86, message="x")])
        db.commit()
    pages = {path: site.client.get(path, headers=site.auth("admin")) for path in ("/models", "/review",
                                                                               "/review/agreement")}
    for path, page in pages.items():
        assert page.status_code == 200, path
        assert RAW.findall(_visible(page.text)) == [], f"{path} prints internal codes"
    models = _visible(pages["/models"].text)
    for word in ("初始版本", "已启用", "未启用", "手动切换", "已完成", "失败", NO_MODEL_NAME):
        assert word in models, word
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d：topic-a（手动切换，admin）", models)
