"""Cold wall time of single `nianbao` commands next to pdfplumber's own cold start, as ratios.

Run: nice -n 10 .venv/bin/python benchmarks/cli_latency.py [--repeat 3] [--root CHECKOUT ...] [PDF]
Each command runs in a fresh process (what a person typing it waits for: interpreter start, imports,
model load, the work, the output); the figure is the median of --repeat runs, wall seconds and the CPU
seconds of the process (user + system: steadier than wall time on a busy machine). The PDF defaults to
the 6-page 淮安市 2024 report of ../shared/corpus, or the bundled 4-page sample when the corpus is absent.
Baselines: `python -c "import pdfplumber"` and a bare pdfplumber extract_tables over the same file,
both cold too; ratios are command / baseline (wall).

--root (repeatable) times the commands of other checkouts, git worktrees of older commits say, with this
interpreter. Runs are interleaved (each repeat runs every checkout in turn), so a before/after table
compares checkouts under the same load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS_PDF = ROOT.parent / "shared" / "corpus" / "pdf" / "huaian-city-2024.pdf"
SAMPLE_PDF = ROOT / "service" / "samples" / "linjiang-district-2023.pdf"
SENTENCE = "本机关进一步完善依申请公开办理机制，按时答复率达到百分之百。\n"  # written for this benchmark
BARE_TABLES = (
    "import sys, pdfplumber\n"
    "with pdfplumber.open(sys.argv[1]) as pdf:\n"
    "    [page.extract_tables() for page in pdf.pages]\n"
)


def nianbao(root: Path) -> list[str]:
    """The installed entry point next to this interpreter, or the module of another checkout (run from it)."""
    script = Path(sys.executable).with_name("nianbao")
    return [str(script)] if script.exists() and root == ROOT else [sys.executable, "-m", "service.cli"]


def run_once(argv: list[str], stdin: str | None, cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of `argv` in a fresh process; a failing command is an error, not a time."""
    before = os.times()
    start = time.perf_counter()
    done = subprocess.run(argv, input=stdin, capture_output=True, text=True, cwd=cwd, timeout=600)
    wall = time.perf_counter() - start
    after = os.times()
    # parse/score exit 2 for an unreadable report: that would time the wrong path.
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr[-500:]}")
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def commands(root: Path, pdf: str) -> list[tuple[str, list[str], str | None]]:
    cmd = nianbao(root)
    return [
        ("nianbao parse --no-topics", [*cmd, "parse", "--no-topics", pdf], None),
        ("nianbao parse", [*cmd, "parse", pdf], None),
        ("nianbao score", [*cmd, "score", pdf], None),
        ("nianbao classify (one sentence)", [*cmd, "classify", "-"], SENTENCE),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdf", nargs="?", type=Path, default=CORPUS_PDF if CORPUS_PDF.exists() else SAMPLE_PDF)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--root", type=Path, action="append", help="a checkout whose commands are timed (repeatable)")
    args = ap.parse_args()
    pdf = str(args.pdf.resolve())
    roots = [r.resolve() for r in args.root or [ROOT]]
    py = sys.executable
    baselines = [("python -c 'import pdfplumber'", [py, "-c", "import pdfplumber"], None),
                 ("pdfplumber extract_tables (cold)", [py, "-c", BARE_TABLES, pdf], None)]
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for _ in range(args.repeat):
        for name, argv, stdin in baselines:
            times.setdefault(("", name), []).append(run_once(argv, stdin, ROOT))
        for i in range(len(commands(ROOT, pdf))):
            for root in roots:  # interleaved: every checkout meets the same load
                name, argv, stdin = commands(root, pdf)[i]
                times.setdefault((str(root), name), []).append(run_once(argv, stdin, root))

    def median(key: tuple[str, str]) -> tuple[float, float]:
        runs = times[key]
        return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)

    import_s, tables_s = median(("", baselines[0][0]))[0], median(("", baselines[1][0]))[0]
    print(f"file: {args.pdf.name}; median of {args.repeat} cold runs each; load average now "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    header = f"{'command':36} {'wall s':>7} {'CPU s':>6} {'× import':>9} {'× extract_tables':>17}"
    for label, prefix in [("baselines", ""), *[(f"checkout {r}", str(r)) for r in roots]]:
        print(f"\n{label}\n{header}")
        for (root, name), _ in times.items():
            if root == prefix:
                wall, cpu = median((root, name))
                print(f"{name:36} {wall:7.2f} {cpu:6.2f} {wall / import_s:9.1f} {wall / tables_s:17.2f}")


if __name__ == "__main__":
    main()
