"""CLI, batch and web analyse a report the same way: one `analyze()`, the same JSON with a previous year."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from service.analyze import Document, Topics, analyze
from service.batch.runner import run_batch
from service.batch.settings import BatchSettings
from service.cli import app
from tests.conftest import FIXTURES, corpus_file
from tests.service.web_fixtures import open_site, settings_for, wait_job

CURRENT = FIXTURES / "v2021-complete.txt"


def _pair(folder: Path) -> tuple[Path, Path]:
    """This year's fixture and the same body's report a year earlier, titled with the short form of its name
    (淮安市临江区人民政府 / 临江区人民政府), dates moved back a year."""
    text = CURRENT.read_text(encoding="utf-8").replace("青川市", "淮安市")
    assert text.startswith("淮安市临江区人民政府2023年") and "2023年" in text
    folder.mkdir()
    previous = folder / "linjiang-2022.txt"
    last_year = text.replace("2024", "2023").replace("2023", "2022").removeprefix("淮安市")
    previous.write_text(last_year, encoding="utf-8")
    current = folder / "linjiang-2023.txt"
    current.write_text(text, encoding="utf-8")
    return current, previous


def _comparable(body: dict[str, Any]) -> dict[str, Any]:
    """The JSON contract with files named by their names: the CLI and batch know paths, the web filenames."""
    text = json.dumps(body, ensure_ascii=False)
    return json.loads(re.sub(r'"(?:[^"]*/)?([^"/]+\.(?:txt|pdf))"', r'"\1"', text))


@pytest.fixture(scope="module")
def topics() -> Topics:
    return Topics.load("default")


@pytest.fixture(scope="module", params=["fixture", "hongze"])
def pair(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A report and its previous year under two name forms: our fixture, and the real Hongze pair
    (洪泽区人民政府 in 2023, 淮安市洪泽区人民政府 in 2024) when the corpus is here."""
    if request.param == "hongze":
        return corpus_file("pdf/hongze-district-2024.pdf"), corpus_file("pdf/hongze-district-2023.pdf")
    return _pair(tmp_path_factory.mktemp("pair") / "reports")


@pytest.fixture(scope="module")
def expected(pair: tuple[Path, Path], topics: Topics) -> dict[str, Any]:
    from nlp.serialize import report_to_dict
    from service.analyze import read

    current, previous = pair
    last_year = read(Document.of_path(previous), topics)
    return _comparable(report_to_dict(analyze(Document.of_path(current), topics, previous=last_year)))


def test_the_previous_year_changes_the_findings(expected: dict[str, Any]) -> None:
    # Without this the agreement below could hold with the cross-year rules silently off everywhere.
    cross = [f for f in expected["findings"] if f["rule"].startswith("X-")]
    assert cross, sorted({f["rule"] for f in expected["findings"]})
    paired = next(f for f in cross if f["rule"] == "X-PAIR")
    assert paired["passed"] is True
    assert {paired["evidence"]["agency"], paired["evidence"]["previous_agency"]} in (
        {"淮安市临江区人民政府", "临江区人民政府"}, {"淮安市洪泽区人民政府", "洪泽区人民政府"})
    assert any(f["passed"] is False for f in cross)
    assert {s["topic"] for s in expected["sentences"]} >= {"problem", "measure"}


def test_cli_gives_the_one_path_json(pair: tuple[Path, Path], expected: dict[str, Any]) -> None:
    current, previous = pair
    result = CliRunner().invoke(app, ["score", str(current), "--previous", str(previous), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert _comparable(json.loads(result.stdout)) == expected


def test_batch_gives_the_one_path_json(pair: tuple[Path, Path], expected: dict[str, Any], tmp_path: Path) -> None:
    current = pair[0]
    folder = tmp_path / "reports"
    folder.mkdir()
    for path in pair:
        (folder / path.name).write_bytes(path.read_bytes())
    result = run_batch([str(folder)], tmp_path / "out", BatchSettings(workers=1, topics="default"))
    row = next(r for r in result.rows if Path(r["path"]).name == current.name)
    assert row["previous_sha256"], row
    body = json.loads((tmp_path / "out" / "reports" / f"{row['sha256']}.json").read_text(encoding="utf-8"))
    assert _comparable(body) == expected


def test_web_gives_the_one_path_json(pair: tuple[Path, Path], expected: dict[str, Any], tmp_path: Path) -> None:
    current, previous = pair
    site_gen = open_site(settings_for(tmp_path / "web", topic_model="default"))
    site = next(site_gen)
    try:
        headers = site.auth("reviewer")
        for path in (previous, current):
            files = [("files", (path.name, path.read_bytes(), "application/octet-stream"))]
            response = site.client.post("/api/uploads", files=files, headers=headers)
            assert response.status_code == 202, response.text
            job = wait_job(site.client, response.json()["jobs"][0]["url"], headers, timeout=120)
            assert job["status"] == "done", job
        body = site.client.get(job["report_url"], headers=headers).json()
    finally:
        site_gen.close()
    assert _comparable(body) == expected


def test_a_missing_model_is_the_same_warning_everywhere(pair: tuple[Path, Path], tmp_path: Path) -> None:
    current, _ = pair
    missing = tmp_path / "no-model"
    topics = Topics.load(missing)
    assert topics.classifier is None and str(missing) in (topics.unavailable or "")
    alone = analyze(Document.of_path(current), topics)
    assert alone.status == "ok"
    assert [e.code for e in alone.errors].count("topics_unavailable") == 1
    assert all(s.topic is None for s in alone.sentences)
    result = run_batch([str(current)], tmp_path / "out", BatchSettings(workers=1, topics=str(missing)))
    assert result.rows[0]["status"] == "ok"
    body = json.loads((tmp_path / "out" / "reports" / f"{result.rows[0]['sha256']}.json").read_text(encoding="utf-8"))
    assert [e["code"] for e in body["errors"]] == [e.code for e in alone.errors]
