"""Jobs run outside the web process under the batch's guards: time limit, memory cap, crashes, attempts,
admin cancel, and a /ready that reports a stuck queue."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from service.web.jobtask import JobTask, analyze_job
from service.web.models import Job, utcnow
from tests.service.web_fixtures import FIXTURES, Site, login, open_site, settings_for

GOOD = (FIXTURES / "v2021-complete.txt").read_bytes()


def misbehaving_job(task: JobTask) -> str:
    """Hang, die, hoard memory or note the process id, by file name (runs in the job worker processes)."""
    name = Path(task.filename).name
    if name.startswith("slow"):
        time.sleep(120)
    if name.startswith("crash"):
        os._exit(7)
    if name.startswith("hog"):
        hoard = bytearray(3 * 1024**3)
        return str(len(hoard))
    if name.startswith("pid"):
        Path(task.path).with_name("worker-pid").write_text(str(os.getpid()))
    return analyze_job(task)


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    settings = settings_for(tmp_path_factory.mktemp("jobs"), job_time_limit=8.0, job_memory_mb=2048,
                            queue_stall_s=3600.0)
    for site in open_site(settings):
        site.svc.worker.task_fn = misbehaving_job
        yield site


def _upload(site: Site, name: str, data: bytes) -> str:
    files = {"files": (name, data, "text/plain")}
    response = site.client.post("/api/uploads", files=files, headers=site.auth("reviewer"))
    assert response.status_code == 202, response.text
    return str(response.json()["jobs"][0]["url"])


def _wait(site: Site, url: str, statuses: tuple[str, ...] = ("done", "failed", "cancelled"),
          seconds: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = site.client.get(url, headers=site.auth("viewer")).json()
        if job["status"] in statuses:
            return job
        time.sleep(0.1)
    raise AssertionError(f"{url} never reached {statuses}: {job}")


def test_the_analysis_runs_in_a_worker_process(guarded: Site) -> None:
    job = _wait(guarded, _upload(guarded, "pid.txt", GOOD + b"\n"))
    assert job["status"] == "done"
    pid = int(guarded.svc.blobs.path(job["sha256"]).with_name("worker-pid").read_text())
    assert pid != os.getpid()


def test_a_job_past_its_time_limit_fails_with_the_reason_and_the_queue_goes_on(guarded: Site) -> None:
    slow = _upload(guarded, "slow.txt", GOOD + b"\nslow\n")
    after = _upload(guarded, "after.txt", GOOD + b"\nafter\n")
    job = _wait(guarded, slow)
    assert job["status"] == "failed"
    assert "处理超过时限 8 秒" in job["error"]
    assert _wait(guarded, after)["status"] == "done"


def test_a_crash_and_a_memory_hog_fail_their_own_job_only(guarded: Site) -> None:
    crash = _wait(guarded, _upload(guarded, "crash.txt", GOOD + b"\ncrash\n"))
    assert crash["status"] == "failed" and "退出码 7" in crash["error"]
    hog = _wait(guarded, _upload(guarded, "hog.txt", GOOD + b"\nhog\n"))
    assert hog["status"] == "failed" and "内存超过上限 2048 MB" in hog["error"]
    assert _wait(guarded, _upload(guarded, "fine.txt", GOOD + b"\nfine\n"))["status"] == "done"


def test_an_admin_cancels_a_running_job(guarded: Site) -> None:
    url = _upload(guarded, "slow-cancel.txt", GOOD + b"\nslow cancel\n")
    job = _wait(guarded, url, ("running",))
    cancel = f"/api/jobs/{job['id']}/cancel"
    assert guarded.client.post(cancel, headers=guarded.auth("reviewer")).status_code == 403
    response = guarded.client.post(cancel, headers=guarded.auth("admin"))
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert guarded.client.post(cancel, headers=guarded.auth("admin")).status_code == 409
    # The killed process is replaced: the next job is scored well within the time limit.
    assert _wait(guarded, _upload(guarded, "next.txt", GOOD + b"\nnext\n"))["status"] == "done"
    assert guarded.client.get(url, headers=guarded.auth("viewer")).json()["status"] == "cancelled"


def test_the_jobs_page_cancels_a_queued_job(guarded: Site) -> None:
    svc = guarded.svc
    with svc.sessions() as db:
        job = Job(sha256="c" * 64, filename="queued.txt", size=1, batch="b", status="queued", attempts=0)
        svc.worker.stop()  # keep it queued while the page is used
        db.add(job)
        db.commit()
        job_id = job.id
    try:
        token = login(guarded.client, "admin")
        page = guarded.client.get(f"/jobs?ids={job_id}")
        assert f'action="/jobs/{job_id}/cancel"' in page.text
        response = guarded.client.post(f"/jobs/{job_id}/cancel", data={"csrf_token": token, "ids": str(job_id)},
                                       follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == f"/jobs?ids={job_id}"
        with svc.sessions() as db:
            assert db.get(Job, job_id).status == "cancelled"
        assert "已取消" in guarded.client.get(f"/jobs?ids={job_id}").text
    finally:
        guarded.client.cookies.clear()
        svc.worker._stop.clear()
        svc.worker.start()


def test_a_job_interrupted_too_often_fails_instead_of_being_requeued(guarded: Site) -> None:
    svc = guarded.svc
    with svc.sessions() as db:
        worn = Job(sha256="a" * 64, filename="kills-server.txt", size=1, batch="b", status="running", attempts=3)
        fresh = Job(sha256="b" * 64, filename="interrupted.txt", size=1, batch="b", status="running", attempts=1)
        db.add_all([worn, fresh])
        db.commit()
        ids = worn.id, fresh.id
    # What a restart does first; the fresh one is requeued (and then fails: its blob is not there).
    svc.worker.recover()
    with svc.sessions() as db:
        worn_job, fresh_job = db.get(Job, ids[0]), db.get(Job, ids[1])
        assert worn_job.status == "failed" and "中断 3 次" in worn_job.error
        assert fresh_job.status in ("queued", "running", "failed") and "中断" not in (fresh_job.error or "")


def test_ready_reports_a_stuck_queue(guarded: Site) -> None:
    assert guarded.client.get("/ready").json()["queue_problems"] == []
    svc = guarded.svc
    with svc.sessions() as db:
        old = Job(sha256="d" * 64, filename="old.txt", size=1, batch="b", status="running", attempts=1,
                  started=utcnow() - timedelta(hours=2), created=utcnow() - timedelta(hours=2))
        db.add(old)
        db.commit()
        old_id = old.id
    try:
        response = guarded.client.get("/ready")
        assert response.status_code == 503
        problems = response.json()["queue_problems"]
        assert any(f"#{old_id}" in p and "超过时限" in p for p in problems)
    finally:
        with svc.sessions() as db:
            db.delete(db.get(Job, old_id))
            db.commit()
    assert guarded.client.get("/ready").status_code == 200
