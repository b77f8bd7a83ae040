"""Statuses, severities and failure reasons reach people as Chinese words, never as internal codes."""

from __future__ import annotations

import io

from rich.console import Console

from nlp.labels import REASON_NAMES, reason_name
from nlp.pipeline import parse_bytes, parse_file
from service.batch.html_page import render_index
from service.render import render_report
from tests.conftest import FIXTURES


def test_every_way_a_fixture_fails_has_a_chinese_reason() -> None:
    failed = [parse_file(p) for p in sorted(FIXTURES.iterdir()) if not p.name.endswith(".json")]
    codes = {e.code for r in failed if r.status == "failed" for e in r.errors if e.severity == "error"}
    assert codes >= {"empty_file", "encrypted", "unreadable", "not_a_report"}  # scanned PDFs are read by OCR now
    assert not [c for c in codes if c not in REASON_NAMES], codes


def test_the_terminal_view_names_severities_in_chinese_without_codes() -> None:
    lines = (FIXTURES / "v2021-complete.txt").read_text(encoding="utf-8").splitlines()
    report = parse_bytes("".join(line.strip().replace("\t", "") for line in lines).encode(), "run-on.txt")
    out = io.StringIO()
    render_report(report, Console(file=out, width=200, color_system=None))
    text = out.getvalue()
    assert "需人工复核" in text and "警告" in text
    assert "warning" not in text and "table_unreadable" not in text


def test_the_batch_page_groups_failures_by_chinese_status_and_reason() -> None:
    rows = [
        {"path": "a.pdf", "sha256": "a", "status": "failed", "error_code": "encrypted", "score": 0.0},
        {"path": "b.pdf", "sha256": "b", "status": "timeout", "error_code": "timeout", "score": None},
    ]
    page = render_index(rows, [], {"报告总数": 2})
    failures = page[page.index('id="failures"'):]
    assert "文件已加密" in failures and "处理超时" in failures and "读取失败" in failures
    assert ">encrypted<" not in failures and ">timeout<" not in failures
    assert reason_name("some_new_code") == "some_new_code"
