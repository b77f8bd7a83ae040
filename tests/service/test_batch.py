"""`nianbao batch` on the local pool: fixtures, failures as rows, resume, limits, manifests, ranks, HTML, reuse."""

from __future__ import annotations

import csv
import os
import re
import shutil
import time
from pathlib import Path
from unittest import mock

import pytest
import typer
from typer.testing import CliRunner

from nlp.labels import PAIR_KIND_NAMES
from service.batch.dedup import Pair, near_duplicates
from service.batch.html_page import render_index
from service.batch.minhash import signature
from service.batch.runner import run_batch
from service.batch.settings import BatchSettings, Limits
from service.batch.task import Task, run_task
from service.cli_batch import batch
from tests.conftest import FIXTURES
from tests.fixtures.reportgen import make_report, to_html, to_text

app = typer.Typer()
app.command()(batch)
app.callback()(lambda: None)  # keep `batch` a subcommand, as it is in the real CLI
runner = CliRunner()

AGENCY = "江南省青川市临江区人民政府"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def fixture_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture folder scored once through the CLI (the PDFs make it the slowest step)."""
    out = tmp_path_factory.mktemp("fixtures-batch")
    result = runner.invoke(app, ["batch", str(FIXTURES), "--out", str(out), "--workers", "2"])
    assert result.exit_code == 0, result.output
    return out


def test_fixture_folder_records_failures_and_goes_on(fixture_batch: Path) -> None:
    rows = {Path(r["path"]).name: r for r in _read(fixture_batch / "results.csv")}
    reports = sorted(p.name for p in FIXTURES.iterdir() if not p.name.endswith(".json"))
    assert sorted(rows) == reports
    assert rows["encrypted.pdf"]["status"] == "failed"
    assert rows["encrypted.pdf"]["error_code"] == "encrypted"
    assert rows["empty.pdf"]["status"] == "failed" and rows["empty.pdf"]["error_code"] == "empty_file"
    assert rows["truncated.pdf"]["error_reason"]
    assert rows["v2021-complete.pdf"]["status"] == "ok"
    assert rows["v2021-complete.pdf"]["agency"] == "青川市临江区人民政府"
    assert float(rows["v2021-complete.pdf"]["score"]) > 50
    assert rows["v2021-complete.pdf"]["dim_accuracy"] != ""
    assert int(rows["v2021-blanks-broken.html"]["failed_rules"]) >= 1
    broken = {k for k, v in rows["v2021-blanks-broken.html"].items() if k.startswith("fail_") and v not in ("", "0")}
    assert broken, "the broken report should count failed rules by id"
    sha = rows["v2021-complete.pdf"]["sha256"]
    assert (fixture_batch / "reports" / f"{sha}.json").is_file()
    assert (fixture_batch / "results.parquet").stat().st_size > 0


def test_rankings_within_province_year_level(fixture_batch: Path) -> None:
    ranks = _read(fixture_batch / "rankings.csv")
    assert {"rank", "percentile", "province", "year", "level", "size"} <= set(ranks[0])
    groups: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for r in ranks:
        groups.setdefault((r["province"], r["year"], r["level"]), []).append(r)
    for members in groups.values():
        # Competition ranking: a tie shares its rank (the same report in four formats scores the same).
        for r in members:
            assert int(r["rank"]) == 1 + sum(float(o["score"]) > float(r["score"]) for o in members)
        assert all(int(r["size"]) == len(members) for r in members)
        best = min(members, key=lambda r: int(r["rank"]))
        assert float(best["score"]) == max(float(r["score"]) for r in members)
        assert float(best["percentile"]) >= max(float(r["percentile"]) for r in members) - 1e-9


def test_index_html_is_self_contained_with_charts(fixture_batch: Path) -> None:
    html = (fixture_batch / "index.html").read_text(encoding="utf-8")
    assert html.count("<svg") >= 3
    for anchor in ("各省得分分布", "最常见的未通过规则", "逐年变化", "文本雷同", "未能评分的报告"):
        assert anchor in html
    # Top and bottom lists only when they cannot overlap; otherwise one list of every scored report.
    assert ("得分最高" in html and "得分最低" in html) or re.search(r"全部 \d+ 份评分报告", html)
    # Every report named on the page links to its page and JSON inside the output folder.
    for link in re.findall(r'href="([^"]+)"', html):
        assert re.fullmatch(r"reports/[0-9a-f]{64}\.(?:html|json)", link), link
        assert (fixture_batch / link).is_file(), link
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:|//)""", html)
    assert "<script" not in html and "<link" not in html


