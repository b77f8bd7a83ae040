"""Cold wall time of single `nianbao` commands next to pdfplumber's own cold start, as ratios.

Run: nice -n 10 .venv/bin/python benchmarks/cli_latency.py [--repeat 3] [--root CHECKOUT] [PDF]
Each command runs in a fresh process (what a person typing it waits for: interpreter start, imports,
model load, the work, the output); the figure is the median of --repeat runs. The PDF defaults to the
6-page 淮安市 2024 report of ../shared/corpus, or the bundled 4-page sample when the corpus is absent.
Baselines: `python -c "import pdfplumber"` and a bare pdfplumber extract_tables over the same file,
both cold too; ratios are command / baseline. --root runs the commands of another checkout (a git worktree
of an older commit, say) with this interpreter, for a before/after table.
"""

from __future__ import annotations

import argparse
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


def cold(argv: list[str], stdin: str | None, repeat: int, cwd: Path = ROOT) -> float:
    """Median wall seconds of `argv` in a fresh process; a failing command is an error, not a time."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(argv, input=stdin, capture_output=True, text=True, cwd=cwd, timeout=300)
        times.append(time.perf_counter() - start)
        # parse/score exit 2 for an unreadable report: that would time the wrong path.
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr[-500:]}")
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdf", nargs="?", type=Path, default=CORPUS_PDF if CORPUS_PDF.exists() else SAMPLE_PDF)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--root", type=Path, default=ROOT, help="the checkout whose commands are timed")
    args = ap.parse_args()
    pdf = str(args.pdf.resolve())
    root = args.root.resolve()
    cmd = nianbao(root)
    py = sys.executable
    import_s = cold([py, "-c", "import pdfplumber"], None, args.repeat)
    tables_s = cold([py, "-c", BARE_TABLES, pdf], None, args.repeat)
    rows = [
        ("python -c 'import pdfplumber'", import_s),
        ("pdfplumber extract_tables (cold)", tables_s),
        ("nianbao parse --no-topics", cold([*cmd, "parse", "--no-topics", pdf], None, args.repeat, root)),
        ("nianbao parse", cold([*cmd, "parse", pdf], None, args.repeat, root)),
        ("nianbao score", cold([*cmd, "score", pdf], None, args.repeat, root)),
        ("nianbao classify (one sentence)", cold([*cmd, "classify", "-"], SENTENCE, args.repeat, root)),
    ]
    print(f"checkout: {root}; file: {args.pdf.name}; median of {args.repeat} cold runs each")
    print(f"{'command':36} {'seconds':>8} {'× import':>9} {'× extract_tables':>17}")
    for name, seconds in rows:
        print(f"{name:36} {seconds:8.2f} {seconds / import_s:9.1f} {seconds / tables_s:17.2f}")


if __name__ == "__main__":
    main()
