"""Load test of the reviewers' service on loopback: 200 uploads from 20 clients, then page latencies (report,
list, rankings) with 10,000 reports stored, 4 % of them failed (listed apart from the ranking). Prints the
numbers; exits non-zero when a job is lost or duplicated.

    .venv/bin/python benchmarks/service_load.py [--uploads 200] [--clients 20] [--stored 10000]
    .venv/bin/python benchmarks/service_load.py --uploads 2 --clients 2   # the latencies only
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from local_server import ROOT, free_port, start_server
from sqlalchemy import func, insert, select

from service.web.bootstrap import ensure_user, issue_token, prepared_state
from service.web.models import Job, ReportRow
from service.web.settings import Settings

SAMPLE = ROOT / "service" / "samples" / "missing-sections-2023.txt"


def documents(n: int) -> list[tuple[str, bytes]]:
    base = SAMPLE.read_text(encoding="utf-8")
    # Distinct bytes per upload (a trailing line), the same readable report underneath.
    return [(f"report-{i:04d}.txt", (base + f"\n（文档编号 {i:04d}）\n").encode()) for i in range(n)]


def upload_phase(base: str, token: str, uploads: int, clients: int) -> dict[str, float]:
    docs = documents(uploads)
    headers = {"Authorization": f"Bearer {token}"}
    chunks = [docs[i::clients] for i in range(clients)]

    def client_run(mine: list[tuple[str, bytes]]) -> list[tuple[str, int, bool]]:
        out = []
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            for name, data in mine:
                r = client.post("/api/uploads", files=[("files", (name, data, "text/plain"))])
                r.raise_for_status()
                job = r.json()["jobs"][0]
                out.append((name, job["id"], job["duplicate"]))
        return out

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = [item for part in pool.map(client_run, chunks) for item in part]
    uploaded = time.perf_counter() - started
    # Every document re-sent once: idempotency must hand back the same job.
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        again = {name: client.post("/api/uploads", files=[("files", (name, data, "text/plain"))]).json()["jobs"][0]
                 for name, data in docs[:20]}
        ids = {name: jid for name, jid, _ in results}
        assert all(v["duplicate"] and v["id"] == ids[k] for k, v in again.items()), "re-upload created a new job"
        while True:
            jobs = [client.get(f"/api/jobs/{jid}").json() for jid in sorted(set(ids.values()))]
            if all(j["status"] in ("done", "failed") for j in jobs):
                break
            time.sleep(0.5)
    finished = time.perf_counter() - started
    distinct = len(set(ids.values()))
    done = sum(1 for j in jobs if j["status"] == "done")
    print(f"uploads: {uploads} from {clients} clients in {uploaded:.1f}s ({uploads / uploaded:.1f}/s); "
          f"all jobs finished after {finished:.1f}s ({uploads / finished:.1f} reports/s)")
    print(f"jobs: {distinct} distinct for {uploads} distinct files, {done} done, "
          f"{sum(1 for j in jobs if j['status'] == 'failed')} failed; 20 re-uploads returned the same jobs")
    if distinct != uploads or done != uploads:
        raise SystemExit("FAIL: a job was lost or duplicated")
    return {"upload_s": uploaded, "total_s": finished}


def seed(settings: Settings, target: int) -> int:
    svc = prepared_state(settings)
    with svc.sessions() as db:
        template = db.execute(select(ReportRow).limit(1)).scalar_one()
        have = db.scalar(select(func.count(ReportRow.id))) or 0
        provinces = ["江苏省", "浙江省", "广东省", "四川省", "云南省"]
        rows = []
        # A failed contract is the stored one with its status and error, and no text, sentences or findings.
        failed_body = json.dumps({**json.loads(template.body), "status": "failed", "text": "", "sentences": [],
                                  "findings": [], "errors": [{"code": "no_text_layer", "message": "扫描件没有文字层",
                                                              "severity": "error", "page": None}]},
                                 ensure_ascii=False)
        for i in range(have, target):
            failed = i % 25 == 0  # unreadable documents: stored with 0.0, listed apart, never ranked
            rows.append({
                "sha256": f"{i:064x}", "filename": f"seed-{i}.txt", "format": "text",
                "status": "failed" if failed else "ok",
                "title": template.title, "agency": f"{provinces[i % 5]}第{i}县自然资源局", "region": template.region,
                "province": provinces[i % 5], "city": "未知", "level": template.level, "year": 2019 + i % 6,
                "template": template.template, "score": 0.0 if failed else round(random.uniform(40, 100), 1),
                "errors": i % 7, "warnings": i % 3, "rubric": template.rubric, "model_version": None,
                "body": failed_body if failed else template.body,
            })
            if len(rows) == 2000:
                db.execute(insert(ReportRow), rows)
                rows.clear()
        if rows:
            db.execute(insert(ReportRow), rows)
        db.commit()
        count = db.scalar(select(func.count(ReportRow.id))) or 0
        jobs = db.scalar(select(func.count(Job.id))) or 0
    svc.engine.dispose()
    print(f"seeded: {count} reports stored ({jobs} through jobs)")
    return count


def latency_phase(base: str, token: str, count: int, samples: int, only: str = "") -> None:
    headers = {"Authorization": f"Bearer {token}"}
    rng = random.Random(7)
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        for label, paths in (
            ("report page", [f"/reports/{rng.randint(1, count)}" for _ in range(samples)]),
            ("report JSON", [f"/api/reports/{rng.randint(1, count)}" for _ in range(samples)]),
            ("reports list", [f"/reports?page={rng.randint(1, 100)}&sort=score" for _ in range(samples // 4)]),
            # `group=` is what the service before issue 16 read; it still groups, so the numbers compare.
            ("rankings page", [f"/rankings?group=province&page={rng.randint(1, 40)}" for _ in range(samples // 4)]),
            ("rankings API", [f"/api/rankings?group_by=province&page={rng.randint(1, 40)}"
                              for _ in range(samples // 4)]),
        ):
            if only and label not in only.split(","):
                continue
            t = time.perf_counter()
            client.get(paths[0]).raise_for_status()
            cold = (time.perf_counter() - t) * 1000
            times = []
            for path in paths:
                t = time.perf_counter()
                r = client.get(path)
                times.append((time.perf_counter() - t) * 1000)
                r.raise_for_status()
            times.sort()
            p95 = times[max(0, int(len(times) * 0.95) - 1)]
            print(f"{label:14s} n={len(times):4d}  p50 {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms  "
                  f"max {times[-1]:7.1f} ms  first {cold:7.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=200)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--stored", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2, help="server worker threads")
    parser.add_argument("--only", default="", help="comma-separated latency rows to measure (e.g. 'rankings page')")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        data_dir = Path(tmp)
        settings = Settings(data_dir=data_dir, topic_model="off", secret_key="bench", database_url=None)
        svc = prepared_state(settings)
        ensure_user(svc, "bench", "bench-password", "reviewer")
        token = issue_token(svc, "bench")
        svc.engine.dispose()
        port = free_port()
        server = start_server(data_dir, port, {"NIANBAO_TOPIC_MODEL": "off", "NIANBAO_WORKERS": str(args.workers),
                                                       "NIANBAO_POLL_INTERVAL": "0.05"}, ready_within=60)
        base = f"http://127.0.0.1:{port}"
        try:
            upload_phase(base, token, args.uploads, args.clients)
            count = seed(settings, args.stored)
            latency_phase(base, token, count, args.samples, args.only)
        finally:
            server.terminate()
            server.wait(10)
    print(json.dumps({"ok": True}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
