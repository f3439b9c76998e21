"""`/api/v1/insights`: the figures of the insights page, read from the stored aggregates.

Values are numbers, ``null`` (no data) or the string ``"<5"`` (suppressed: fewer than 5 firms
or startups behind it, or it would reveal such a value by subtraction; docs/INSIGHTS.md).
Filters as on the page; an unknown value answers 422 naming the field.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from shisaku.insights.build import latest_build
from shisaku.insights.choices import MIN_GROUP, PERIODS, SUPPRESSED
from shisaku.insights.figures import FIGURES, figure_by_code, filters_parse
from shisaku.tokens.auth import API_AUTH

router = Router(tags=["insights"], auth=API_AUTH)

Value = float | int | str | None


class InsightsIndex(Schema):
    built_at: str | None
    figures: list[str]
    periods: list[str]
    suppressed: str
    min_group: int


class Column(Schema):
    key: str
    label: str


class FigureOut(Schema):
    code: str
    title: str
    note: str
    built_at: str | None
    filters: dict[str, str]
    columns: list[Column]
    rows: list[dict[str, Value]]


class InsightsQuery(Schema):
    country: str = ""
    region: str = ""
    process: str = ""
    period: str = "all"


@router.get("", response=InsightsIndex, summary="The insights figures and when they were built")
def insights_index(request: HttpRequest) -> dict[str, Any]:
    build = latest_build()
    return {"built_at": build.built_at.isoformat() if build and build.built_at else None,
            "figures": list(FIGURES), "periods": list(PERIODS), "suppressed": SUPPRESSED,
            "min_group": MIN_GROUP}


@router.get("/{code}", response=FigureOut, summary="One insights figure for the filters")
def insights_figure(request: HttpRequest, code: str,
                    query: Query[InsightsQuery]) -> dict[str, Any]:
    """The figure's table (docs/INSIGHTS.md): ``columns`` and one object per row."""
    filters = filters_parse(query.dict())
    build = latest_build()
    fig = figure_by_code(code, filters, build=build)
    keys = [k for k, _label in fig.columns]
    return {"code": fig.code, "title": fig.title, "note": fig.note,
            "built_at": build.built_at.isoformat() if build and build.built_at else None,
            "filters": {"country": filters.country, "region": filters.region,
                        "process": filters.process, "period": filters.period},
            "columns": [{"key": k, "label": label} for k, label in fig.columns],
            "rows": [dict(zip(keys, row, strict=True)) for row in fig.rows]}
