"""No internal code where a person reads: parse, score, batch's index.html and report pages, all in words.

Every status, level, rule and reading-problem code has a Chinese name and description in nlp.labels; the
outputs of real runs (fixtures, and the corpus when present) are scanned for any code left bare.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nlp import labels
from service.batch.runner import run_batch
from service.batch.settings import BatchSettings
from service.cli import app
from tests.conftest import FIXTURES
from tests.service.test_web_pages import visible_text  # one reader of a page's visible text

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
runner = CliRunner()

# Codes of every kind people could meet, by their own tables.
_NAMED = [labels.STATUS_NAMES, labels.LEVEL_NAMES, labels.RULE_NAMES, labels.CODE_NAMES, labels.PAIR_KIND_NAMES,
          labels.TEMPLATE_NAMES, labels.SEVERITY_NAMES, labels.JOB_STATUS_NAMES, labels.TOPIC_NAMES,
          labels.ROLE_NAMES, labels.MODEL_DECISION_NAMES]
_CODES = sorted({code for table in _NAMED for code in table}, key=len, reverse=True)
_RAW = re.compile(
    r"(?<![A-Za-z0-9_.\-/])(?:" + "|".join(re.escape(c) for c in _CODES) + r")(?![A-Za-z0-9_\-])"
    r"|\b[A-Z]{1,2}\d?-[A-Z0-9]+(?:-[A-Z0-9]+)*\b"  # the shape of a rule id (T3-R1, OL-S1-ACCOUNT)
    r"|\b[a-z]+(?:_[a-z0-9]+)+\b"  # snake_case, the shape of every other code
)
# Documents whose outputs are read: complete, broken, old, not a report, unreadable.
_DOCUMENTS = ["v2021-complete.txt", "v2021-blanks-broken.html", "pre2019.txt", "article.txt", "empty.txt",
              "encrypted.pdf", "v2019-year-2022.txt", "no-tables.html"]
_CORPUS_DOCUMENTS = ["pdf/hongze-district-2023.pdf", "text/shangjie-district-2019.pdf-copy.txt"]


def raw_codes(text: str, *paths: Path) -> list[str]:
    """Internal codes left in a text people read (file paths and names, which are the user's, removed first)."""
    for path in paths:
        text = text.replace(str(path), "").replace(path.name, "")
    return _RAW.findall(text)


def test_every_code_has_a_chinese_name_and_description() -> None:
    rubric = tomllib.loads((ROOT / "eval" / "rubric.toml").read_text(encoding="utf-8"))
    assert set(rubric["rules"]) <= set(labels.RULE_NAMES)
    for names, descriptions in ((labels.RULE_NAMES, labels.RULE_DESCRIPTIONS),
                                (labels.CODE_NAMES, labels.CODE_DESCRIPTIONS),
                                (labels.STATUS_NAMES, labels.STATUS_DESCRIPTIONS),
                                (labels.LEVEL_NAMES, labels.LEVEL_DESCRIPTIONS)):
        assert set(names) == set(descriptions)
        for code in names:
            assert re.search(r"[\u4e00-\u9fff]", names[code]) and re.search(r"[\u4e00-\u9fff]", descriptions[code])


def test_every_reading_problem_code_in_the_source_is_named() -> None:
    """Codes the readers and the evaluator can raise, found where they are raised."""
    raised = re.compile(r"""(?:ReportError|_failed|ReadFailure|_fail)\(\s*["']([a-z0-9_]+)["']""")
    found = {code for path in (ROOT / "nlp").rglob("*.py") for code in raised.findall(path.read_text(encoding="utf-8"))}
    assert {"table3_legacy_other_row", "not_a_report", "encrypted"} <= found
    assert not sorted(found - set(labels.CODE_NAMES))


def test_the_detector_finds_codes() -> None:
    assert raw_codes("层级：county  警告 table3_legacy_other_row T4-R1 needs_review") == [
        "county", "table3_legacy_other_row", "T4-R1", "needs_review"]
    assert raw_codes("层级：县级 PDF JSON n=3 中位数 97.5 /tmp/x_y/county.pdf", Path("/tmp/x_y/county.pdf")) == []


def _documents() -> list[Path]:
    found = [FIXTURES / name for name in _DOCUMENTS]
    return found + [CORPUS / name for name in _CORPUS_DOCUMENTS if (CORPUS / name).is_file()]


@pytest.mark.parametrize("command", ["parse", "score"])
@pytest.mark.parametrize("document", _documents(), ids=lambda p: p.name)
def test_parse_and_score_print_no_raw_code(command: str, document: Path) -> None:
    result = runner.invoke(app, [command, str(document), "--no-topics"])
    assert result.exit_code in (0, 2), result.output
    assert not raw_codes(result.stdout, document), result.stdout


_COMMANDS = [[], ["parse"], ["score"], ["batch"], ["classify"], ["serve"], ["user"], ["user", "create"],
             ["user", "token"], ["train"], ["train", "pretrain"], ["train", "finetune"], ["train", "evaluate"],
             ["train", "retrain"]]


@pytest.mark.parametrize("command", _COMMANDS, ids=lambda c: " ".join(c) or "nianbao")
def test_help_pages_are_in_chinese(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "用法：" in result.stdout and "显示本帮助并退出。" in result.stdout
    for english in ("Usage:", "Options", "Arguments", "Commands", "Show this message", "[default", "[required]"):
        assert english not in result.stdout, english
    described = "\n".join(line for line in result.stdout.splitlines() if "用法：" not in line)
    assert not re.findall(r"\b[a-z]+ [a-z]+ [a-z]+\b", described)  # no English sentence


def test_batch_pages_show_no_raw_code(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in _DOCUMENTS:
        shutil.copy(FIXTURES / name, folder / name)
    out = tmp_path / "out"
    result = run_batch([str(folder)], out, BatchSettings(workers=1, topics=None))
    assert {r["status"] for r in result.rows} >= {"ok", "failed"}
    paths = [Path(str(r["path"])) for r in result.rows]
    pages = [out / "index.html", *sorted((out / "reports").glob("*.html"))]
    assert len(pages) == 1 + len(result.rows)
    for page in pages:
        text = visible_text(page.read_text(encoding="utf-8"))
        assert not raw_codes(text, *paths), (page.name, raw_codes(text, *paths))


def test_user_create_names_the_role_in_words(tmp_path: Path) -> None:
    result = runner.invoke(app, ["user", "create", "zhang", "--role", "reviewer", "--data-dir", str(tmp_path)],
                           env={"NIANBAO_NEW_PASSWORD": "Qv7-lantern-orchid-52"})
    assert result.exit_code == 0, result.output
    assert f"已创建账号 zhang（{labels.ROLE_NAMES['reviewer']}）" in result.stdout
    assert not raw_codes(result.stdout.replace("zhang", ""))
