"""Small inline SVG charts drawn by hand, so that index.html needs no script and no network."""

from __future__ import annotations

from html import escape
from statistics import median

_PALETTE = ("#2b6cb0", "#c05621", "#2f855a", "#9b2c2c", "#6b46c1", "#b7791f", "#2c7a7b", "#97266d")


def _quartiles(values: list[float]) -> tuple[float, float, float, float, float]:
    data = sorted(values)
    n = len(data)
    lower, upper = data[: n // 2], data[(n + 1) // 2 :]
    q1 = median(lower) if lower else data[0]
    q3 = median(upper) if upper else data[-1]
    return data[0], q1, median(data), q3, data[-1]


def box_plot(groups: dict[str, list[float]], title: str, lo: float = 0.0, hi: float = 100.0) -> str:
    """Horizontal box plots, one row per group, on a lo..hi axis."""
    if not groups:
        return f'<p class="empty">{escape(title)}：无数据</p>'
    # The right margin holds "n=123 中位数 97.5" whole (11 px text, about 7 px a digit and 11 px a character).
    label_w, plot_w, row_h, right = 180, 520, 28, 130
    height = row_h * len(groups) + 40

    def x(v: float) -> float:
        return label_w + (v - lo) / (hi - lo) * plot_w

    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{label_w + plot_w + right}" '
             f'height="{height}" viewBox="0 0 {label_w + plot_w + right} {height}">']
    for tick in range(int(lo), int(hi) + 1, 20):
        parts.append(f'<line x1="{x(tick):.1f}" y1="10" x2="{x(tick):.1f}" y2="{height - 25}" stroke="#ddd"/>'
                     f'<text x="{x(tick):.1f}" y="{height - 10}" text-anchor="middle" font-size="11">{tick}</text>')
    for i, (name, values) in enumerate(groups.items()):
        y = 15 + i * row_h
        mn, q1, med, q3, mx = _quartiles(values)
        color = _PALETTE[i % len(_PALETTE)]
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 14}" text-anchor="end" font-size="12">{escape(name)}</text>'
            f'<line x1="{x(mn):.1f}" y1="{y + 10}" x2="{x(mx):.1f}" y2="{y + 10}" stroke="{color}"/>'
            f'<rect x="{x(q1):.1f}" y="{y + 2}" width="{max(1.0, x(q3) - x(q1)):.1f}" height="16" '
            f'fill="{color}" fill-opacity="0.35" stroke="{color}"/>'
            f'<line x1="{x(med):.1f}" y1="{y + 2}" x2="{x(med):.1f}" y2="{y + 18}" stroke="{color}" stroke-width="2"/>'
            f'<text x="{label_w + plot_w + 8}" y="{y + 14}" font-size="11">n={len(values)} 中位数 {med:.1f}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(items: list[tuple[str, float]], title: str, unit: str = "") -> str:
    """Horizontal bars, largest first as given."""
    if not items:
        return f'<p class="empty">{escape(title)}：无数据</p>'
    # Rule names run to 16 characters of 12 px (表四行政诉讼（复议后起诉）合计): the label column holds them whole.
    label_w, plot_w, row_h = 220, 440, 22
    top = max(v for _, v in items) or 1.0
    height = row_h * len(items) + 10
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{label_w + plot_w + 90}" '
             f'height="{height}" viewBox="0 0 {label_w + plot_w + 90} {height}">']
    for i, (name, value) in enumerate(items):
        y = 5 + i * row_h
        width = value / top * plot_w
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 14}" text-anchor="end" font-size="12">{escape(name)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{width:.1f}" height="15" fill="{_PALETTE[0]}"/>'
            f'<text x="{label_w + width + 6:.1f}" y="{y + 14}" font-size="11">{value:g}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(series: dict[str, dict[int, float]], title: str, lo: float = 0.0, hi: float = 100.0) -> str:
    """One line per series over integer years (mean score per year, for instance)."""
    years = sorted({y for points in series.values() for y in points})
    if not years:
        return f'<p class="empty">{escape(title)}：无数据</p>'
    left, plot_w, plot_h, top = 50, 520, 220, 15
    legend_h = 18 * len(series)
    height = top + plot_h + 35 + legend_h
    first, last = years[0], years[-1]

    def x(year: int) -> float:
        # A true time axis: years are placed by value, so a gap of three years looks like one.
        return left + ((year - first) / (last - first) if last > first else 0.5) * plot_w

    def y(v: float) -> float:
        return top + (1 - (v - lo) / (hi - lo)) * plot_h

    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{left + plot_w + 40}" '
             f'height="{height}" viewBox="0 0 {left + plot_w + 40} {height}">']
    for tick in range(int(lo), int(hi) + 1, 20):
        parts.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{left + plot_w}" y2="{y(tick):.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11">{tick}</text>')
    step = max(1, -(-(last - first) // 12))  # at most 13 year labels, every year when they fit
    for year in range(first, last + 1, step):
        parts.append(f'<text x="{x(year):.1f}" y="{top + plot_h + 18}" text-anchor="middle" font-size="11">{year}</text>')
    for i, (name, points) in enumerate(series.items()):
        color = _PALETTE[i % len(_PALETTE)]
        coords = " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in sorted(points.items()))
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2"/>')
        parts.extend(f'<circle cx="{x(yr):.1f}" cy="{y(v):.1f}" r="3" fill="{color}"><title>{escape(name)} {yr}: '
                     f'{v:.1f}</title></circle>' for yr, v in sorted(points.items()))
        ly = top + plot_h + 35 + i * 18
        parts.append(f'<rect x="{left}" y="{ly - 10}" width="12" height="12" fill="{color}"/>'
                     f'<text x="{left + 18}" y="{ly}" font-size="12">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
