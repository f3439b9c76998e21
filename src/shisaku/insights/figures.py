"""Figures of the insights page, assembled from the stored cells (never from raw rows).

:func:`filters_parse` checks the GET parameters (``country``, ``region``, ``process``,
``period``) and raises :class:`~shisaku.errors.InputError` naming the field; :func:`figures`
returns the :class:`Figure` list for a filter in the active language. The page, the CSV
downloads, the API and the open-data export all call :func:`figure_table`, so their numbers
are the same strings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from shisaku import taxonomy
from shisaku.errors import InputError
from shisaku.insights.build import CONSORTIUM_STATUSES, DECLINE_REASONS, STAGES, latest_build
from shisaku.insights.choices import (
    JOINT_SIZES,
    PERIOD_LABELS,
    PERIODS,
    QTY_BAND_CODES,
    QUOTE_BIN_LABELS,
    SUPPRESSED,
)
from shisaku.insights.models import InsightBuild, InsightCell

__all__ = ["FIGURES", "Figure", "Filters", "cell_text", "figure_by_code", "figures",
           "filters_parse"]

COUNTRIES = ("KR", "JP", "CN", "TW", "VN")  # countries with regions in the taxonomy


@dataclass(frozen=True)
class Filters:
    country: str = ""
    region: str = ""
    process: str = ""
    period: str = "all"

    @property
    def geo(self) -> str:
        return self.region or self.country

    def query(self) -> dict[str, str]:
        """The non-default parameters (for links to charts and CSV files)."""
        out = {"country": self.country, "region": self.region, "process": self.process,
               "period": self.period if self.period != "all" else ""}
        return {k: v for k, v in out.items() if v}

    def key(self) -> str:
        return f"{self.country}|{self.region}|{self.process}|{self.period}"


def filters_parse(params: Mapping[str, Any]) -> Filters:
    """The filters of a query string; InputError(field, reason) for an unknown value."""
    def one(name: str) -> str:
        value = params.get(name, "")
        if isinstance(value, list | tuple):
            value = value[-1] if value else ""
        value = str(value or "").strip()
        if len(value) > 40:
            raise InputError(name, _("too long"))
        return value

    country, region, process, period = (one("country"), one("region"), one("process"),
                                        one("period") or "all")
    if country and country not in COUNTRIES:
        raise InputError("country", _("unknown country; use one of %(codes)s")
                         % {"codes": ", ".join(COUNTRIES)})
    if region:
        if region not in taxonomy.REGIONS:
            raise InputError("region", _("unknown region code (ISO 3166-2, e.g. KR-11)"))
        region_country = taxonomy.REGIONS[region].country
        if country and country != region_country:
            raise InputError("region", _("%(region)s is not in %(country)s")
                             % {"region": region, "country": country})
        country = region_country
    if process and process not in taxonomy.codes("process"):
        raise InputError("process", _("unknown process code"))
    if period not in PERIODS:
        raise InputError("period", _("use one of %(codes)s") % {"codes": ", ".join(PERIODS)})
    return Filters(country=country, region=region, process=process, period=period)


@dataclass
class Figure:
    """One figure: ``columns`` (key, label), ``rows`` of values (numbers, labels, None for
    no data, ``SUPPRESSED``), ``keys`` (the code behind each row, for charts), the chart kind."""

    code: str
    title: str
    chart: str
    columns: list[tuple[str, str]]
    rows: list[list[Any]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    note: str = ""
    unit: str = ""

    @property
    def empty(self) -> bool:
        return not self.rows

    @property
    def suppressed(self) -> bool:
        return any(v == SUPPRESSED for row in self.rows for v in row)


def cell_text(value: Any) -> str:
    """How a value is written on the page, in the CSV and in open data (the same string)."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _pct(value: Any) -> Any:
    return round(value * 100, 1) if isinstance(value, float | int) and not isinstance(
        value, bool) else value


def _num(value: Any) -> Any:
    return round(float(value), 1) if isinstance(value, float | int) and not isinstance(
        value, bool) else value


