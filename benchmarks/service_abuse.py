"""Replays the memory and time attacks of issue 13 against a local server and prints, for each, the server's
peak memory and the latency of a normal report page requested all along.

    .venv/bin/python benchmarks/service_abuse.py [--topics default|off] [--probe 0.25]

The server is `uvicorn` on loopback with SQLite in a temporary data directory and the default settings
(topic model loaded unless --topics off). Goal: the web process stays under 1.5 GB and the normal page
answers within 1 s throughout. The job worker processes (a separate address space, capped by
job_memory_mb) are reported apart from the web process.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pikepdf
import psutil
from local_server import ROOT, free_port, start_server

sys.path.insert(0, str(ROOT))  # the hostile inputs are test tooling (tests/fixtures/reportgen), not installed

from service.web.bootstrap import ensure_user, issue_token, prepared_state
from service.web.settings import Settings
from tests.fixtures.reportgen.hostile import docx_with_body, latin_pdf

SAMPLE = ROOT / "tests" / "fixtures" / "reports" / "v2021-complete.pdf"
MB = 1024 * 1024


class Watch:
    """Samples the web process's RSS, its worker processes' RSS and a normal page's latency in threads."""

    def __init__(self, server: int, base: str, token: str, page: str, probe_s: float) -> None:
        self.server = psutil.Process(server)
        self.base, self.page, self.probe_s = base, page, probe_s
        self.headers = {"Authorization": f"Bearer {token}"}
        self.web_peak = self.workers_peak = 0
        self.latencies: list[float] = []
        self.errors = 0
        self._stop = threading.Event()

    def _memory(self) -> None:
        while not self._stop.is_set():
            try:
                self.web_peak = max(self.web_peak, self.server.memory_info().rss)
                kids = self.server.children(recursive=True)
                self.workers_peak = max(self.workers_peak, max((k.memory_info().rss for k in kids), default=0))
            except psutil.Error:
                pass
            time.sleep(0.05)

    def _probe(self) -> None:
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=30) as client:
            while not self._stop.is_set():
                started = time.perf_counter()
                try:
                    ok = client.get(self.page).status_code == 200
                except httpx.HTTPError:
                    ok = False
                self.latencies.append(time.perf_counter() - started)
                self.errors += not ok
                time.sleep(self.probe_s)

    def __enter__(self) -> Watch:
        self.threads = [threading.Thread(target=t, daemon=True) for t in (self._memory, self._probe)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self.threads:
            thread.join()


def stream(size: int, chunk: bytes = b"x" * MB) -> Iterator[bytes]:
    """`size` bytes sent chunked (no Content-Length), never held whole by the client."""
    sent = 0
    while sent < size:
        piece = chunk[: min(len(chunk), size - sent)]
        sent += len(piece)
        yield piece


def post_status(base: str, path: str, **kwargs: object) -> str:
    """The status of a POST, or what the connection did when the server cut it off."""
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            return str(client.post(path, **kwargs).status_code)  # type: ignore[arg-type]
    except httpx.HTTPError as exc:
        return f"connection ended ({type(exc).__name__})"


def multipart_stream(size: int, boundary: str = "bench") -> Iterator[bytes]:
    yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.txt\"\r\n"
           "Content-Type: text/plain\r\n\r\n").encode()
    yield from stream(size)
    yield f"\r\n--{boundary}--\r\n".encode()


def html_spans() -> bytes:
    cells = "".join('<td rowspan="200" colspan="200">1</td>' for _ in range(300))
    return f"<html><body><p>一、总体情况</p><table><tr>{cells}</tr></table></body></html>".encode()


def big_mediabox_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(14400, 14400))
    out = io.BytesIO()
    pdf.save(out, compress_streams=True)
    return out.getvalue()