def test_rerun_resumes_without_scoring_again(fixture_batch: Path, tmp_path: Path) -> None:
    out = tmp_path / "again"
    shutil.copytree(fixture_batch, out)
    before = (out / "results.csv").read_bytes()
    result = run_batch([str(FIXTURES)], out, BatchSettings(workers=1, topics="default"))
    assert result.computed == 0
    assert result.reused >= 20
    assert (out / "results.csv").read_bytes() == before


def _text_reports(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed in range(n):
        report = make_report(seed, ("v2019", "v2021")[seed % 2], 2020 + seed % 3)
        path = folder / f"r{seed}.txt"
        path.write_text(to_text(report), encoding="utf-8")
        paths.append(path)
    return paths


def misbehaving_task(task: Task) -> object:
    """A task that hangs, dies or eats memory for some files (runs in the pool's worker processes)."""
    name = Path(task.job.path).name
    if name.startswith("slow"):
        time.sleep(30)
    if name.startswith("crash"):
        os._exit(7)
    if name.startswith("hog"):
        hoard = bytearray(3 * 1024**3)
        return len(hoard)
    return run_task(task)


def buggy_reader_task(task: Task) -> object:
    """A task whose reader has a bug for files named buggy* (runs in the pool's worker processes)."""
    if Path(task.job.path).name.startswith("buggy"):
        with mock.patch("nlp.pipeline._extract", side_effect=RuntimeError("a bug in our reader")):
            return run_task(task)
    return run_task(task)


def test_timeout_crash_and_memory_are_recorded(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    good = _text_reports(folder, 2)
    for name in ("slow.txt", "crash.txt", "hog.txt"):
        shutil.copy(good[0], folder / name)
        (folder / name).write_text(good[0].read_text(encoding="utf-8") + f"\n{name}\n", encoding="utf-8")
    # The limit leaves a loaded machine ample time for the good reports; slow.txt sleeps 30 s, so its timeout
    # status alone shows that the worker was killed rather than waited for. A worker's address space holds
    # spaCy and the torch it imports (about 0.8 GB) before any report: 2 GB leaves room, hog.txt asks for 3.
    settings = BatchSettings(workers=2, limits=Limits(time_s=10.0, memory_mb=2048))
    result = run_batch([str(folder)], tmp_path / "out", settings, task_fn=misbehaving_task)
    status = {Path(r["path"]).name: (r["status"], r["error_reason"]) for r in result.rows}
    assert status["slow.txt"][0] == "timeout"
    assert status["crash.txt"][0] == "crashed" and "7" in status["crash.txt"][1]
    assert status["hog.txt"][0] == "memory"
    assert status["r0.txt"][0] == "ok" and status["r1.txt"][0] == "ok"
    written = {Path(r["path"]).name: r["status"] for r in _read(tmp_path / "out" / "results.csv")}
    assert written["slow.txt"] == "timeout"


def test_manifest_metadata_wins_and_missing_columns_are_inferred(tmp_path: Path) -> None:
    paths = _text_reports(tmp_path / "files", 3)
    manifest = tmp_path / "manifest.csv"
    with manifest.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "province", "city", "level", "year", "publication date"])
        writer.writerow([f"files/{paths[0].name}", "江南省", "青川市", "county", "", "2021-02-01"])
        writer.writerow([str(paths[1]), "岭西省", "", "", "2030", ""])
    result = run_batch([str(manifest)], tmp_path / "out", BatchSettings(workers=1))
    rows = {Path(r["path"]).name: r for r in result.rows}
    assert sorted(rows) == ["r0.txt", "r1.txt"]
    first, second = rows["r0.txt"], rows["r1.txt"]
    assert (first["province"], first["city"], first["level"], first["published"]) == ("江南省", "青川市", "county",
                                                                                     "2021-02-01")
    assert first["year"] == 2020 and first["agency"]  # inferred from the report
    assert second["province"] == "岭西省" and second["year"] == 2030
    assert second["level"]  # inferred
    ranks = _read(tmp_path / "out" / "rankings.csv")
    assert {r["province"] for r in ranks} == {"江南省", "岭西省"}


