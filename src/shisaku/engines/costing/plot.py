"""The cost chart: unit cost against quantity per process on log-log axes, drawn by matplotlib
(server-side, SVG with text kept as text) for the estimate page and the CLI. No Django: the
app passes every visible text (title, axes, legend names) already translated."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

__all__ = ["PALETTE", "cost_curve_svg"]

PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)

# Text stays text (svg.fonttype 'none'): the reader's browser draws it with these families,
# Korean and Japanese included; matplotlib only measures it.
FONT_FAMILIES = ["DejaVu Sans", "Noto Sans CJK KR", "Noto Sans CJK JP", "sans-serif"]

_STYLE = re.compile(r' style="([^"]*)"')
_DECLARATION = re.compile(r"\s*([a-z-]+)\s*:\s*(.+?)\s*$")


def _label(v: float, _pos: object = None) -> str:
    if v >= 1000:
        return f"{v / 1000:g}k"
    return f"{v:g}"


def _attributes(match: re.Match[str]) -> str:
    """``style="a: b; c: d"`` → ``a="b" c="d"`` (SVG presentation attributes)."""
    out = []
    for declaration in match.group(1).split(";"):
        m = _DECLARATION.match(declaration)
        if m:
            out.append(f' {m.group(1)}="{m.group(2)}"')
    return "".join(out)


def _without_style(svg: str, title: str) -> str:
    """matplotlib's SVG with every ``style`` attribute and the ``<style>`` element turned into
    presentation attributes (a content security policy without 'unsafe-inline' styles then
    holds however the SVG is shown), no metadata or DTD, and a ``<title>`` for readers."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r'\s*<style type="text/css">.*?</style>', "", svg, flags=re.S)
    svg = _STYLE.sub(_attributes, svg)
    head_end = svg.index(">") + 1
    # figure size in points at 72 dpi = CSS pixels: say so (browsers scale 'pt' by 4/3)
    head = re.sub(r'(width|height)="([\d.]+)pt"', r'\1="\2"', svg[:head_end - 1])
    head += (f' role="img" aria-label="{escape(title)}" stroke-linejoin="round" '
             'stroke-linecap="butt">')
    return head + f"<title>{escape(title)}</title>" + svg[head_end:]


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
    """SVG document (str) of one line per series name (e.g. a translated process name) through
    its (quantity, unit cost) points on log-log axes, with a grid and a legend.

    ``width`` × ``height`` in CSS pixels; non-positive points are skipped; with no points left
    the chart says ``empty``. Every text is given by the caller and is drawn as text, never
    parsed as mathtext. The SVG carries no ``style`` attribute or element."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    from shisaku.engines.mpl import drawing

    clean = {
        name: sorted((float(q), float(c)) for q, c in pts if q > 0 and c > 0)
        for name, pts in series.items()
    }
    clean = {k: v for k, v in clean.items() if v}
    rc: dict[Any, Any] = {"svg.fonttype": "none", "svg.hashsalt": "shisaku-cost-chart",
          "text.parse_math": False, "font.family": "sans-serif",
          "font.sans-serif": FONT_FAMILIES, "font.size": 10.0, "axes.titlesize": 12.0}
    with drawing(rc):  # one chart at a time; missing CJK glyph metrics are no error
        fig = Figure(figsize=(width / 72.0, height / 72.0), dpi=72, layout="constrained")
        ax = fig.add_subplot()
        ax.set_title(title, loc="left")
        if clean:
            for i, (name, pts) in enumerate(sorted(clean.items())):
                ax.plot([q for q, _ in pts], [c for _, c in pts], color=PALETTE[i % len(PALETTE)],
                        linewidth=2, marker="o", markersize=3, label=name, gid=f"series-{i}")
            ax.set_xscale("log")
            ax.set_yscale("log")
            for axis in (ax.xaxis, ax.yaxis):
                # 1, 2, 5 in each decade: a range of one decade still reads
                axis.set_major_locator(LogLocator(base=10.0, subs=(1.0, 2.0, 5.0)))
                axis.set_major_formatter(FuncFormatter(_label))
                axis.set_minor_formatter(NullFormatter())
            ax.grid(True, which="major", color="#e5e5e5")
            # below the axes, so long (translated) process names are never cut off
            fig.legend(loc="outside lower center", ncols=min(3, len(clean)), frameon=False)
        else:
            ax.set_xticks([])
            ax.set_yticks([])
            ax.text(0.5, 0.5, empty, ha="center", va="center", transform=ax.transAxes)
        ax.set_xlabel(x_label)
        ax.set_ylabel(y_label or f"unit cost ({currency})")
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return _without_style(buffer.getvalue(), title)
