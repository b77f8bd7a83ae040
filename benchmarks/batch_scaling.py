"""Batch throughput: 1 vs 2 workers, Ray vs the local pool, 5-page PDFs, peak RSS per worker, kill-and-resume.

Run: .venv/bin/python benchmarks/batch_scaling.py --n 400 [--pdf 40] [--skip-ray] [--work /tmp/nianbao-bench]
Each measurement scores a fresh output folder of the same generated corpus (benchmarks/make_corpus.py)
and prints reports/s and the ratios the issue sets targets for, then checks the results against the truth.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))  # the report generator is test tooling: tests/fixtures/reportgen, not installed

from make_corpus import make_corpus  # noqa: E402

from service.batch.journal import read_journal  # noqa: E402
from service.batch.runner import run_batch  # noqa: E402
from service.batch.settings import BatchSettings  # noqa: E402
from tests.fixtures import reportgen  # noqa: E402


def timed(inputs: list[str], out: Path, settings: BatchSettings) -> tuple[float, int, Any]:
    """Seconds and number of reports of one fresh batch run."""
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    result = run_batch(inputs, out, settings)
    return time.perf_counter() - started, len(result.rows), result


def peak_rss_mb(out: Path) -> float:
    """The largest peak RSS any worker reported while scoring (MB)."""
    peaks = [e.extra.get("peak_rss_kb", 0) for e in read_journal(out)]
    return max(peaks, default=0) / 1024


def check_truth(corpus: Path, out: Path) -> dict[str, Any]:
    """Injected errors found (the right rule failed) and duplicate pairs found, against truth.json."""
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    with (out / "results.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = {Path(r["path"]).name: r for r in csv.DictReader(handle)}
    injected = {f: t for f, t in truth["files"].items() if t["injected"]}
    hit = sum(1 for f, t in injected.items() if rows[f].get(f"fail_{t['rule']}", "0") not in ("", "0"))
    missed = sorted(f"{f}:{t['rule']}" for f, t in injected.items()
                    if rows[f].get(f"fail_{t['rule']}", "0") in ("", "0"))
    with (out / "duplicates.csv").open(encoding="utf-8-sig", newline="") as handle:
        found = {frozenset((Path(r["path_a"]).name, Path(r["path_b"]).name)): r["kind"] for r in csv.DictReader(handle)}
    expected = {frozenset((d["a"], d["b"])): d["kind"] for d in truth["duplicates"]}
    expected |= implied_pairs(truth)
    true_pos = sum(1 for k, kind in expected.items() if found.get(k) == kind)
    return {"injected": len(injected), "injected_found": hit, "missed": missed[:10],
            "duplicates_expected": len(expected), "duplicates_found": true_pos,
            "duplicates_extra": len(set(found) - set(expected))}


def implied_pairs(truth: dict[str, Any]) -> dict[frozenset[str], str]:
    """Pairs the truth implies without listing: two copies of one source are also near-duplicates."""
    files = truth["files"]
    groups: dict[str, set[str]] = {}
    for d in truth["duplicates"]:
        group = groups.get(d["a"], {d["a"]}) | groups.get(d["b"], {d["b"]})
        for name in group:
            groups[name] = group
    out: dict[frozenset[str], str] = {}
    for group in {frozenset(g) for g in groups.values()}:
        for a in group:
            for b in group:
                fa, fb = files[a], files[b]
                if a < b and fa["year"] == fb["year"] and fa["agency"] != fb["agency"]:
                    out[frozenset((a, b))] = "same_year"
                elif a < b and fa["agency"] == fb["agency"] and fa["year"] != fb["year"]:
                    out[frozenset((a, b))] = "across_years"
    return out


def make_pdf_corpus(folder: Path, count: int, cache: Path) -> None:
    """`count` distinct 5-page PDFs: one rendered report padded to 5 pages, each copy with its own bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    base = cache / "five-pages.pdf"
    if not base.exists():
        cache.mkdir(parents=True, exist_ok=True)
        one = cache / "one.pdf"
        reportgen.to_pdf(reportgen.make_report(7, "v2021", 2023), one)
        reportgen.make_long_pdf(one, base, pages=5)
    data = base.read_bytes()
    for i in range(count):
        # A trailing comment after %%EOF changes the hash, not the document: each copy is scored anew.
        (folder / f"p{i:04d}.pdf").write_bytes(data + f"\n% copy {i}\n".encode())