def many_paragraphs_docx(count: int = 2_000_000) -> bytes:
    return docx_with_body(b"<w:p/><w:p></w:p>" * (count // 2))


def heading_lines_text(size: int = 8 * MB) -> bytes:
    line = "三、收到和处理政府信息公开申请情况\n二、主动公开政府信息情况\n".encode()
    return line * (size // len(line))


def text_operators_pdf(count: int = 2_000_000) -> bytes:
    """A one-page PDF whose content stream shows a character `count` times."""
    return latin_pdf(b"BT /F1 1 Tf 10 10 Td " + b"(x) Tj " * count + b"ET", compress=True)


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for i in range(12):
            archive.writestr(f"r{i}.txt", b"\n" * (45 * MB))
    return out.getvalue()


def upload_and_wait(base: str, headers: dict[str, str], name: str, data: bytes) -> str:
    with httpx.Client(base_url=base, headers=headers, timeout=300) as client:
        response = client.post("/api/uploads", files=[("files", (name, data))])
        if response.status_code != 202:
            return f"{response.status_code} {response.text[:120]}"
        job_url = response.json()["jobs"][0]["url"]
        while (job := client.get(job_url).json())["status"] in ("queued", "running"):
            time.sleep(0.2)
        if job["report_url"]:
            report = client.get(job["report_url"]).json()
            codes = ",".join(e["code"] for e in report.get("errors", []) if e["severity"] == "error")
            return f"job {job['status']}, report {report['status']} ({codes or 'no errors'})"
        return f"job {job['status']}: {job['error']}"


def page_images(base: str, headers: dict[str, str], data: bytes) -> str:
    with httpx.Client(base_url=base, headers=headers, timeout=300) as client:
        response = client.post("/api/uploads", files=[("files", ("mediabox.pdf", data))])
        job_url = response.json()["jobs"][0]["url"]
        while (job := client.get(job_url).json())["status"] in ("queued", "running"):
            time.sleep(0.2)
        report_id = job["report_url"].rsplit("/", 1)[-1]
        results = []
        for _ in range(3):
            started = time.perf_counter()
            image = client.get(f"/reports/{report_id}/pages/1.png")
            width, height = int.from_bytes(image.content[16:20], "big"), int.from_bytes(image.content[20:24], "big")
            results.append(f"{image.status_code} {width}×{height} in {time.perf_counter() - started:.2f} s")
        return "; ".join(results)


def concurrently(*calls: Callable[[], str]) -> str:
    results: list[str] = [""] * len(calls)

    def run(i: int) -> None:
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return " | ".join(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topics", default="default", help="topic model of the server: default or off")
    parser.add_argument("--probe", type=float, default=0.25, help="seconds between normal page requests")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nianbao-abuse-") as tmp:
        data_dir = Path(tmp)
        settings = Settings(data_dir=data_dir, topic_model="off", secret_key="bench")
        svc = prepared_state(settings)
        ensure_user(svc, "bench", "bench-password-1234", "admin")
        token = issue_token(svc, "bench", "abuse benchmark")
        svc.engine.dispose()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        headers = {"Authorization": f"Bearer {token}"}
        server = start_server(data_dir, port, {"NIANBAO_TOPIC_MODEL": args.topics})
        try:
            normal = upload_and_wait(base, headers, "normal.pdf", SAMPLE.read_bytes())
            with httpx.Client(base_url=base, headers=headers) as client:
                report_id = client.get("/api/reports").json()["items"][0]["id"]
            page = f"/reports/{report_id}"
            print(f"server pid {server.pid}, topics {args.topics}; normal report: {normal}; probing {page}")
            attacks: list[tuple[str, Callable[[], str]]] = [
                ("idle", lambda: "nothing sent"),
                ("400 MB anonymous JSON body, chunked, to /api/tokens", lambda: post_status(
                    base, "/api/tokens", content=stream(400 * MB), headers={"Content-Type": "application/json"})),
                ("4 × 300 MB anonymous JSON bodies at once", lambda: concurrently(*[
                    (lambda: post_status(base, "/api/tokens", content=stream(300 * MB),
                                         headers={"Content-Type": "application/json"}))] * 4)),
                ("400 MB declared Content-Length, anonymous", lambda: post_status(
                    base, "/api/tokens", content=stream(400 * MB),
                    headers={"Content-Type": "application/json", "Content-Length": str(400 * MB)})),
                ("200 MB anonymous chunked upload", lambda: post_status(
                    base, "/api/uploads", content=multipart_stream(200 * MB),
                    headers={"Content-Type": "multipart/form-data; boundary=bench"})),
                ("300 MB chunked upload with a token", lambda: post_status(
                    base, "/api/uploads", content=multipart_stream(300 * MB),
                    headers={**headers, "Content-Type": "multipart/form-data; boundary=bench"})),
                ("zip of 12 × 45 MB members (bomb)", lambda: upload_and_wait(base, headers, "bomb.zip", zip_bomb())),
                ("HTML table, 300 cells of rowspan/colspan 200", lambda: upload_and_wait(
                    base, headers, "spans.html", html_spans())),
                ("DOCX with 2 million paragraphs", lambda: upload_and_wait(
                    base, headers, "paragraphs.docx", many_paragraphs_docx())),
                ("8 MB of heading-like lines", lambda: upload_and_wait(
                    base, headers, "headings.txt", heading_lines_text())),
                ("PDF with 2 million text operators", lambda: upload_and_wait(
                    base, headers, "operators.pdf", text_operators_pdf())),
                ("page image of a 14400 × 14400 pt page", lambda: page_images(base, headers, big_mediabox_pdf())),
            ]
            rows = []
            for label, attack in attacks:
                with Watch(server.pid, base, token, page, args.probe) as watch:
                    started = time.perf_counter()
                    outcome = attack()
                    took = time.perf_counter() - started
                    time.sleep(1.0)  # let the probe see the server after the attack too
                lat = watch.latencies or [float("nan")]
                rows.append({"attack": label, "outcome": outcome, "seconds": round(took, 2),
                             "web_peak_mb": round(watch.web_peak / MB), "worker_peak_mb": round(watch.workers_peak / MB),
                             "page_median_s": round(statistics.median(lat), 3), "page_max_s": round(max(lat), 3),
                             "page_requests": len(lat), "page_errors": watch.errors})
                print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
            worst_rss = max(r["web_peak_mb"] for r in rows)
            worst_page = max(r["page_max_s"] for r in rows)
            print(f"\nweb process peak RSS {worst_rss} MB (goal < 1536 MB); worst normal page {worst_page:.2f} s "
                  f"(goal < 1 s); job worker peak RSS {max(r['worker_peak_mb'] for r in rows)} MB")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