def test_near_duplicates_on_made_up_texts() -> None:
    base = ("本机关全年主动公开政府信息，围绕重点领域加强解读回应，依申请公开办理规范，答复及时，"
            "政务新媒体运行平稳，信息发布审核严格，监督考核有力，培训覆盖全体工作人员。") * 3
    other = ("本年度我局坚持以人民为中心，推进决策公开、执行公开、管理公开、服务公开和结果公开，"
             "重点做好财政预决算、重大建设项目和公共资源配置领域的信息公开工作。") * 3
    rows = [
        {"path": "a", "agency": "甲市人民政府", "year": 2023},
        {"path": "b", "agency": "乙县人民政府", "year": 2023},
        {"path": "c", "agency": "甲市人民政府", "year": 2022},
        {"path": "d", "agency": "丙区人民政府", "year": 2023},
    ]
    texts = {"a": base, "b": base.replace("本机关", "本县政府"), "c": base + "另有少量新增内容。", "d": other}
    sigs = {k: signature(v) for k, v in texts.items()}
    pairs = {(p.a, p.b): p for p in near_duplicates(rows, sigs, 0.6)}  # type: ignore[arg-type]
    assert pairs[("a", "b")].kind == "same_year"
    assert pairs[("a", "c")].kind == "across_years"
    assert pairs[("a", "b")].share > 0.6
    assert not any("d" in key for key in pairs)
    assert ("b", "c") not in pairs  # different body and different year: not a reuse case


