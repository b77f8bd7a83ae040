"""Generate N varied synthetic reports with known injected errors and duplicates, plus a truth manifest.

Run: .venv/bin/python benchmarks/make_corpus.py --n 500 --out /tmp/corpus [--pdf-share 0.02] [--seed 1]
Writes DIR/files/*.{txt,html,pdf}, DIR/manifest.csv (path, province, city, level, agency, year, published)
and DIR/truth.json (per file: injected errors and the rule each must fail; the duplicate pairs).
PDFs go through LibreOffice (~3 s each) and are cached by content in --cache, so reruns are fast.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the report generator is test tooling: tests/fixtures/reportgen, not installed

from tests.fixtures import reportgen  # noqa: E402

# Invented places (no real province or city is named).
PROVINCES = ("江南省", "岭西省", "海东省", "河阳省")
CITIES = ("青川", "澄湖", "南屏", "丰原", "石门", "桐川", "云岭", "松溪", "白沙", "金台", "玉泉", "长宁")
COUNTIES = ("临江", "望湖", "东坪", "西岭", "北塘", "南溪", "安平", "永和", "清河", "新城")
DEPARTMENTS = ("自然资源局", "交通运输局", "市场监督管理局", "生态环境局", "教育局", "卫生健康局", "民政局", "人民政府")
YEARS = (2021, 2022, 2023, 2024)

# Injected errors and the rule that must fail because of each (rule ids of format-spec.md / eval/).
ERRORS: dict[str, tuple[str, dict[str, Any]]] = {
    "t3_r1_broken": ("T3-R1", {"break_t3_r1": True}),
    "t4_r1_broken": ("T4-R1", {"break_t4_r1": True}),
    "missing_sections": ("OL-SECTIONS", {"omit_sections": ("s5_problems",)}),
    "narrative_mismatch": ("T3-N1", {"narrative_offset": 7}),
}


def body(rng: random.Random) -> tuple[str, str, str, str]:
    """(province, city, level, agency) of an invented body."""
    province, city = rng.choice(PROVINCES), rng.choice(CITIES) + "市"
    county = rng.choice(COUNTIES) + rng.choice(("县", "区"))
    dept = rng.choice(DEPARTMENTS)
    if dept == "人民政府" and rng.random() < 0.3:
        return province, city, "city", f"{province}{city}{dept}"
    return province, city, "county" if dept == "人民政府" else "department", f"{province}{city}{county}{dept}"


def copy_to(text: str, source_agency: str, target_agency: str) -> str:
    """The text of one body's report passed off as another's (what 照抄 looks like)."""
    short_source, short_target = reportgen.short_name(source_agency), reportgen.short_name(target_agency)
    return text.replace(source_agency, target_agency).replace(short_source, short_target)


def shift_year(text: str, year: int, to: int) -> str:
    """The same body's report reused for another year: only the years change (年年雷同)."""
    return text.replace(str(year + 1), "\0").replace(str(year), str(to)).replace("\0", str(to + 1))


def render_pdf(report: reportgen.SyntheticReport, cache: Path, dest: Path) -> None:
    """A PDF of the report through LibreOffice, cached by the report's text."""
    key = hashlib.sha256(reportgen.to_text(report).encode()).hexdigest()[:24]
    cached = cache / f"{key}.pdf"
    if not cached.exists():
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            reportgen.to_pdf(report, Path(tmp) / "r.pdf")
            shutil.copy(Path(tmp) / "r.pdf", cached)
    shutil.copy(cached, dest)


def make_corpus(n: int, out: Path, pdf_share: float, seed: int, cache: Path, dup_share: float = 0.06) -> dict[str, Any]:
    """Write the corpus and return the truth."""
    rng = random.Random(seed)
    files = out / "files"
    files.mkdir(parents=True, exist_ok=True)
    manifest: list[dict[str, Any]] = []
    truth: dict[str, Any] = {"files": {}, "duplicates": []}
    bodies: dict[str, tuple[str, str, str]] = {}  # file -> (province, city, level), for a body's later years
    texts: list[tuple[str, str, int, str]] = []  # (file, agency, year, text) of text-format reports to copy from
    n_pdf = round(n * pdf_share)
    for i in range(n):
        province, city, level, agency = body(rng)
        year = rng.choice(YEARS)
        template = "v2019" if year <= 2020 or rng.random() < 0.15 else "v2021"
        options: dict[str, Any] = {}
        injected = None
        if rng.random() < 0.25:
            injected = rng.choice(sorted(ERRORS))
            options = dict(ERRORS[injected][1])
        report = reportgen.make_report(seed * 1_000_003 + i, template, year, agency=agency, **options)
        name = f"r{i:05d}"
        dup = None
        if i >= n_pdf and texts and rng.random() < dup_share:
            src_file, src_agency, src_year, src_text = rng.choice(texts)
            if rng.random() < 0.5:  # another body's report of the same year, copied
                year, injected = src_year, None
                text = copy_to(src_text, src_agency, agency)
                dup = {"kind": "same_year", "a": src_file, "b": f"{name}.txt"}
            else:  # the same body's report of another year, reused
                agency, year, injected = src_agency, src_year + 1, None
                province, city, level = bodies[src_file]
                text = shift_year(src_text, src_year, year)
                dup = {"kind": "across_years", "a": src_file, "b": f"{name}.txt"}
            path = files / f"{name}.txt"
            path.write_text(text, encoding="utf-8")
        elif i < n_pdf:
            path = files / f"{name}.pdf"
            render_pdf(report, cache, path)
        elif i % 2:
            path = files / f"{name}.html"
            path.write_text(reportgen.to_html(report), encoding="utf-8")
        else:
            path = files / f"{name}.txt"
            text = reportgen.to_text(report)
            path.write_text(text, encoding="utf-8")
            if injected is None:
                texts.append((path.name, agency, year, text))
        # Leave some metadata out on purpose: the batch must infer it from the report.
        row = {"path": f"files/{path.name}", "province": province, "city": city if rng.random() < 0.8 else None,
               "level": level if rng.random() < 0.8 else None, "agency": agency, "year": year, "published": None}
        manifest.append(row)
        bodies[path.name] = (province, city, level)
        truth["files"][path.name] = {"injected": injected, "rule": ERRORS[injected][0] if injected else None,
                                     "agency": agency, "year": year, "province": province}
        if dup:
            truth["duplicates"].append(dup)
    with (out / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["path", "province", "city", "level", "agency", "year", "published"])
        writer.writeheader()
        writer.writerows(manifest)
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="number of reports")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--pdf-share", type=float, default=0.0, help="share of reports rendered as PDF (slow)")
    parser.add_argument("--dup-share", type=float, default=0.06, help="share of reports that copy another")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "nianbao-pdf-cache")
    args = parser.parse_args()
    truth = make_corpus(args.n, args.out, args.pdf_share, args.seed, args.cache, args.dup_share)
    injected = sum(1 for f in truth["files"].values() if f["injected"])
    print(f"{len(truth['files'])} reports in {args.out}: {injected} with injected errors, "
          f"{len(truth['duplicates'])} duplicate pairs")


if __name__ == "__main__":
    main()
