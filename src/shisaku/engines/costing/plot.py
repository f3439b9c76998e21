"""A small SVG chart of unit cost against quantity per process on log-log axes (pure Python,
no chart library), for embedding in the estimate page."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

__all__ = ["PALETTE", "cost_curve_svg"]

PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)


def _decades(lo: float, hi: float) -> list[float]:
    a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    return [10.0**k for k in range(a, b + 1)]


def _label(v: float) -> str:
    if v >= 1000:
        return f"{v / 1000:g}k"
    return f"{v:g}"


def cost_curve_svg(
    series: Mapping[str, Sequence[tuple[float, float]]],
    *,
    width: int = 640,
    height: int = 400,
    title: str = "Unit cost (USD) vs quantity",
    currency: str = "USD",
    x_label: str = "quantity",
    y_label: str | None = None,
    empty: str = "no data",
) -> str:
    """SVG string: one polyline per series name (e.g. a process) through (quantity, unit cost)
    points, on log-log axes with decade grid lines and a legend. Non-positive values are
    skipped."""
    clean = {
        name: [(float(q), float(c)) for q, c in pts if q > 0 and c > 0]
        for name, pts in series.items()
    }
    clean = {k: v for k, v in clean.items() if v}
    left, right, top, bottom = 64, 150, 32, 44
    pw, ph = width - left - right, height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        'font-family="sans-serif" font-size="11">',
        f'<text x="{left}" y="18" font-size="13">{escape(title)}</text>',
    ]
    if not clean:
        parts.append(f'<text x="{left}" y="{top + ph / 2:.0f}">{escape(empty)}</text></svg>')
        return "".join(parts)
    qs = [q for pts in clean.values() for q, _ in pts]
    cs = [c for pts in clean.values() for _, c in pts]
    xt = _decades(min(qs), max(qs))
    yt = _decades(min(cs), max(cs))
    x0, x1 = math.log10(xt[0]), math.log10(xt[-1]) if xt[-1] > xt[0] else math.log10(xt[0]) + 1
    y0, y1 = math.log10(yt[0]), math.log10(yt[-1]) if yt[-1] > yt[0] else math.log10(yt[0]) + 1

    def sx(q: float) -> float:
        return left + (math.log10(q) - x0) / (x1 - x0) * pw

    def sy(c: float) -> float:
        return top + ph - (math.log10(c) - y0) / (y1 - y0) * ph

    parts.append(
        f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>'
    )
    for v in xt:
        x = sx(v)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + ph}" stroke="#eee"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{top + ph + 14}" text-anchor="middle">{_label(v)}</text>'
        )
    for v in yt:
        y = sy(v)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" stroke="#eee"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_label(v)}</text>'
        )
    parts.append(
        f'<text x="{left + pw / 2:.0f}" y="{height - 8}" text-anchor="middle">{escape(x_label)}'
        "</text>"
    )
    parts.append(
        f'<text x="14" y="{top + ph / 2:.0f}" transform="rotate(-90 14 {top + ph / 2:.0f})" '
        f'text-anchor="middle">{escape(y_label or "unit cost (" + currency + ")")}</text>'
    )
    for i, (name, pts) in enumerate(sorted(clean.items())):
        colour = PALETTE[i % len(PALETTE)]
        path = " ".join(f"{sx(q):.1f},{sy(c):.1f}" for q, c in sorted(pts))
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2">'
            f"<title>{escape(name)}</title></polyline>"
        )
        ly = top + 12 + 16 * i
        parts.append(
            f'<line x1="{left + pw + 10}" y1="{ly}" x2="{left + pw + 28}" y2="{ly}" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
        parts.append(f'<text x="{left + pw + 32}" y="{ly + 4}">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