class _Reader:
    """The cells of one build for one filter, fetched once per group."""

    def __init__(self, build: InsightBuild | None, filters: Filters) -> None:
        self.build, self.f = build, filters
        self._cache: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = {}

    def children(self) -> list[str]:
        """The areas one level below the filter: countries, regions of a country, or the
        region itself."""
        if self.f.region:
            return [self.f.region]
        if self.f.country:
            return [r.code for r in taxonomy.REGIONS.values() if r.country == self.f.country]
        return list(COUNTRIES)

    def regions(self) -> list[str]:
        if self.f.region:
            return [self.f.region]
        return [r.code for r in taxonomy.REGIONS.values()
                if not self.f.country or r.country == self.f.country]

    def cells(self, group: str, period: str | None = None, process: str | None = None
              ) -> dict[str, dict[str, Any]]:
        period = period or self.f.period
        process = self.f.process if process is None else process
        key = (group, period, process)
        if key not in self._cache:
            if self.build is None:
                self._cache[key] = {}
            else:
                wanted = {self.f.geo, *self.children(), *self.regions()}
                self._cache[key] = dict(InsightCell.objects.filter(
                    build=self.build, group=group, period=period, process=process,
                    geo__in=wanted).values_list("geo", "data"))
        return self._cache[key]

    def cell(self, group: str, period: str | None = None) -> dict[str, Any] | None:
        return self.cells(group, period).get(self.f.geo)


def _area(code: str, lang: str) -> str:
    if len(code) == 2:
        return taxonomy.COUNTRIES.get(code, {}).get(lang, code) if code else code
    return taxonomy.label("region", code, lang)


def _supply_map(r: _Reader, lang: str) -> Figure:
    fig = Figure("supply_map", _("Firms by region"), "map",
                 [("region", _("Region")), ("firms", _("Firms"))])
    fig.note = _("The directory as it is now: the period does not apply.")
    cells = r.cells("supply", period="all")
    for code in r.regions():
        if code in cells:
            fig.rows.append([_area(code, lang), cells[code]["firms"]])
            fig.keys.append(code)
    return fig


def _supply_regions_stages(r: _Reader, lang: str) -> Figure:
    fig = Figure("supply_regions_stages", _("Firms by area and stage they serve"), "stacked",
                 [("area", _("Area")),
                  *((s, taxonomy.label("stage", s, lang)) for s in STAGES)])
    fig.note = _("A firm serving several stages counts in each.")
    cells = r.cells("supply", period="all")
    for code in r.children():
        if code in cells:
            fig.rows.append([_area(code, lang), *(cells[code]["stages"][s] for s in STAGES)])
            fig.keys.append(code)
    return fig


def _supply_stages(r: _Reader, lang: str) -> Figure:
    fig = Figure("supply_stages", _("Firms by stage they serve"), "bar",
                 [("stage", _("Stage")), ("firms", _("Firms"))])
    fig.note = _("A firm serving several stages counts in each.")
    cell = r.cell("supply", period="all")
    if cell:
        for s in STAGES:
            fig.rows.append([taxonomy.label("stage", s, lang), cell["stages"][s]])
            fig.keys.append(s)
    return fig


def _supply_shares(r: _Reader, lang: str) -> Figure:
    fig = Figure("supply_shares", _("Share of firms accepting foreign clients, with an "
                                    "account, holding each certification"), "barh",
                 [("attribute", _("Attribute")), ("share", _("Share of firms (%)"))], unit="%")
    cell = r.cell("supply", period="all")
    if cell:
        labels = {"accepts_foreign": _("Accepts foreign clients"),
                  "account": _("Has an account on the platform")}
        # in this order, never the stored object's (PostgreSQL's jsonb sorts keys)
        for key in ("accepts_foreign", "account", *taxonomy.codes("certification")):
            if key not in cell["shares"]:
                continue
            label = labels.get(key) or taxonomy.label("certification", key, lang)
            fig.rows.append([label, _pct(cell["shares"][key])])
            fig.keys.append(key)
    return fig


def _response_times(r: _Reader, lang: str) -> Figure:
    fig = Figure("response_times", _("Acknowledgement and quote times"), "grouped",
                 [("area", _("Area")), ("invitations", _("Invitations")),
                  ("firms", _("Firms")), ("response_rate", _("Response rate (%)")),
                  ("ack_median", _("Acknowledged, median (h)")),
                  ("ack_p90", _("Acknowledged, 90th percentile (h)")),
                  ("quote_median", _("Quoted, median (h)")),
                  ("quote_p90", _("Quoted, 90th percentile (h)")),
                  ("declined_share", _("Declined (%)"))], unit="h")
    cells = r.cells("response")
    for code in [c for c in r.children() if c != r.f.geo] + [r.f.geo]:
        d = cells.get(code)
        if not d:
            continue
        fig.rows.append([_area(code, lang) if code else _("All"), d["invitations"], d["firms"],
                         _pct(d["response_rate"]), _num(d["ack_median"]), _num(d["ack_p90"]),
                         _num(d["quote_median"]), _num(d["quote_p90"]),
                         _pct(d["declined_share"])])
        fig.keys.append(code or "all")
    return fig


