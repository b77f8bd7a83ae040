"""A report we could not fully read is listed apart, never ranked, in the batch and on the web alike."""

from __future__ import annotations

import csv
from pathlib import Path

from service.batch.runner import run_batch
from service.batch.settings import BatchSettings
from tests.conftest import FIXTURES
from tests.service import web_fixtures
from tests.service.web_fixtures import Site, login, wait_job

sqlite_site = web_fixtures.sqlite_site  # the shared fixture, under its own name for pytest


def _run_on_copy() -> bytes:
    """A fixture as a web-page copy: no line breaks, the tables' digits run together (unreadable)."""
    lines = (FIXTURES / "v2021-complete.txt").read_text(encoding="utf-8").splitlines()
    return "".join(line.strip().replace("\t", "") for line in lines).encode("utf-8")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_batch_lists_needs_review_apart_and_ranks_only_comparable_scores(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "run-on.txt").write_bytes(_run_on_copy())
    (folder / "complete.txt").write_bytes((FIXTURES / "v2021-complete.txt").read_bytes())
    result = run_batch([str(folder)], tmp_path / "out", BatchSettings(workers=1))
    rows = {Path(r["path"]).name: r for r in _read(tmp_path / "out" / "results.csv")}
    assert rows["run-on.txt"]["status"] == "needs_review"
    assert rows["run-on.txt"]["error_code"] == "table_unreadable"
    assert "表二" in rows["run-on.txt"]["error_reason"]
    assert rows["complete.txt"]["status"] == "ok" and rows["complete.txt"]["error_code"] == ""
    ranked = [Path(r["path"]).name for r in _read(tmp_path / "out" / "rankings.csv")]
    assert ranked == ["complete.txt"]
    assert result.by_status["needs_review"] == 1 and not result.failures
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    review = page[page.index('id="needs-review"'):page.index('id="failures"')]
    assert "run-on.txt" in review and "表二在复制时被压平" in review


def test_web_marks_needs_review_and_leaves_it_out_of_rankings(sqlite_site: Site) -> None:
    headers = sqlite_site.auth("reviewer")
    response = sqlite_site.client.post("/api/uploads", files=[("files", ("run-on.txt", _run_on_copy(), "text/plain"))],
                                       headers=headers)
    job = wait_job(sqlite_site.client, response.headers["location"], headers)
    report = sqlite_site.client.get(job["report_url"], headers=headers).json()
    assert report["status"] == "needs_review"
    assert [u["table"] for u in report["tables_found"]["unreadable"]] == ["table2", "table3", "table4"]
    listed = sqlite_site.client.get("/api/reports?status=needs_review", headers=headers).json()
    assert [r["id"] for r in listed["items"]] == [job["report_id"]]
    ranked = sqlite_site.client.get("/api/rankings", headers=headers).json()
    assert job["report_id"] not in [r["id"] for r in ranked["items"]]
    login(sqlite_site.client, "viewer")
    page = sqlite_site.client.get(f"/reports/{job['report_id']}").text
    assert 'id="needs-review"' in page and "此分数不参与排名" in page and "表三在复制时被压平" in page
    assert "需人工复核" in sqlite_site.client.get("/reports").text
