"""Charts of the insights page: matplotlib drawn on the server into SVG (no JavaScript).

Text stays text (``svg.fonttype = "none"``) so the browser sets Korean and Japanese labels in
its own fonts. Every function takes labels and values exactly as the figure's table has them
(numbers, ``None`` for no data, ``SUPPRESSED`` for a hidden value) and returns SVG bytes; a
suppressed value is drawn as a hatched empty bar marked "<5", never as a number.

The map reads ``data/admin1_east_asia.geojson`` (Natural Earth admin-1 outlines, public domain;
see data/NOTICE.md) and colours each region by its value.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Polygon

from shisaku.engines.mpl import drawing
from shisaku.insights.choices import SUPPRESSED

__all__ = ["bar", "funnel", "grouped_bar", "histogram", "region_map", "stacked_bar"]

SHAPES = Path(__file__).resolve().parent.parent / "data" / "admin1_east_asia.geojson"
# Okabe-Ito: distinguishable with colour-blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "shisaku",
    "font.family": "sans-serif",
    "font.sans-serif": ["Noto Sans CJK JP", "Noto Sans CJK KR", "DejaVu Sans"],
    "font.size": 9,
    "path.simplify_threshold": 1.0,  # px: outlines need no finer detail at this size
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


_PATH_DATA = re.compile(rb' d="[^"]*"')
_COORD = re.compile(rb"(\d\.\d)\d+")


def _svg(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    # a tenth of a point is finer than any screen shows: shorter numbers, a smaller file
    return _PATH_DATA.sub(lambda m: _COORD.sub(rb"\1", m.group(0)), buf.getvalue())


def _figure(width: float, height: float) -> Figure:
    with drawing(RC):
        return Figure(figsize=(width, height), layout="constrained")


def _mark(ax: Axes, x: float, y: float, text: str, *, horizontal: bool) -> None:
    ax.annotate(text, (x, y), xytext=(3, 0) if horizontal else (0, 3),
                textcoords="offset points", ha="left" if horizontal else "center",
                va="center" if horizontal else "bottom", fontsize=7)


def _bars(ax: Axes, labels: Sequence[str], values: Sequence[Any], *, horizontal: bool,
          color: str = PALETTE[0], offset: float = 0.0, width: float = 0.8,
          annotate: bool = True) -> None:
    positions = [i + offset for i in range(len(labels))]
    numbers = [_number(v) for v in values]
    if not any(n for n in numbers):  # nothing to scale: no value axis
        (ax.set_xticks if horizontal else ax.set_yticks)([])
    top = max([n for n in numbers if n is not None] or [1.0]) or 1.0
    for pos, value, number in zip(positions, values, numbers, strict=True):
        if number is None:
            if value == SUPPRESSED:
                size = top * 0.04
                kw: dict[str, Any] = {"color": "none", "edgecolor": "#777777", "hatch": "///"}
                if horizontal:
                    ax.barh(pos, size, height=width, **kw)
                    _mark(ax, size, pos, SUPPRESSED, horizontal=True)
                else:
                    ax.bar(pos, size, width=width, **kw)
                    _mark(ax, pos, size, SUPPRESSED, horizontal=False)
            continue
        if horizontal:
            ax.barh(pos, number, height=width, color=color)
        else:
            ax.bar(pos, number, width=width, color=color)
        if annotate:
            text = f"{number:g}"
            _mark(ax, number if horizontal else pos, pos if horizontal else number, text,
                  horizontal=horizontal)


def _fixed_scale(ax: Axes, *value_lists: Sequence[Any], horizontal: bool) -> None:
    """Only zeros and hidden values: keep a fixed scale, so that a "<5" stays a short stub
    instead of being stretched to the full height of the axes (it would read as a big value)."""
    if not any(_number(v) for values in value_lists for v in values):
        (ax.set_xlim if horizontal else ax.set_ylim)(0, 1)


def _legend(series: Mapping[str, Any]) -> list[Patch]:
    return [Patch(facecolor=PALETTE[i % len(PALETTE)], label=name)
            for i, name in enumerate(series)]


def _axes(fig: Figure, title: str, labels: Sequence[str], *, horizontal: bool,
          value_label: str) -> Axes:
    ax = fig.add_subplot()
    ax.set_title(title, loc="left", fontsize=10)
    ticks = list(range(len(labels)))
    if horizontal:
        ax.set_yticks(ticks, labels)
        ax.invert_yaxis()
        ax.set_xlabel(value_label)
    else:
        ax.set_xticks(ticks, labels, rotation=30 if max(map(len, labels or [""])) > 6 else 0,
                      ha="right" if max(map(len, labels or [""])) > 6 else "center")
        ax.set_ylabel(value_label)
    return ax


def bar(title: str, labels: Sequence[str], values: Sequence[Any], *, value_label: str = "",
        horizontal: bool = False, reference: float | None = None) -> bytes:
    """One bar per label; ``reference`` draws a dashed line at that value (1.0 on the
    quote ÷ estimate figure: where a quote equals the estimate)."""
    fig = _figure(6.4, max(2.4, 0.28 * len(labels) + 1.0) if horizontal else 3.2)
    with drawing(RC):
        ax = _axes(fig, title, labels, horizontal=horizontal, value_label=value_label)
        _bars(ax, labels, values, horizontal=horizontal)
        _fixed_scale(ax, values, horizontal=horizontal)
        if reference is not None and labels:
            line = ax.axvline if horizontal else ax.axhline
            line(reference, color="#444444", linestyle="--", linewidth=0.8, zorder=3)
        return _svg(fig)


def histogram(title: str, labels: Sequence[str], values: Sequence[Any], *,
              value_label: str = "") -> bytes:
    """Adjacent bars of binned counts (bins in ``labels``, in order)."""
    fig = _figure(6.4, 3.0)
    with drawing(RC):
        ax = _axes(fig, title, labels, horizontal=False, value_label=value_label)
        _bars(ax, labels, values, horizontal=False, width=0.98, color=PALETTE[2])
        _fixed_scale(ax, values, horizontal=False)
        return _svg(fig)


def grouped_bar(title: str, labels: Sequence[str], series: Mapping[str, Sequence[Any]], *,
                value_label: str = "") -> bytes:
    """Side-by-side bars: one group per label, one bar per series."""
    fig = _figure(6.4, 3.4)
    with drawing(RC):
        ax = _axes(fig, title, labels, horizontal=False, value_label=value_label)
        n = max(1, len(series))
        width = 0.8 / n
        for i, (_name, values) in enumerate(series.items()):
            offset = -0.4 + width * (i + 0.5)
            _bars(ax, labels, values, horizontal=False, color=PALETTE[i % len(PALETTE)],
                  offset=offset, width=width, annotate=False)
        _fixed_scale(ax, *series.values(), horizontal=False)
        ax.legend(handles=_legend(series), fontsize=7, frameon=False)
        return _svg(fig)


def stacked_bar(title: str, labels: Sequence[str], series: Mapping[str, Sequence[Any]], *,
                value_label: str = "") -> bytes:
    """Bars stacked per label (series in order, bottom first); a suppressed part is hatched."""
    fig = _figure(6.4, 3.4)
    with drawing(RC):
        ax = _axes(fig, title, labels, horizontal=False, value_label=value_label)
        bottoms = [0.0] * len(labels)
        for i, (_name, values) in enumerate(series.items()):
            color = PALETTE[i % len(PALETTE)]
            for j, value in enumerate(values):
                number = _number(value)
                if number is None:
                    if value == SUPPRESSED:
                        _mark(ax, j, bottoms[j], SUPPRESSED, horizontal=False)
                    continue
                ax.bar(j, number, bottom=bottoms[j], color=color, width=0.7)
                bottoms[j] += number
        ax.legend(handles=_legend(series), fontsize=7, frameon=False)
        return _svg(fig)


def funnel(title: str, labels: Sequence[str], values: Sequence[Any]) -> bytes:
    """Centred horizontal bars, widest first (sent → quoted → awarded → delivered)."""
    fig = _figure(6.4, 0.5 * len(labels) + 1.0)
    with drawing(RC):
        ax = fig.add_subplot()
        ax.set_title(title, loc="left", fontsize=10)
        numbers = [_number(v) for v in values]
        top = max([n for n in numbers if n is not None] or [1.0]) or 1.0
        for i, (value, number) in enumerate(zip(values, numbers, strict=True)):
            if number is None:
                ax.barh(i, top * 0.04, left=-top * 0.02, color="none", edgecolor="#777777",
                        hatch="///")
                ax.text(top * 0.05, i, SUPPRESSED if value == SUPPRESSED else "–",
                        va="center", fontsize=8)
                continue
            ax.barh(i, number, left=-number / 2, color=PALETTE[i % len(PALETTE)], height=0.8)
            ax.text(number / 2 + top * 0.02, i, f"{number:g}", va="center", fontsize=8)
        ax.set_yticks(range(len(labels)), labels)
        ax.invert_yaxis()
        ax.set_xlim(-top * 0.6, top * 0.75)
        ax.set_xticks([])
        ax.spines["bottom"].set_visible(False)
        ax.spines["left"].set_visible(False)
        return _svg(fig)


def _overlaps(ring: Sequence[tuple[float, float]], view: tuple[float, float, float, float]
              ) -> bool:
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return not (max(xs) < view[0] or min(xs) > view[1] or max(ys) < view[2]
                or min(ys) > view[3])


@lru_cache(maxsize=1)
def _shapes() -> list[tuple[str | None, str, list[list[tuple[float, float]]]]]:
    """(region code or None, country, outer rings) per feature of the shipped outlines."""
    data = json.loads(SHAPES.read_text(encoding="utf-8"))
    out = []
    for feature in data["features"]:
        geom = feature["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [
            geom["coordinates"]]
        rings = [[(float(x), float(y)) for x, y in poly[0]] for poly in polygons]
        out.append((feature["properties"].get("code"), feature["properties"]["country"],
                    rings))
    return out


def region_map(title: str, values: Mapping[str, Any], *, countries: Sequence[str],
               points: Mapping[str, tuple[float, float]], legend_label: str = "",
               no_data_label: str = "") -> bytes:
    """Regions of ``countries`` coloured by ``values`` (region code -> number / SUPPRESSED);
    ``points`` (code -> (lat, lon)) place the value labels and frame the view."""
    fig = _figure(6.4, 5.2)
    with drawing(RC):
        ax = fig.add_subplot()
        ax.set_title(title, loc="left", fontsize=10)
        numbers = [n for n in (_number(v) for v in values.values()) if n is not None]
        top = max(numbers or [1.0]) or 1.0
        cmap = colormaps["Blues"]
        lats = [p[0] for p in points.values()] or [35.0]
        lons = [p[1] for p in points.values()] or [128.0]
        margin = 2.5
        view = (min(lons) - margin, max(lons) + margin, min(lats) - margin, max(lats) + margin)
        for code, country, rings in _shapes():
            if country not in countries:
                continue
            rings = [ring for ring in rings if _overlaps(ring, view)]
            value = values.get(code) if code else None
            number = _number(value)
            kw: dict[str, Any] = {"edgecolor": "#ffffff", "linewidth": 0.4}
            if number is not None:
                kw["facecolor"] = cmap(0.2 + 0.8 * math.sqrt(number / top))
            elif value == SUPPRESSED:
                kw.update(facecolor="#eeeeee", hatch="////", edgecolor="#999999")
            else:
                kw["facecolor"] = "#f2f2f2"
            for ring in rings:
                # open rings: matplotlib simplifies only paths without CLOSEPOLY (fill closes them)
                ax.add_patch(Polygon(ring, closed=False, **kw))
        ax.set_xlim(view[0], view[1])
        ax.set_ylim(view[2], view[3])
        ax.set_aspect(1 / math.cos(math.radians(sum(lats) / len(lats))))
        # value labels where they fit (one country or fewer than 25 regions)
        labelled = values if len(countries) == 1 or len(values) < 25 else {}
        for code, value in labelled.items():
            if code in points and value is not None:
                lat, lon = points[code]
                text = SUPPRESSED if value == SUPPRESSED else f"{_number(value) or 0:g}"
                ax.text(lon, lat, text, ha="center", va="center", fontsize=6,
                        color="#000000")
        ax.set_xticks([])
        ax.set_yticks([])
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        sm = matplotlib.cm.ScalarMappable(cmap=cmap,
                                          norm=matplotlib.colors.Normalize(0, top))
        bar_ = fig.colorbar(sm, ax=ax, shrink=0.5)
        bar_.set_label(legend_label)
        if no_data_label:
            ax.text(0.0, -0.03, no_data_label, transform=ax.transAxes, fontsize=7,
                    va="top")
        return _svg(fig)
