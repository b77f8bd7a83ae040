"""index.html: the batch's figures and tables for reviewers, rendered by templates/index.html (Jinja2)."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from eval.ranking import UNKNOWN
from nlp.labels import STATUS_NAMES, reason_name
from service.batch.dedup import Pair
from service.batch.svg import bar_chart, box_plot, line_chart

BRIEF_HEADERS = ["省份", "机关", "年度", "层级", "得分", "文件"]


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) >= 1 or value == 0 else f"{value:.2f}"
    return str(value)


# Autoescape: agency names, paths and rule ids come from the documents and the manifest.
_ENV = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
                   undefined=StrictUndefined)
_ENV.filters["fmt"] = _fmt


def _scored(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if r.get("status") == "ok" and r.get("score") is not None]


def _brief(row: dict[str, Any]) -> list[Any]:
    return [row.get("province"), row.get("agency"), row.get("year"), row.get("level"), float(row["score"]),
            row["path"]]


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
    rule_items = [(rule, float(n)) for rule, n in sorted(failed_rules.items(), key=lambda kv: (-kv[1], kv[0]))[:15]]

    ordered = sorted(scored, key=lambda r: (-float(r["score"]), r["path"]))

    yearly: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for row in scored:
        if row.get("year") not in (None, ""):
            yearly[row.get("province") or UNKNOWN][int(row["year"])].append(float(row["score"]))
    series = {p: {y: sum(v) / len(v) for y, v in ys.items()} for p, ys in sorted(yearly.items())}
    changes = sorted((r for r in scored if r.get("score_change") is not None),
                     key=lambda r: (float(r["score_change"]), r["path"]))
    change_rows = [[r.get("agency"), r.get("year"), r.get("previous_score"), r.get("score"), r.get("score_change"),
                    r["path"]] for r in [*changes[:top_n], *changes[-top_n:]][: 2 * top_n]]

    failures = Counter((r.get("status"), r.get("error_code") or "") for r in rows
                       if r.get("status") not in ("ok", "needs_review"))
    review_rows = [[r.get("agency"), r.get("year"), r.get("score"), r.get("error_reason"), r["path"]]
                   for r in sorted(rows, key=lambda r: r["path"]) if r.get("status") == "needs_review"]
    failure_rows = [[STATUS_NAMES.get(s or "", s), reason_name(c), n]
                    for (s, c), n in sorted(failures.items(), key=lambda kv: (-kv[1], kv[0]))]
    pair_rows = [[p.kind, p.share, p.agency_a, p.year_a, p.agency_b, p.year_b, p.a, p.b]
                 for p in sorted(pairs, key=lambda p: (-p.share, p.a, p.b))]

    # svg.py escapes every label it draws, so its charts go into the page as markup.
    charts = {
        "distribution": Markup(box_plot(provinces, "各省得分分布")),
        "rules": Markup(bar_chart(rule_items, "最常见的未通过规则", " 份")),
        "yearly": Markup(line_chart(series, "各省年度平均得分")),
    }
    return _ENV.get_template("index.html").render(
        summary=summary, charts=charts, top_n=top_n, brief_headers=BRIEF_HEADERS,
        top=[_brief(r) for r in ordered[:top_n]], bottom=[_brief(r) for r in ordered[::-1][:top_n]],
        changes=change_rows, pairs=pair_rows, failures=failure_rows, review=review_rows,
    )
