"""The public insights page, its charts (SVG) and a CSV per figure; all read stored cells.

Bad filter values answer 400 naming the field (page: the form shows it; CSV and SVG: plain
text), never a 500. Charts are cached per build, figure, filter and language.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from shisaku import taxonomy
from shisaku.core.forms import Form
from shisaku.core.spreadsheets import csv_write
from shisaku.errors import InputError
from shisaku.insights import charts
from shisaku.insights.build import latest_build
from shisaku.insights.choices import PERIOD_LABELS, SUPPRESSED
from shisaku.insights.figures import (
    COUNTRIES,
    FIGURES,
    SECTIONS,
    Figure,
    Filters,
    figure_by_code,
    figure_table,
    figures,
    filters_parse,
)
from shisaku.insights.models import InsightBuild

# Charts may be drawn from a page view, never from raw rows: SVG of the cells only.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


class FilterForm(Form):
    """The GET form above the figures (works without JavaScript)."""

    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    process = forms.ChoiceField(label=gettext_lazy("Process"), required=False)
    period = forms.ChoiceField(label=gettext_lazy("Period"), required=False,
                               choices=list(PERIOD_LABELS.items()))

    def __init__(self, *args: Any, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        every = ("", _("All"))
        self.fields["country"].choices = [every, *(
            (c, taxonomy.COUNTRIES[c].get(lang, c)) for c in COUNTRIES)]
        self.fields["region"].choices = [every, *(
            (r.code, f"{taxonomy.COUNTRIES[r.country].get(lang, r.country)} · {r.label(lang)}")
            for r in taxonomy.REGIONS.values())]
        self.fields["process"].choices = [every, *(
            (t.code, t.label(lang)) for t in taxonomy.PROCESSES)]


def _lang() -> str:
    return (get_language() or "en")[:2]


def _filters_or_error(request: HttpRequest) -> tuple[Filters | None, InputError | None]:
    try:
        return filters_parse(request.GET), None
    except InputError as exc:
        return None, exc


@require_safe
def insights_page(request: HttpRequest) -> HttpResponse:
    """``/insights/``: every figure for the filters of the query string."""
    lang = _lang()
    filters, error = _filters_or_error(request)
    form = FilterForm(request.GET or None, lang=lang)
    build = latest_build()
    sections: list[dict[str, Any]] = []
    if filters is not None:
        figs = figures(filters, build=build)
        query = urlencode(filters.query())
        for code, label in SECTIONS.items():
            items = []
            for fig in figs:
                if FIGURES[fig.code][0] != code:
                    continue
                header, rows = figure_table(fig)
                items.append({"fig": fig, "header": header, "rows": rows,
                              "query": query})
            sections.append({"code": code, "label": label, "figures": items})
    context = {"form": form, "filters": filters, "error": error, "build": build,
               "sections": sections, "suppressed": SUPPRESSED,
               "error_field": str(FilterForm.base_fields[error.field].label)
               if error and error.field in FilterForm.base_fields else ""}
    return render(request, "insights/page.html", context, status=400 if error else 200)


def _bad_filter(exc: InputError) -> HttpResponse:
    return HttpResponse(f"{exc.field}: {exc.reason}\n", status=400,
                        content_type="text/plain; charset=utf-8")


@require_safe
def figure_csv(request: HttpRequest, code: str) -> HttpResponse:
    """One figure's table as CSV: the page's header and cells, formula-guarded."""
    try:
        filters = filters_parse(request.GET)
        fig = figure_by_code(code, filters)
    except InputError as exc:
        return _bad_filter(exc)
    response = HttpResponse(write_csv(fig).encode("utf-8-sig"),
                            content_type="text/csv; charset=utf-8")
    name = "_".join(["insights", code, *filters.query().values()])
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def chart_svg(fig: Figure, filters: Filters) -> bytes:
    """The chart of a figure (its kind decides the drawing)."""
    labels = [str(row[0]) for row in fig.rows]
    title = fig.title
    if fig.chart == "map":
        values = dict(zip(fig.keys, (row[1] for row in fig.rows), strict=True))
        countries = [filters.country] if filters.country else list(COUNTRIES)
        points = {r.code: (r.lat, r.lon) for r in taxonomy.REGIONS.values()
                  if r.country in countries and (not filters.region or r.code == filters.region)}
        return charts.region_map(title, values, countries=countries, points=points,
                                 legend_label=_("Firms"),
                                 no_data_label=_("Hatched: not shown (fewer than 5 firms, or "
                                                 "it would reveal such a number). Grey: no "
                                                 "firm listed."))
    value_label = fig.columns[1][1] if len(fig.columns) > 1 else ""
    if fig.chart == "funnel":
        return charts.funnel(title, labels, [row[1] for row in fig.rows])
    if fig.chart == "hist":
        return charts.histogram(title, labels, [row[1] for row in fig.rows],
                                value_label=value_label)
    if fig.chart == "stacked":
        series = {label: [row[i + 1] for row in fig.rows]
                  for i, (_key, label) in enumerate(fig.columns[1:])}
        return charts.stacked_bar(title, labels, series, value_label=_("Firms"))
    if fig.chart == "grouped":
        picks = {"response_times": ("ack_median", "quote_median"),
                 "delivery": ("on_time_rate", "first_pass_rate"),
                 "stall": ("projects", "quiet")}[fig.code]
        index = {key: i for i, (key, _label) in enumerate(fig.columns)}
        series = {dict(fig.columns)[k]: [row[index[k]] for row in fig.rows] for k in picks}
        return charts.grouped_bar(title, labels, series)
    if fig.code == "estimate_vs_quotes":
        labels = [f"{row[0]} · {row[1]}" for row in fig.rows]
        return charts.bar(title, labels, [row[3] for row in fig.rows],
                          value_label=fig.columns[3][1], horizontal=True, reference=1.0)
    if fig.code == "redesign":
        return charts.bar(title, labels[:2], [row[1] for row in fig.rows[:2]],
                          value_label=_("Projects"))
    return charts.bar(title, labels, [row[1] for row in fig.rows], value_label=value_label,
                      horizontal=fig.chart == "barh")


@require_safe
def figure_chart(request: HttpRequest, code: str) -> HttpResponse:
    """One figure's chart as SVG (an image: no script; cached per build and filter)."""
    try:
        filters = filters_parse(request.GET)
        if code not in FIGURES:
            raise InputError("figure", _("unknown figure"))
    except InputError as exc:
        return _bad_filter(exc)
    build: InsightBuild | None = latest_build()
    key = f"insights:svg:{build.pk if build else 0}:{code}:{filters.key()}:{_lang()}"
    svg = cache.get(key)
    if svg is None:
        fig = figure_by_code(code, filters, build=build)
        svg = chart_svg(fig, filters)
        cache.set(key, svg, 24 * 3600)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Content-Security-Policy"] = SVG_CSP
    response["Cache-Control"] = "public, max-age=300"
    return response


def write_csv(fig: Figure) -> str:
    """The CSV text of a figure (the download's content; open data writes the same)."""
    header, rows = figure_table(fig)
    text = io.StringIO()
    csv_write(text, header, rows)
    return text.getvalue()


__all__ = ["chart_svg", "figure_chart", "figure_csv", "insights_page", "write_csv"]
