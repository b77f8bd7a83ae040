"""`--engine ray` on a local Ray instance writes exactly the results.csv of the local pool."""

from __future__ import annotations

from pathlib import Path

import ray  # noqa: F401 -- a required dependency (pyproject): a broken install must fail here, not skip

from service.batch.runner import run_batch
from service.batch.settings import BatchSettings
from tests.fixtures.reportgen import make_report, to_html, to_text


def _corpus(folder: Path) -> None:
    folder.mkdir()
    agency = "江南省青川市临江区人民政府"
    for seed in range(4):
        report = make_report(seed, ("v2019", "v2021")[seed % 2], 2021 + seed % 2, break_t3_r1=seed == 1)
        render = to_text if seed % 2 else to_html
        (folder / f"r{seed}.{'txt' if seed % 2 else 'html'}").write_text(render(report), encoding="utf-8")
    text = to_text(make_report(9, "v2021", 2023, agency=agency))
    (folder / "a2023.txt").write_text(text, encoding="utf-8")
    (folder / "a2022.txt").write_text(text.replace("2023", "2022").replace("2024", "2023"), encoding="utf-8")


def test_ray_engine_matches_local_pool(tmp_path: Path) -> None:
    _corpus(tmp_path / "in")
    local = run_batch([str(tmp_path / "in")], tmp_path / "local", BatchSettings(workers=2))
    ray_run = run_batch([str(tmp_path / "in")], tmp_path / "ray", BatchSettings(workers=2, engine="ray"))
    assert local.computed == ray_run.computed == 7  # six reports, and one rescored with its previous year
    assert all(r["status"] == "ok" for r in ray_run.rows)
    local_csv = (tmp_path / "local" / "results.csv").read_text(encoding="utf-8-sig")
    ray_csv = (tmp_path / "ray" / "results.csv").read_text(encoding="utf-8-sig")
    assert ray_csv == local_csv
    assert (tmp_path / "ray" / "rankings.csv").read_bytes() == (tmp_path / "local" / "rankings.csv").read_bytes()
