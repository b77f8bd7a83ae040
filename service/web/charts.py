"""Inline SVG charts drawn on the server (no chart library, nothing fetched by the browser)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

_BAR = "#2f6db5"


def histogram_svg(bins: Sequence[int], title: str = "得分分布") -> str:
    """Vertical bars for ten score bins (0–10 … 90–100)."""
    width, height, pad = 560, 240, 36
    top = max(bins) if bins and max(bins) > 0 else 1
    bar_w = (width - 2 * pad) / max(1, len(bins))
    parts = [f'<svg class="chart" id="chart-histogram" role="img" aria-label="{escape(title)}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    parts.append(f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#888"/>')
    for i, count in enumerate(bins):
        h = (height - 2 * pad) * count / top
        x = pad + i * bar_w
        y = height - pad - h
        parts.append(f'<rect class="bar" x="{x + 2:.1f}" y="{y:.1f}" width="{bar_w - 4:.1f}" height="{h:.1f}" '
                     f'fill="{_BAR}"><title>{i * 10}–{i * 10 + 10} 分：{count} 份</title></rect>')
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - pad + 14}" font-size="11" '
                     f'text-anchor="middle">{i * 10}</text>')
        if count:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" font-size="11" '
                         f'text-anchor="middle">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bars_svg(items: Sequence[tuple[str, float, int]], title: str, chart_id: str, limit: int = 15) -> str:
    """Horizontal bars of mean scores (0–100) per group, with the report count."""
    items = list(items)[:limit]
    # 14 characters at 12 px fit the label column; the chart is shown at its drawn width (app.css .charts).
    row_h, label_w, width = 24, 180, 560
    height = row_h * max(1, len(items)) + 20
    plot_w = width - label_w - 80
    parts = [f'<svg class="chart" id="{escape(chart_id)}" role="img" aria-label="{escape(title)}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i, (label, mean, count) in enumerate(items):
        y = 10 + i * row_h
        w = plot_w * max(0.0, min(100.0, mean)) / 100
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" font-size="12" text-anchor="end">{escape(label[:14])}</text>')
        parts.append(f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
                     f'fill="{_BAR}"><title>{escape(label)}：平均 {mean} 分，{count} 份</title></rect>')
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" font-size="11">{mean}（{count}）</text>')
    if not items:
        parts.append('<text x="10" y="20" font-size="12">暂无数据</text>')
    parts.append("</svg>")
    return "".join(parts)
