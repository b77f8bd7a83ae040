"""Review queue and exports under abuse: concurrent queue building, malformed imports, answers from viewers,
formula cells in CSV, bidi controls in filenames, and who may read agreement."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select

from service.web import annotation, export
from service.web.bootstrap import load_files
from service.web.models import Annotation, AnnotationItem, ReportRow
from service.web.storage import safe_filename
from tests.service.web_fixtures import SAMPLES, Site, open_site, settings_for, wait_job

SAMPLE = SAMPLES / "chenghu-city-2020.html"


@pytest.fixture(scope="module")
def review_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A SQLite site without a topic model and with one sample report stored."""
    for site in open_site(settings_for(tmp_path_factory.mktemp("review-safety"))):
        load_files(site.svc, [SAMPLE])
        yield site


def _duplicate_spans(site: Site) -> int:
    with site.svc.sessions() as db:
        spans = db.execute(select(AnnotationItem.report_id, AnnotationItem.start, AnnotationItem.end,
                                  func.count(AnnotationItem.id))
                           .group_by(AnnotationItem.report_id, AnnotationItem.start, AnnotationItem.end)).all()
    return sum(1 for *_, n in spans if n > 1)


def test_a_queue_built_while_another_request_builds_it_answers(review_site: Site,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    site = review_site
    original = annotation._record_split
    raced: list[int] = []

    def racing(db: Any, sha256: str, share: float) -> None:
        # The other request finishes building the same report's items between our read and our write.
        if not raced:
            raced.append(1)
            with site.svc.sessions() as other:
                annotation.sync_items(other, site.svc.analyzer, site.svc.retrainer.frozen())
        original(db, sha256, share)

    monkeypatch.setattr(annotation, "_record_split", racing)
    r = site.client.get("/api/review/queue", headers=site.auth("reviewer"))
    assert raced and r.status_code == 200, r.text
    assert r.json()["items"]
    assert _duplicate_spans(site) == 0


def test_six_simultaneous_queue_requests_after_new_reports_all_answer(review_site: Site) -> None:
    site = review_site
    for name in ("missing-sections-2023.txt", "linjiang-district-2023.pdf"):
        load_files(site.svc, [SAMPLES / name])

    def get(_: int) -> int:
        return site.client.get("/api/review/queue", headers=site.auth("reviewer")).status_code

    with ThreadPoolExecutor(6) as pool:
        codes = list(pool.map(get, range(6)))
    assert codes == [200] * 6
    assert _duplicate_spans(site) == 0


def _item_line(site: Site, **fields: Any) -> dict[str, Any]:
    with site.svc.sessions() as db:
        item, sha = db.execute(select(AnnotationItem, ReportRow.sha256)
                               .join(ReportRow, ReportRow.id == AnnotationItem.report_id)
                               .order_by(AnnotationItem.id).limit(1)).one()
    line = {"report_sha256": sha, "start": item.start, "end": item.end, "text": item.text, "reviewer": "reviewer",
            "label": "other", "status": "submitted", "kind": "review", "created": None}
    line.update(fields)
    return line


def test_import_reports_bad_rows_and_keeps_the_good_ones(review_site: Site) -> None:
    site = review_site
    site.client.get("/api/review/queue", headers=site.auth("reviewer"))  # items exist
    with site.svc.sessions() as db:
        before = db.scalar(select(func.count(Annotation.id)))
    rows = [
        json.dumps(_item_line(site)),
        "[1, 2, 3]",
        "not json at all",
        json.dumps(_item_line(site, created="yesterday")),
        json.dumps(_item_line(site, reviewer=["reviewer"])),
        json.dumps(_item_line(site, start={"a": 1})),
        json.dumps(_item_line(site, text=42, start=None)),
        json.dumps(_item_line(site, label="measure", reviewer="viewer")),
        json.dumps(_item_line(site, kind="adjudication", label="problem")),
        json.dumps(_item_line(site, label="measure", reviewer="admin", created="2024-05-01T10:00:00+00:00")),
    ]
    r = site.client.post("/api/review/import", content="\n".join(rows).encode(), headers=site.auth("admin"))
    assert r.status_code == 200, r.text
    result = r.json()
    assert result["added"] == 2 and result["n_errors"] == 8
    assert any("第 8 行" in e and "评审员" in e for e in result["errors"])
    assert any("第 9 行" in e and "裁决" in e for e in result["errors"])
    with site.svc.sessions() as db:
        assert db.scalar(select(func.count(Annotation.id))) == before + 2


def test_viewers_cannot_be_given_items(review_site: Site) -> None:
    site = review_site
    r = site.client.post("/api/review/assign", json={"reviewers": ["reviewer", "viewer"], "fraction": 1.0},
                         headers=site.auth("admin"))
    assert r.status_code == 422


def test_agreement_needs_a_reviewer(review_site: Site) -> None:
    site = review_site
    assert site.client.get("/api/review/agreement", headers=site.auth("viewer")).status_code == 403
    assert site.client.get("/api/review/agreement", headers=site.auth("reviewer")).status_code == 200


@pytest.mark.parametrize(("value", "safe"), [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("报告.pdf", "报告.pdf"), (12, 12), (-3.5, -3.5), (None, None),
])
def test_csv_cells_cannot_start_a_formula(value: Any, safe: Any) -> None:
    assert export.safe_cell(value) == safe


def test_csv_export_neutralises_a_formula_filename(review_site: Site) -> None:
    site = review_site
    data = (SAMPLES / "missing-sections-2023.txt").read_bytes() + b"\n"
    r = site.client.post("/api/uploads", files=[("files", ("=1+1.txt", data, "text/plain"))],
                         headers=site.auth("reviewer"))
    assert r.status_code == 202
    wait_job(site.client, r.headers["location"], site.auth("viewer"))
    text = site.client.get("/api/export?format=csv", headers=site.auth("viewer")).text
    names = [row["filename"] for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))]
    assert "'=1+1.txt" in names and "=1+1.txt" not in names


@pytest.mark.parametrize("control", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
                                     "\u2068", "\u2069", "\u200e", "\u200f"])
def test_bidi_controls_are_stripped_from_filenames(control: str) -> None:
    assert safe_filename(f"report{control}fdp.exe") == "reportfdp.exe"


def test_an_uploaded_filename_loses_its_bidi_override(review_site: Site) -> None:
    site = review_site
    data = (SAMPLES / "missing-sections-2023.txt").read_bytes() + b"\n\n"
    r = site.client.post("/api/uploads", files=[("files", ("年报\u202egnp.txt", data, "text/plain"))],
                         headers=site.auth("reviewer"))
    assert r.status_code == 202
    assert [j["filename"] for j in r.json()["jobs"]] == ["年报gnp.txt"]
