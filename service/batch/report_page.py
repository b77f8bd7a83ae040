"""reports/<sha256>.html: one batch report as a page a reviewer can read, next to its JSON."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from eval.scoring import Rubric
from nlp.labels import (
    CODE_DESCRIPTIONS,
    CODE_NAMES,
    FORMAT_NAMES,
    LEVEL_NAMES,
    RULE_DESCRIPTIONS,
    RULE_NAMES,
    SEVERITY_NAMES,
    STATUS_DESCRIPTIONS,
    STATUS_NAMES,
    TEMPLATE_NAMES,
    describe,
    for_people,
)
from service.batch.templating import ENV

log = logging.getLogger(__name__)
_MAX_PASSED = 200  # passed checks are summarised by rule, never listed one by one


def _rule(finding: dict[str, Any]) -> dict[str, str]:
    code = str(finding.get("rule") or "")
    return {"name": RULE_NAMES.get(code, "未命名规则"), "description": RULE_DESCRIPTIONS.get(code, ""),
            "message": for_people(str(finding.get("message") or "")),
            "severity": SEVERITY_NAMES.get(str(finding.get("severity")), "提示")}


def page_context(report: dict[str, Any], rubric: Rubric) -> dict[str, Any]:
    """What the page shows, in words: every code of the JSON turned into its Chinese name."""
    meta = report.get("meta") or {}
    source = report.get("source") or {}
    status = str(report.get("status") or "")
    findings = [f for f in report.get("findings") or [] if isinstance(f, dict)]
    dims = {d.key: d.label for d in rubric.dimensions}
    # A document we could not read gets no score on its page: its 0 would read as a judgement of the body.
    score = None if status == "failed" else report.get("score") or None
    passed: dict[str, int] = {}
    for f in findings:
        if f.get("passed") is True:
            name = RULE_NAMES.get(str(f.get("rule")), "未命名规则")
            passed[name] = passed.get(name, 0) + 1
    return {
        "title": meta.get("title") or Path(str(source.get("path") or "")).name or "（无标题）",
        "status": STATUS_NAMES.get(status, "未知状态"), "status_note": STATUS_DESCRIPTIONS.get(status, ""),
        "failed": status == "failed",
        "facts": [
            ("发布机关", meta.get("agency") or "未识别"), ("年度", meta.get("year") or "未识别"),
            ("层级", LEVEL_NAMES.get(meta.get("level") or "", "未识别")),
            ("表格格式", TEMPLATE_NAMES.get(meta.get("template") or "", "未识别")),
            ("文件", f"{Path(str(source.get('path') or '')).name}（{FORMAT_NAMES.get(source.get('format'), '未知格式')}）"),
        ],
        "problems": [
            {"severity": SEVERITY_NAMES.get(str(e.get("severity")), "提示"),
             "what": describe(CODE_NAMES, CODE_DESCRIPTIONS, str(e.get("code"))), "message": for_people(str(e.get("message") or ""))}
            for e in report.get("errors") or [] if isinstance(e, dict)
        ],
        "score": None if score is None else {
            "total": score.get("total"), "rubric": score.get("rubric"),
            "dimensions": [(dims.get(k, "其他"), v) for k, v in (score.get("dimensions") or {}).items()],
        },
        "against": [_rule(f) for f in findings if f.get("passed") is False and f.get("severity") != "info"],
        "hints": [_rule(f) for f in findings if f.get("passed") is False and f.get("severity") == "info"],
        "unknown": [_rule(f) for f in findings if f.get("passed") is None],
        "passed": sorted(passed.items(), key=lambda kv: -kv[1])[:_MAX_PASSED],
        "passed_total": sum(passed.values()),
    }


def write_report_pages(reports: Path, sha256s: list[str], rubric: Rubric) -> int:
    """Write <sha>.html beside each <sha>.json that is newer than its page; returns how many were written."""
    template = ENV.get_template("report.html")
    written = 0
    for sha in sha256s:
        source, page = reports / f"{sha}.json", reports / f"{sha}.html"
        if not source.is_file() or (page.is_file() and page.stat().st_mtime >= source.stat().st_mtime):
            continue
        try:
            report = json.loads(source.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:  # a damaged JSON leaves its link without a page, not the batch
            log.warning("cannot read %s for its page: %s", source, exc)
            continue
        page.write_text(template.render(**page_context(report, rubric), json_name=source.name), encoding="utf-8")
        written += 1
    return written