def resume_check(corpus: Path, work: Path, full_seconds: float) -> dict[str, Any]:
    """Kill a 2-worker batch halfway (SIGKILL, workers included), rerun it, compare with an unbroken run."""
    out = work / "resume"
    shutil.rmtree(out, ignore_errors=True)
    code = ("import sys; from pathlib import Path; from service.batch.runner import run_batch; "
            "from service.batch.settings import BatchSettings; "
            "run_batch([sys.argv[1]], Path(sys.argv[2]), BatchSettings(workers=2))")
    proc = subprocess.Popen([sys.executable, "-c", code, str(corpus / "manifest.csv"), str(out)],
                            start_new_session=True)
    time.sleep(max(2.0, full_seconds / 2))
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = len(read_journal(out))
    result = run_batch([str(corpus / "manifest.csv")], out, BatchSettings(workers=2))
    same = (out / "results.csv").read_bytes() == (work / "w2" / "results.csv").read_bytes()
    return {"journal_entries_at_kill": done_before, "reused": result.reused, "computed": result.computed,
            "identical_results_csv": same}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=400, help="text/HTML reports in the scaling corpus")
    parser.add_argument("--pdf", type=int, default=40, help="5-page PDF reports for the PDF throughput")
    parser.add_argument("--work", type=Path, default=Path("/tmp/nianbao-bench"))
    parser.add_argument("--skip-ray", action="store_true")
    args = parser.parse_args()
    corpus = args.work / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    make_corpus(args.n, corpus, 0.0, 1, args.work / "pdf-cache")
    inputs = [str(corpus / "manifest.csv")]
    # The machine is shared: the load average says how far the scaling ratios can be trusted.
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

    t1, n, _ = timed(inputs, args.work / "w1", BatchSettings(workers=1))
    t2, _, _ = timed(inputs, args.work / "w2", BatchSettings(workers=2))
    print(f"text/HTML, {n} reports: 1 worker {n / t1:.1f}/s, 2 workers {n / t2:.1f}/s, ratio {t1 / t2:.2f}x")
    print(f"peak RSS per worker: {peak_rss_mb(args.work / 'w2'):.0f} MB")
    print("truth check:", check_truth(corpus, args.work / "w2"))
    if not args.skip_ray:
        import ray

        # Ray's start-up (seconds) is paid once per cluster, not per batch: time it apart from throughput.
        started = time.perf_counter()
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        print(f"Ray start-up: {time.perf_counter() - started:.1f} s (not counted below)")
        tr, _, _ = timed(inputs, args.work / "ray2", BatchSettings(workers=2, engine="ray"))
        ray.shutdown()
        same = (args.work / "ray2" / "results.csv").read_bytes() == (args.work / "w2" / "results.csv").read_bytes()
        print(f"Ray (2 CPUs) {n / tr:.1f}/s vs local pool {n / t2:.1f}/s: ratio {t2 / tr:.2f}, "
              f"identical results.csv: {same}")
    if args.pdf:
        pdfs = args.work / "pdf5"
        shutil.rmtree(pdfs, ignore_errors=True)
        make_pdf_corpus(pdfs, args.pdf, args.work / "pdf-cache")
        p1, m, _ = timed([str(pdfs)], args.work / "p1", BatchSettings(workers=1))
        p2, _, _ = timed([str(pdfs)], args.work / "p2", BatchSettings(workers=2))
        print(f"5-page PDFs, {m} reports: 1 worker {m / p1:.2f}/s, 2 workers {m / p2:.2f}/s, ratio {p1 / p2:.2f}x; "
              f"peak RSS per worker {peak_rss_mb(args.work / 'p2'):.0f} MB")
    print("resume:", resume_check(corpus, args.work, t2))
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
