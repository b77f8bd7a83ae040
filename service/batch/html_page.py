"""index.html: the batch's figures and tables for reviewers, rendered by templates/index.html (Jinja2)."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from markupsafe import Markup

from eval.ranking import UNKNOWN
from nlp.labels import (
    CODE_DESCRIPTIONS,
    LEVEL_NAMES,
    PAIR_KIND_NAMES,
    RULE_DESCRIPTIONS,
    RULE_NAMES,
    STATUS_NAMES,
    for_people,
    reason_name,
)
from service.batch.dedup import Pair
from service.batch.svg import bar_chart, box_plot, line_chart
from service.batch.templating import ENV

BRIEF_HEADERS = ["名次", "省份", "机关", "年度", "层级", "得分", "报告"]


def _scored(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if r.get("status") == "ok" and r.get("score") is not None]


# Outcomes that come with a report JSON (and so a page); a worker that timed out, ran out of memory or
# crashed returned none.
_WITH_REPORT = ("ok", "needs_review", "failed")


def report_link(row: dict[str, Any]) -> dict[str, str]:
    """The file's name with relative links to its page and JSON in reports/ (the folder moves as a whole)."""
    sha = str(row.get("sha256") or "") if row.get("status") in _WITH_REPORT else ""
    return {"name": Path(str(row["path"])).name, "page": f"reports/{sha}.html" if sha else "",
            "json": f"reports/{sha}.json" if sha else ""}


def _level(row: dict[str, Any]) -> str:
    return LEVEL_NAMES.get(row.get("level") or "", "未识别")


def _brief(place: int, row: dict[str, Any]) -> list[Any]:
    return [place, row.get("province") or "未识别", row.get("agency") or "未识别", row.get("year") or "未识别",
            _level(row), float(row["score"]), report_link(row)]


def _places(ordered: list[dict[str, Any]]) -> list[int]:
    """Competition places by score (100, 100, 90 → 1, 1, 3): a tie shares its place."""
    places: list[int] = []
    for i, row in enumerate(ordered):
        tied = i and float(row["score"]) == float(ordered[i - 1]["score"])
        places.append(places[-1] if tied else i + 1)
    return places


def _failed_files(rows: list[dict[str, Any]]) -> list[list[Any]]:
    """Every file that got no score, with its status and reason in words."""
    out = []
    for row in sorted(rows, key=lambda r: str(r["path"])):
        status = row.get("status")
        if status in ("ok", "needs_review"):
            continue
        code = row.get("error_code") or status or ""
        reason = reason_name(code)
        note = CODE_DESCRIPTIONS.get(code, "")
        out.append([report_link(row), STATUS_NAMES.get(status or "", "未知状态"),
                    f"{reason}：{note}" if note else reason])
    return out


def render_index(rows: list[dict[str, Any]], pairs: list[Pair], summary: dict[str, Any], top_n: int = 10) -> str:
    """The whole page as a string."""
    scored = _scored(rows)
    by_province: dict[str, list[float]] = defaultdict(list)
    for row in scored:
        by_province[row.get("province") or UNKNOWN].append(float(row["score"]))
    provinces = dict(sorted(by_province.items()))

    failed_rules: Counter[str] = Counter()
    for row in scored:
        failed_rules.update(k[5:] for k, v in row.items() if k.startswith("fail_") and v)
    common = sorted(failed_rules.items(), key=lambda kv: (-kv[1], kv[0]))[:15]
    rule_items = [(RULE_NAMES.get(rule, "未命名规则"), float(n)) for rule, n in common]
    rule_rows = [[RULE_NAMES.get(rule, "未命名规则"), RULE_DESCRIPTIONS.get(rule, ""), n] for rule, n in common]

    ordered = sorted(scored, key=lambda r: (-float(r["score"]), str(r["path"])))
    ranked = [_brief(place, row) for place, row in zip(_places(ordered), ordered, strict=True)]
    # With 2 × top_n reports or fewer the two lists would overlap: show them all, once.
    split = len(ranked) > 2 * top_n

    yearly: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for row in scored:
        if row.get("year") not in (None, ""):
            yearly[row.get("province") or UNKNOWN][int(row["year"])].append(float(row["score"]))
    series = {p: {y: sum(v) / len(v) for y, v in ys.items()} for p, ys in sorted(yearly.items())}
    changes = sorted((r for r in scored if r.get("score_change") is not None),
                     key=lambda r: (float(r["score_change"]), str(r["path"])))
    shown = changes if len(changes) <= 2 * top_n else [*changes[:top_n], *changes[-top_n:]]
    change_rows = [[r.get("agency") or "未识别", r.get("year"), r.get("previous_score"), r.get("score"),
                    r.get("score_change"), report_link(r)] for r in shown]

    review_rows = [[r.get("agency") or "未识别", r.get("year") or "未识别", r.get("score"), for_people(str(r.get("error_reason") or "")),
                    report_link(r)] for r in sorted(rows, key=lambda r: str(r["path"])) if r.get("status") == "needs_review"]
    failures = Counter((r.get("status"), r.get("error_code") or r.get("status") or "") for r in rows
                       if r.get("status") not in ("ok", "needs_review"))
    failure_rows = [[STATUS_NAMES.get(s or "", "未知状态"), reason_name(c), n]
                    for (s, c), n in sorted(failures.items(), key=lambda kv: (-kv[1], str(kv[0])))]
    by_path = {str(r["path"]): r for r in rows}
    pair_rows = [[PAIR_KIND_NAMES.get(p.kind, "近似重复"), p.share, p.agency_a, p.year_a, p.agency_b, p.year_b,
                  report_link(by_path.get(p.a, {"path": p.a})), report_link(by_path.get(p.b, {"path": p.b}))]
                 for p in sorted(pairs, key=lambda p: (-p.share, p.a, p.b))]

    # svg.py escapes every label it draws, so its charts go into the page as markup.
    charts = {
        "distribution": Markup(box_plot(provinces, "各省得分分布")),
        "rules": Markup(bar_chart(rule_items, "最常见的未通过规则", " 份")),
        "yearly": Markup(line_chart(series, "各省年度平均得分")),
    }
    return ENV.get_template("index.html").render(
        summary=summary, charts=charts, top_n=top_n, brief_headers=BRIEF_HEADERS, split=split, ranked=ranked,
        top=ranked[:top_n], bottom=ranked[::-1][:top_n], rule_rows=rule_rows,
        changes=change_rows, pairs=pair_rows, failures=failure_rows, failed_files=_failed_files(rows),
        review=review_rows, pair_kinds=PAIR_KIND_NAMES,
    )