def test_batch_pairs_years_and_flags_copied_reports(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = to_text(make_report(3, "v2021", 2023, agency=AGENCY))
    (folder / "a2023.txt").write_text(text, encoding="utf-8")
    (folder / "a2022.txt").write_text(text.replace("2023", "2022").replace("2024", "2023"), encoding="utf-8")
    copied = text.replace(AGENCY, "岭西省石门市望湖区人民政府").replace("临江", "望湖")
    (folder / "b2023.txt").write_text(copied, encoding="utf-8")
    (folder / "c2023.html").write_text(to_html(make_report(8, "v2019", 2023)), encoding="utf-8")
    result = run_batch([str(folder)], tmp_path / "out", BatchSettings(workers=2))
    rows = {Path(r["path"]).name: r for r in result.rows}
    assert rows["a2023.txt"]["previous_sha256"] == rows["a2022.txt"]["sha256"]
    assert rows["a2023.txt"].get("fail_X-REUSE-TEXT", 0) >= 1  # cross-year rules ran with the previous report
    assert rows["a2023.txt"]["score_change"] is not None
    kinds = {(Path(p.a).name, Path(p.b).name): p.kind for p in result.pairs}
    assert kinds[("a2023.txt", "b2023.txt")] == "same_year"
    assert kinds[("a2022.txt", "a2023.txt")] == "across_years"
    assert not any("c2023.html" in pair for pair in kinds)
    assert rows["b2023.txt"]["duplicate"] == "same_year"
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "岭西省石门市望湖区人民政府" in html and PAIR_KIND_NAMES["across_years"] in html
    assert "across_years" not in html
    dup_rows = _read(tmp_path / "out" / "duplicates.csv")
    assert len(dup_rows) == len(result.pairs) >= 2


def test_previous_batch_folder_pairs_with_last_year(tmp_path: Path) -> None:
    text = to_text(make_report(5, "v2021", 2023, agency=AGENCY))
    last, this = tmp_path / "last", tmp_path / "this"
    last.mkdir()
    this.mkdir()
    (last / "a2022.txt").write_text(text.replace("2023", "2022").replace("2024", "2023"), encoding="utf-8")
    (this / "a2023.txt").write_text(text, encoding="utf-8")
    run_batch([str(last)], tmp_path / "out-last", BatchSettings())
    result = run_batch([str(this)], tmp_path / "out-this", BatchSettings(), previous=tmp_path / "out-last")
    (row,) = result.rows
    assert row["previous_sha256"] and row["previous_score"] is not None


def test_batch_that_cannot_run_exits_non_zero(tmp_path: Path) -> None:
    result = runner.invoke(app, ["batch", str(tmp_path / "nothing-*.pdf"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1


def test_retry_failed_scores_again_what_timed_out(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    good = _text_reports(folder, 1)
    (folder / "slow.txt").write_text(good[0].read_text(encoding="utf-8") + "\nslow\n", encoding="utf-8")
    out = tmp_path / "out"
    first = run_batch([str(folder)], out, BatchSettings(workers=1, limits=Limits(time_s=10.0)), task_fn=misbehaving_task)
    assert {Path(r["path"]).name: r["status"] for r in first.rows}["slow.txt"] == "timeout"
    plain_rerun = run_batch([str(folder)], out, BatchSettings(workers=1))
    assert plain_rerun.computed == 0  # a timeout is remembered
    retried = run_batch([str(folder)], out, BatchSettings(workers=1, retry_failed=True))
    assert retried.computed == 1
    assert {Path(r["path"]).name: r["status"] for r in retried.rows} == {"r0.txt": "ok", "slow.txt": "ok"}


def test_retry_failed_scores_again_what_failed_through_our_bug_only(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    good = _text_reports(folder, 1)
    (folder / "buggy.txt").write_text(good[0].read_text(encoding="utf-8") + "\nbuggy\n", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    first = run_batch([str(folder)], out, BatchSettings(workers=1), task_fn=buggy_reader_task)
    codes = {Path(r["path"]).name: (r["status"], r["error_code"]) for r in first.rows}
    assert codes == {"r0.txt": ("ok", None), "buggy.txt": ("failed", "internal_error"),
                     "empty.txt": ("failed", "empty_file")}
    summary = (out / "index.html").read_text(encoding="utf-8")
    assert "无法读取：<b>1</b>" in summary and "处理失败：<b>1</b>" in summary  # our bug is not the document's
    assert run_batch([str(folder)], out, BatchSettings(workers=1)).computed == 0
    retried = run_batch([str(folder)], out, BatchSettings(workers=1, retry_failed=True))
    assert retried.computed == 1  # the empty file fails the same way every time and is not read again
    codes = {Path(r["path"]).name: (r["status"], r["error_code"]) for r in retried.rows}
    assert codes == {"r0.txt": ("ok", None), "buggy.txt": ("ok", None), "empty.txt": ("failed", "empty_file")}


def test_index_html_escapes_names_from_the_documents() -> None:
    agency = '<script>alert("x")</script>人民政府&'
    rows = [{"path": "a<b>.txt", "status": "ok", "score": 80.0, "province": "江南省", "agency": agency, "year": 2023,
             "level": "county", "fail_T3-R1": 1}]
    pairs = [Pair("a<b>.txt", "c.txt", "same_year", 0.9, agency, "乙县人民政府", 2023, 2023)]
    html = render_index(rows, pairs, {"报告数": 1, "<i>": "<b>"})
    assert "<script" not in html and "<i>" not in html
    assert "<span>&lt;i&gt;：<b>&lt;b&gt;</b></span>" in html
    # One scored report: one ranked list (never the same report as both best and worst), and the pairs.
    assert html.count("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;人民政府&amp;") == 2
    assert "<td>a&lt;b&gt;.txt</td>" in html  # a pair's file with no row of its own: its name, no link
    assert '<td class="num">80.0</td>' in html
