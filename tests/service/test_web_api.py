"""The JSON API against SQLite and (when configured) PostgreSQL: uploads, jobs, reports, rankings, exports."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
from sqlalchemy import func, select, update

from service.web.models import Job, ReportRow
from tests.service import web_fixtures
from tests.service.web_fixtures import (
    BROKEN_PDF,
    SAMPLES,
    Site,
    database_url,
    open_site,
    settings_for,
    wait_job,
)

site = web_fixtures.site  # the shared fixture, under its own name for pytest


def _upload(site: Site, name: str, data: bytes, role: str = "reviewer") -> tuple[int, dict, str | None]:
    r = site.client.post("/api/uploads", files=[("files", (name, data, "application/octet-stream"))],
                         headers=site.auth(role))
    return r.status_code, r.json(), r.headers.get("location")


def test_health_and_ready_need_no_login_and_name_the_model(site: Site) -> None:
    assert site.client.get("/health").json()["status"] == "ok"
    ready = site.client.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["ready"] is True
    assert ready.json()["model_version"] == "none"


def test_upload_returns_202_location_and_the_scored_contract(site: Site) -> None:
    status, body, location = _upload(site, "broken.pdf", BROKEN_PDF.read_bytes())
    assert status == 202
    assert location == f"/api/jobs/{body['jobs'][0]['id']}"
    job = wait_job(site.client, location, site.auth("viewer"))
    assert job["status"] == "done"
    report = site.client.get(job["report_url"], headers=site.auth("viewer")).json()
    assert report["status"] == "ok"
    assert report["source"]["format"] == "pdf"
    assert report["meta"]["year"] == 2024
    assert report["tables"]["table3"]["r1_new"]["natural"] == 158
    failed = {f["rule"] for f in report["findings"] if f["passed"] is False}
    assert {"T3-R1", "T4-R1"} <= failed
    assert report["score"]["total"] < 100


def test_same_bytes_twice_is_one_job(site: Site) -> None:
    data = (SAMPLES / "chenghu-city-2020.html").read_bytes()
    _, first, _ = _upload(site, "a.html", data)
    _, second, _ = _upload(site, "b.html", data)
    assert first["jobs"][0]["id"] == second["jobs"][0]["id"]
    assert second["jobs"][0]["duplicate"] is True


def test_zip_of_many_is_expanded_with_unsafe_members_refused(site: Site) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(SAMPLES / "linjiang-district-2023.pdf", "../../outside/linjiang.pdf")
        archive.write(SAMPLES / "missing-sections-2023.txt", "dir/missing.txt")
        # An old binary Word file is refused (a picture is not: scans are read by OCR).
        archive.writestr("minutes.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8)
    status, body, location = _upload(site, "batch.zip", buffer.getvalue())
    assert status == 202
    assert location == f"/api/batches/{body['batch']}"
    assert sorted(j["filename"] for j in body["jobs"]) == ["linjiang.pdf", "missing.txt"]
    assert [r["filename"] for r in body["rejected"]] == ["minutes.doc"]
    assert body["rejected"][0]["reason"].startswith("旧版 Word 格式")
    for job in body["jobs"]:
        assert wait_job(site.client, job["url"], site.auth("viewer"))["status"] == "done"
    batch = site.client.get(location, headers=site.auth("viewer")).json()
    assert batch["done"] and batch["counts"] == {"done": 2}


def test_lists_rankings_rules_and_exports_filter_and_page(site: Site) -> None:
    viewer = site.auth("viewer")
    everything = site.client.get("/api/reports", headers=viewer).json()
    assert everything["total"] >= 3
    page = site.client.get("/api/reports?per_page=1&page=2&sort=score&order=asc", headers=viewer).json()
    assert len(page["items"]) == 1
    scores = [r["score"] for r in site.client.get("/api/reports?sort=score&order=asc", headers=viewer).json()["items"]]
    assert scores == sorted(scores)
    year = site.client.get("/api/reports?year=2024&status=ok", headers=viewer).json()
    assert {r["year"] for r in year["items"]} == {2024}
    low = site.client.get("/api/rankings?max_score=95", headers=viewer).json()
    assert low["items"] and all(r["score"] <= 95 for r in low["items"])
    ranked = site.client.get("/api/rankings?group_by=level", headers=viewer).json()
    assert ranked["group_by"] == ["level"]
    assert all(r["rank"] >= 1 and "level" in r["group"] for r in ranked["items"])
    assert [r["rank"] for r in ranked["items"] if r["group"]["level"] == "department"][:2] == [1, 2]
    rules = {r["rule"]: r for r in site.client.get("/api/rules", headers=viewer).json()["rules"]}
    assert rules["T3-R1"]["reports_failed"] >= 1
    text = site.client.get("/api/export?format=csv", headers=viewer).text
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == everything["total"]
    table = pq.read_table(io.BytesIO(site.client.get("/api/export?format=parquet", headers=viewer).content))
    assert table.num_rows == everything["total"] and "score" in table.column_names
    lines = site.client.get("/api/export?format=jsonl&full=true&year=2024", headers=viewer).text.splitlines()
    assert lines and all(json.loads(line)["report"]["meta"]["year"] == 2024 for line in lines)


def test_viewer_can_read_but_not_change(site: Site) -> None:
    status, _, _ = _upload(site, "x.txt", b"hello", role="viewer")
    assert status == 403
    r = site.client.post("/api/users", json={"username": "x", "password": "plum-river-lantern-42", "role": "admin"},
                         headers=site.auth("reviewer"))
    assert r.status_code == 403
    r = site.client.post("/api/users", json={"username": "newbie", "password": "plum-river-lantern-42", "role": "viewer"},
                         headers=site.auth("admin"))
    assert r.status_code == 201


def test_restart_mid_batch_resumes_and_loses_nothing(site: Site, tmp_path: Path) -> None:
    settings = settings_for(tmp_path, database_url("postgres" if site.settings.database_url else "sqlite"),
                            start_worker=False)
    files = [SAMPLES / "chenghu-city-2020.html", SAMPLES / "missing-sections-2023.txt", BROKEN_PDF]
    gen = open_site(settings)
    first = next(gen)
    ids = [_upload(first, p.name, p.read_bytes())[1]["jobs"][0]["id"] for p in files]
    with first.svc.sessions() as db:
        # A server that died mid-job leaves it "running".
        db.execute(update(Job).where(Job.id == ids[0]).values(status="running"))
        db.commit()
    gen.close()
    restarted = open_site(settings.model_copy(update={"start_worker": True}))
    second = next(restarted)
    try:
        jobs = [wait_job(second.client, f"/api/jobs/{i}", second.auth("viewer")) for i in ids]
        assert [j["status"] for j in jobs] == ["done"] * 3
        with second.svc.sessions() as db:
            assert db.scalar(select(func.count(ReportRow.id))) == 3
            assert db.scalar(select(func.count(Job.id))) == 3
    finally:
        restarted.close()


def test_service_ranking_matches_the_evaluator_ranking() -> None:
    from eval.ranking import rank
    from nlp.report import Meta, Scorecard
    from service.web.analyzer import rank_rows

    # The second 江苏 agency names no province; its stored (gazetteer) province must still group it.
    rows = [(i, float(s), "r", f"{p}第{i}局" if i != 1 else "第1局", None, p, None, lvl, 2020 + i % 2, i % 3)
            for i, (s, p, lvl) in enumerate([(90, "江苏省", "county"), (90, "江苏省", "county"), (75, "浙江省", "city"),
                                             (60, "江苏省", "county"), (90, "浙江省", "city"), (82.5, "江苏省", None)])]
    for by in ((), ("province",), ("level", "year")):
        mine = rank_rows(rows, by)
        theirs = rank([(str(r[0]), Scorecard(r[1], {}, "r"),
                        Meta(agency=r[3], province=r[5], level=r[7], year=r[8]), r[9])
                       for r in rows], by)
        assert mine == theirs
    assert {r.id: r.group for r in rank_rows(rows, ("province",))}["1"] == ("江苏省",)
