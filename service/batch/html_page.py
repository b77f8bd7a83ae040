"""index.html: one self-contained page (inline CSS and SVG, no script, no links out) for reviewers."""

from __future__ import annotations

from collections import Counter, defaultdict
from html import escape
from typing import Any

from eval.ranking import UNKNOWN
from service.batch.dedup import Pair
from service.batch.svg import bar_chart, box_plot, line_chart

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222;max-width:1100px}
h1{font-size:1.6em}h2{font-size:1.2em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:13px;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px}
th{background:#f3f3f3}td.num{text-align:right}.empty{color:#888}.chart{display:block;margin:.5em 0}
.summary span{display:inline-block;margin-right:2em}
"""


def _table(headers: list[str], rows: list[list[Any]], numeric: set[int] | None = None) -> str:
    if not rows:
        return '<p class="empty">无</p>'
    numeric = numeric or set()
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(
            f'<td class="num">{escape(_fmt(v))}</td>' if i in numeric else f"<td>{escape(_fmt(v))}</td>"
            for i, v in enumerate(row)
        ) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) >= 1 or value == 0 else f"{value:.2f}"
    return str(value)


def _scored(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if r.get("status") == "ok" and r.get("score") is not None]


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
    cols = ["省份", "机关", "年度", "层级", "得分", "文件"]

    def brief(r: dict[str, Any]) -> list[Any]:
        return [r.get("province"), r.get("agency"), r.get("year"), r.get("level"), float(r["score"]), r["path"]]

    yearly: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for row in scored:
        if row.get("year") not in (None, ""):
            yearly[row.get("province") or UNKNOWN][int(row["year"])].append(float(row["score"]))
    series = {p: {y: sum(v) / len(v) for y, v in ys.items()} for p, ys in sorted(yearly.items())}
    changes = sorted((r for r in scored if r.get("score_change") is not None),
                     key=lambda r: (float(r["score_change"]), r["path"]))
    change_rows = [[r.get("agency"), r.get("year"), r.get("previous_score"), r.get("score"), r.get("score_change"),
                    r["path"]] for r in [*changes[:top_n], *changes[-top_n:]][: 2 * top_n]]

    failures = Counter((r.get("status"), r.get("error_code") or "") for r in rows if r.get("status") != "ok")
    failure_rows = [[s, c, n] for (s, c), n in sorted(failures.items(), key=lambda kv: (-kv[1], kv[0]))]
    pair_rows = [[p.kind, p.share, p.agency_a, p.year_a, p.agency_b, p.year_b, p.a, p.b]
                 for p in sorted(pairs, key=lambda p: (-p.share, p.a, p.b))]

    parts = [
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">",
        "<title>政府信息公开工作年度报告批量评价</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>政府信息公开工作年度报告批量评价</h1>",
        '<p class="summary">' + "".join(
            f"<span>{escape(k)}：<b>{escape(_fmt(v))}</b></span>" for k, v in summary.items()) + "</p>",
        '<h2 id="distribution">各省得分分布</h2>', box_plot(provinces, "各省得分分布"),
        '<h2 id="rules">最常见的未通过规则（报告数）</h2>', bar_chart(rule_items, "最常见的未通过规则", " 份"),
        f'<h2 id="top">得分最高的 {top_n} 份报告</h2>', _table(cols, [brief(r) for r in ordered[:top_n]], {4}),
        f'<h2 id="bottom">得分最低的 {top_n} 份报告</h2>',
        _table(cols, [brief(r) for r in ordered[::-1][:top_n]], {4}),
        '<h2 id="yoy">逐年变化</h2>', line_chart(series, "各省年度平均得分"),
        _table(["机关", "年度", "上年得分", "本年得分", "变化", "文件"], change_rows, {2, 3, 4}),
        '<h2 id="duplicates">文本雷同（近似重复）</h2>',
        "<p>same_year：同一年度不同机关的报告大段相同（可能抄自其他机关）；across_years：同一机关不同年度的报告大段相同（年年雷同）。"
        "相同比例为去掉数字后五字片段的 Jaccard 估计值。</p>",
        _table(["类型", "相同比例", "机关甲", "年度甲", "机关乙", "年度乙", "文件甲", "文件乙"], pair_rows, {1}),
        '<h2 id="failures">未能评分的报告（按原因）</h2>', _table(["状态", "原因代码", "份数"], failure_rows, {2}),
        "</body></html>",
    ]
    return "\n".join(parts)