def _response_distribution(r: _Reader, lang: str) -> Figure:
    fig = Figure("quote_time_distribution", _("Time to quote: distribution"), "hist",
                 [("bin", _("Time to quote")), ("quotes", _("Quotes"))])
    cell = r.cell("response")
    if cell and any(v != 0 for v in cell["quote_bins"]):
        for label, value in zip(QUOTE_BIN_LABELS, cell["quote_bins"], strict=True):
            fig.rows.append([str(label), value])
            fig.keys.append(str(len(fig.keys)))
    return fig


def _decline_reasons(r: _Reader, lang: str) -> Figure:
    from shisaku.rfq.choices import DeclineReason

    fig = Figure("decline_reasons", _("Why invitations are declined"), "barh",
                 [("reason", _("Reason")), ("declines", _("Declines"))])
    cell = r.cell("response")
    if cell and any(v != 0 for v in cell["reasons"].values()):
        for code in DECLINE_REASONS:
            fig.rows.append([str(DeclineReason(code).label), cell["reasons"][code]])
            fig.keys.append(code)
    return fig


def _funnel(r: _Reader, lang: str) -> Figure:
    fig = Figure("funnel", _("Requests for quotation: sent, quoted, awarded, delivered"),
                 "funnel", [("step", _("Step")), ("rfqs", _("RFQs")),
                            ("days", _("Median days since the previous step"))])
    fig.note = _("An RFQ counts in an area when it invited at least one firm there.")
    d = r.cell("funnel")
    if d:
        steps = (("sent", _("Sent"), None), ("quoted", _("Quoted"), "days_to_quote"),
                 ("awarded", _("Awarded"), "days_to_award"),
                 ("delivered", _("Delivered"), "days_to_deliver"))
        for key, label, days in steps:
            fig.rows.append([label, d[key], _num(d[days]) if days else None])
            fig.keys.append(key)
    return fig


def _stall(r: _Reader, lang: str) -> Figure:
    fig = Figure("stall", _("Where projects stall"), "grouped",
                 [("stage", _("Stage")), ("projects", _("Projects now in the stage")),
                  ("quiet", _("Of which quiet for 90 days")),
                  ("days", _("Median days spent in the stage"))])
    fig.note = _("Projects by their startup's country (no region); the period selects projects "
                 "created in it.")
    d = r.cell("stall") if not r.f.region else None
    if d:
        for s in STAGES:
            fig.rows.append([taxonomy.label("stage", s, lang), d["projects"][s], d["quiet"][s],
                             _num(d["days_in_stage"][s])])
            fig.keys.append(s)
    return fig


def _redesign(r: _Reader, lang: str) -> Figure:
    fig = Figure("redesign", _("Projects moved back from production preparation"), "bar",
                 [("measure", _("Measure")), ("value", _("Value"))])
    fig.note = _("Measured as a stage change from DFM, small lot or mass production back to an "
                 "earlier stage; whether the part itself was redesigned is not recorded.")
    d = r.cell("stall") if not r.f.region else None
    if d:
        fig.rows = [[_("Projects that reached DFM or later"), d["reached_production"]],
                    [_("Of which moved back"), d["moved_back"]],
                    [_("Share moved back (%)"), _pct(d["moved_back_share"])]]
        fig.keys = ["reached", "back", "share"]
    return fig


def _consortia(r: _Reader, lang: str) -> Figure:
    from shisaku.consortia.choices import ConsortiumStatus

    fig = Figure("consortia", _("Joint orders proposed and formed"), "bar",
                 [("status", _("Status")), ("consortia", _("Joint orders"))])
    d = r.cell("collab")
    if d:
        for s in CONSORTIUM_STATUSES:
            fig.rows.append([str(ConsortiumStatus(s).label), d["status"][s]])
            fig.keys.append(s)
    return fig


def _joint_sizes(r: _Reader, lang: str) -> Figure:
    fig = Figure("joint_order_sizes", _("Firms per formed joint order"), "hist",
                 [("firms", _("Firms")), ("consortia", _("Joint orders"))])
    d = r.cell("collab")
    if d and any(v != 0 for v in d["sizes"].values()):
        for s in JOINT_SIZES:
            fig.rows.append([s, d["sizes"][s]])
            fig.keys.append(s)
    return fig


def _estimate_ratio(r: _Reader, lang: str) -> Figure:
    fig = Figure("estimate_vs_quotes", _("Quotes compared with the instant estimate"), "barh",
                 [("process", _("Process")), ("quantity", _("Pieces")),
                  ("quotes", _("Quote lines")), ("median", _("Quote ÷ estimate, median")),
                  ("p25", _("25th percentile")), ("p75", _("75th percentile"))], unit="×")
    fig.note = _("Only parts whose estimate was made from the part's own CAD file, at the "
                 "quoted quantity; quotes converted to US dollars at the latest rate.")
    d = r.cell("estimate")
    if d:
        order = {b: i for i, b in enumerate(QTY_BAND_CODES)}
        for row in sorted(d["rows"], key=lambda x: (x["process"], order[x["band"]])):
            fig.rows.append([taxonomy.label("process", row["process"], lang), row["band"],
                             row["quotes"], _ratio(row["median"]), _ratio(row["p25"]),
                             _ratio(row["p75"])])
            fig.keys.append(f"{row['process']}:{row['band']}")
    return fig


def _ratio(value: Any) -> Any:
    return round(float(value), 2) if isinstance(value, float | int) else value


def _delivery(r: _Reader, lang: str) -> Figure:
    fig = Figure("delivery", _("On-time delivery and first-article pass rates"), "grouped",
                 [("area", _("Area")), ("orders", _("Orders")), ("delivered", _("Delivered")),
                  ("on_time_rate", _("On time (%)")), ("first_articles",
                                                       _("First articles decided")),
                  ("first_pass_rate", _("Approved at the first submission (%)"))], unit="%")
    cells = r.cells("delivery")
    for code in [c for c in r.children() if c != r.f.geo] + [r.f.geo]:
        d = cells.get(code)
        if not d:
            continue
        fig.rows.append([_area(code, lang) if code else _("All"), d["orders"], d["delivered"],
                         _pct(d["on_time_rate"]), d["first_articles"],
                         _pct(d["first_pass_rate"])])
        fig.keys.append(code or "all")
    return fig


# code -> (section, builder); the page shows them in this order.
FIGURES: dict[str, tuple[str, Callable[[_Reader, str], Figure]]] = {
    "supply_map": ("supply", _supply_map),
    "supply_stages": ("supply", _supply_stages),
    "supply_regions_stages": ("supply", _supply_regions_stages),
    "supply_shares": ("supply", _supply_shares),
    "response_times": ("response", _response_times),
    "quote_time_distribution": ("response", _response_distribution),
    "decline_reasons": ("response", _decline_reasons),
    "funnel": ("funnel", _funnel),
    "stall": ("stall", _stall),
    "redesign": ("stall", _redesign),
    "consortia": ("collab", _consortia),
    "joint_order_sizes": ("collab", _joint_sizes),
    "estimate_vs_quotes": ("estimate", _estimate_ratio),
    "delivery": ("delivery", _delivery),
}

SECTIONS = {
    "supply": gettext_lazy("Supply"),
    "response": gettext_lazy("Responsiveness"),
    "funnel": gettext_lazy("The request funnel"),
    "stall": gettext_lazy("Where projects stall"),
    "collab": gettext_lazy("Collaboration"),
    "estimate": gettext_lazy("Estimate versus quotes"),
    "delivery": gettext_lazy("Delivery and first articles"),
}


def figures(filters: Filters, *, build: InsightBuild | None = None,
            codes: list[str] | None = None) -> list[Figure]:
    """The figures (all, or ``codes``) for ``filters`` in the active language."""
    build = build if build is not None else latest_build()
    reader = _Reader(build, filters)
    lang = (get_language() or "en")[:2]
    return [FIGURES[c][1](reader, lang) for c in (codes or list(FIGURES))]


def figure_by_code(code: str, filters: Filters, *, build: InsightBuild | None = None
                   ) -> Figure:
    """One figure; InputError("figure") for an unknown code."""
    if code not in FIGURES:
        raise InputError("figure", _("unknown figure; use one of %(codes)s")
                         % {"codes": ", ".join(FIGURES)})
    return figures(filters, build=build, codes=[code])[0]


def figure_table(fig: Figure) -> tuple[list[str], list[list[str]]]:
    """Header labels and cell strings: what the page table, the CSV and open data show."""
    return [label for _, label in fig.columns], [[cell_text(v) for v in row]
                                                 for row in fig.rows]


def period_label(code: str) -> str:
    return str(PERIOD_LABELS[code])
