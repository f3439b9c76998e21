"""Insights: stored cells equal a plain computation from the raw rows (hypothesis over the
filters), suppression below 5 firms / projects on the page, in the CSV and the API, CSV
numbers equal the page's, bad filters are 4xx naming the field, missing aggregates are said,
charts are SVG images, open data validates."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html

from shisaku.insights.build import insights_refresh, latest_build
from shisaku.insights.choices import PERIODS, SUPPRESSED
from shisaku.insights.models import InsightCell
from shisaku.insights.reference import GROUPS_WITH_REFERENCE, reference_cell

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def history(db: Any) -> dict[str, Any]:
    """80 sample firms and a synthetic history of 1,000 invitations, aggregated at NOW."""
    from shisaku.bench.insights import history_generate
    from shisaku.directory.services import sample_load

    sample_load(size=80, seed=3)
    counts = history_generate(events=1000, seed=3, now=NOW)
    build = insights_refresh(now=NOW)
    assert build is not None
    return {"counts": counts, "build": build}


def _geos() -> list[str]:
    from shisaku import taxonomy
    return ["", "KR", "JP", "CN", *[r.code for r in taxonomy.REGIONS.values()][:40]]


def _agrees(stored: Any, expected: Any) -> bool:
    """Equal, except where the build hid a number as the complement of a suppressed one
    (stored "<5", reference a number): complementary suppression only ever hides."""
    if isinstance(stored, dict) and isinstance(expected, dict):
        return stored.keys() == expected.keys() and all(
            _agrees(stored[k], expected[k]) for k in stored)
    if isinstance(stored, list) and isinstance(expected, list):
        return len(stored) == len(expected) and all(
            _agrees(a, b) for a, b in zip(stored, expected, strict=True))
    if stored == SUPPRESSED and isinstance(expected, int | float):
        return True
    return bool(stored == expected)


def test_cells_equal_the_reference_from_raw_rows(history: dict[str, Any]) -> None:
    build = history["build"]
    processes = ["", "cnc_milling", "injection_molding", "sheet_metal", "pcb_assembly",
                 "fdm_printing", "die_casting", "welding"]

    @settings(max_examples=60, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(group=st.sampled_from(GROUPS_WITH_REFERENCE), geo=st.sampled_from(_geos()),
           process=st.sampled_from(processes), period=st.sampled_from(list(PERIODS)))
    def check(group: str, geo: str, process: str, period: str) -> None:
        stored = InsightCell.objects.filter(build=build, group=group, geo=geo,
                                            process=process, period=period).first()
        expected = reference_cell(group, geo=geo, process=process, period=period, now=NOW)
        assert _agrees(stored.data if stored else None, expected), (group, geo, process, period)

    check()
    # the unfiltered cells of every group with a reference hold real numbers
    for group in GROUPS_WITH_REFERENCE:
        period = "all"
        expected = reference_cell(group, geo="", process="", period=period, now=NOW)
        stored = InsightCell.objects.get(build=build, group=group, geo="", process="",
                                         period=period)
        assert _agrees(stored.data, expected)
    unfiltered = {c.group: c.data for c in InsightCell.objects.filter(
        build=build, geo="", process="", period="all")}
    assert isinstance(unfiltered["supply"]["firms"], int)
    assert isinstance(unfiltered["response"]["quote_median"], float)
    assert isinstance(unfiltered["funnel"]["sent"], int)
    assert isinstance(unfiltered["delivery"]["on_time_rate"], float)
    assert isinstance(unfiltered["stall"]["days_in_stage"]["business_design"], float)


def test_refresh_only_when_the_sources_change(history: dict[str, Any]) -> None:
    from shisaku.directory.models import Manufacturer

    assert insights_refresh(now=NOW) is None  # nothing changed
    Manufacturer.objects.filter(pk=Manufacturer.objects.order_by("id").first().pk).update(
        accepts_foreign=True, updated_at=timezone.now())
    rebuilt = insights_refresh(now=NOW)
    assert rebuilt is not None and rebuilt.pk != history["build"].pk
    assert latest_build() == rebuilt
    assert not InsightCell.objects.filter(build_id=history["build"].pk).exists()


def _table(content: bytes, code: str) -> list[list[str]]:
    doc = html.fromstring(content)
    table = doc.xpath(f'//*[@data-testid="table-{code}"]')
    assert table, f"no table for {code}"
    rows = []
    for tr in table[0].xpath(".//tr"):
        rows.append([" ".join(c.text_content().split()) for c in tr.xpath("./th|./td")])
    return rows


def _csv(client: Client, code: str, query: str) -> list[list[str]]:
    import csv
    import io

    response = client.get(f"/insights/{code}.csv?{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    return [row for row in csv.reader(io.StringIO(text))]


@pytest.mark.parametrize("query", ["", "country=KR", "country=JP&process=cnc_milling",
                                   "period=365d&process=injection_molding"])
def test_csv_equals_the_page_table(history: dict[str, Any], query: str) -> None:
    client = Client()
    client.cookies["django_language"] = "ko"
    page = client.get(f"/insights/?{query}")
    assert page.status_code == 200
    from shisaku.insights.figures import FIGURES

    compared = 0
    for code in FIGURES:
        if f'data-testid="table-{code}"'.encode() not in page.content:
            continue
        assert _table(page.content, code) == _csv(client, code, query)
        compared += 1
    assert compared >= 5


def test_suppressed_cells_are_marked_everywhere(pool: dict[str, Any], settings: Any) -> None:
    """Three Korean firms: the Korean supply figures are '<5' on the page, in the CSV and the
    API; the five firms together are shown."""
    from shisaku.accounts.models import User

    settings.LANGUAGE_CODE = "en"
    insights_refresh()
    client = Client()
    page = client.get("/insights/?country=KR")
    stages = _table(page.content, "supply_stages")
    assert stages[1:] and all(row[1] in (SUPPRESSED, "0") for row in stages[1:])
    assert b'class="suppressed"' in page.content
    assert _csv(client, "supply_stages", "country=KR")[1:] == stages[1:]
    overall = _table(client.get("/insights/").content, "supply_regions_stages")
    # by country: KR 3 firms, JP 1, CN 1: every count suppressed
    assert all(v in (SUPPRESSED, "0") for row in overall[1:] for v in row[1:])
    user = User.objects.create_user(username="reader", password="x" * 16)
    client.force_login(user)
    api = client.get("/api/v1/insights/supply_stages?country=KR").json()
    assert {r["firms"] for r in api["rows"]} <= {SUPPRESSED, 0}
    every = client.get("/api/v1/insights/supply_map").json()
    assert all(r["firms"] == SUPPRESSED for r in every["rows"])  # one firm per region
    # the five firms together
    shares = client.get("/api/v1/insights/supply_shares").json()["rows"]
    assert shares[0]["share"] == SUPPRESSED  # accepts foreign: one firm only
    whole = InsightCell.objects.get(group="supply", geo="", process="", period="all")
    assert whole.data["firms"] == 5


def test_no_project_or_contact_is_identifiable(history: dict[str, Any]) -> None:
    from shisaku.directory.models import Manufacturer
    from shisaku.insights.figures import FIGURES

    Manufacturer.objects.update(contact_email="sales@secret-contact.example")
    client = Client()
    page = client.get("/insights/")
    texts = [page.content]
    for code in FIGURES:
        texts.append(client.get(f"/insights/{code}.csv").content)
    for text in texts:
        assert b"Sample project" not in text and b"Sample startup" not in text
        assert b"secret-contact" not in text
    # every project figure's count comes from at least 5 projects or is suppressed
    for cell in InsightCell.objects.filter(group__in=["stall", "funnel", "collab"]):
        stall = cell.data.get("projects") or {}
        assert all(v == SUPPRESSED or v == 0 or v >= 5 for v in stall.values())


@pytest.mark.parametrize(("query", "field"), [
    ("country=XX", "country"), ("region=KR-99", "region"), ("process=laser", "process"),
    ("period=forever", "period"), ("country=JP&region=KR-11", "region"),
    ("country=" + "K" * 60, "country")])
def test_bad_filters_are_4xx_naming_the_field(query: str, field: str) -> None:
    from shisaku.accounts.models import User

    client = Client()
    client.cookies["django_language"] = "en"
    page = client.get(f"/insights/?{query}")
    assert page.status_code == 400
    assert b'data-testid="insights-error"' in page.content
    assert field.capitalize().encode() in page.content
    for suffix in ("funnel.csv", "funnel.svg"):
        response = client.get(f"/insights/{suffix}?{query}")
        assert response.status_code == 400
        assert response.content.decode().startswith(f"{field}:")
    client.force_login(User.objects.create_user(username="r", password="x" * 16))
    api = client.get(f"/api/v1/insights/funnel?{query}")
    assert api.status_code == 422
    assert api.json()["detail"][0]["field"] == field
    assert client.get("/api/v1/insights/nope").status_code == 422


def test_missing_aggregates_are_said(db: Any) -> None:
    from shisaku.accounts.models import User

    client = Client()
    client.cookies["django_language"] = "ko"
    page = client.get("/insights/")
    assert page.status_code == 200
    assert b'data-testid="insights-missing"' in page.content
    assert b"shisaku insights refresh" in page.content
    assert client.get("/insights/funnel.csv").status_code == 200
    assert client.get("/api/v1/insights").status_code == 401
    client.force_login(User.objects.create_user(username="r", password="x" * 16))
    assert client.get("/api/v1/insights").json()["built_at"] is None


def test_api_with_a_read_token(history: dict[str, Any]) -> None:
    from shisaku.accounts.models import User
    from shisaku.tokens.services import token_create

    user = User.objects.create_user(username="partner", password="x" * 16)
    _token, plain = token_create(actor=user, name="centre", scope="read")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    index = client.get("/api/v1/insights")
    assert index.status_code == 200 and "funnel" in index.json()["figures"]
    funnel = client.get("/api/v1/insights/funnel?period=365d").json()
    assert [c["key"] for c in funnel["columns"]] == ["step", "rfqs", "days"]
    cell = InsightCell.objects.get(group="funnel", geo="", process="", period="365d")
    assert funnel["rows"][0]["rfqs"] == cell.data["sent"]


def test_charts_are_svg_images_under_their_own_policy(history: dict[str, Any]) -> None:
    from shisaku.insights.figures import FIGURES

    client = Client()
    client.cookies["django_language"] = "ja"
    for code in FIGURES:
        response = client.get(f"/insights/{code}.svg?country=KR")
        assert response.status_code == 200, code
        assert response["Content-Type"] == "image/svg+xml"
        assert "script-src" not in response["Content-Security-Policy"]
        assert b"<svg" in response.content and b"<script" not in response.content
    title = client.get("/insights/funnel.svg").content.decode()
    assert "見積依頼" in title  # the title is text in the reader's language (fonttype none)
    assert client.head("/insights/funnel.svg").status_code == 200


def test_publish_writes_the_statistics(history: dict[str, Any], tmp_path: Path,
                                       settings: Any) -> None:
    from frictionless import Package

    from shisaku.cli import main

    settings.HOME = tmp_path
    out = tmp_path / "open"
    assert main(["publish", "--out", str(out)]) == 0
    package = json.loads((out / "datapackage.json").read_text())
    names = [r["name"] for r in package["resources"]]
    assert "insights-funnel" in names and "manufacturers" in names
    report = Package(str(out / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    funnel = (out / "insights" / "funnel.csv").read_text().splitlines()
    cell = InsightCell.objects.get(group="funnel", geo="", process="", period="all")
    assert funnel[0] == "step,rfqs,days"
    assert funnel[1].split(",")[1] == str(cell.data["sent"])
    text = "".join(p.read_text() for p in (out / "insights").iterdir())
    assert "Sample project" not in text


def test_the_open_data_page_publishes_the_statistics_too(history: dict[str, Any],
                                                        settings: Any, tmp_path: Path) -> None:
    """The web snapshot is the command's: the statistics are listed and downloadable there,
    and a new aggregate build makes a new snapshot version."""
    settings.HOME = tmp_path
    client = Client()
    page = client.get("/manufacturers/open-data/").content.decode()
    assert "insights/funnel.csv" in page
    csv_resp = client.get("/manufacturers/open-data/insights/funnel.csv")
    assert csv_resp.status_code == 200 and csv_resp["Content-Type"].startswith("text/csv")
    rows = b"".join(csv_resp.streaming_content).decode().splitlines()
    cell = InsightCell.objects.get(group="funnel", geo="", process="", period="all")
    assert rows[0] == "step,rfqs,days" and rows[1].split(",")[1] == str(cell.data["sent"])
    package = json.loads(b"".join(
        client.get("/manufacturers/open-data/datapackage.json").streaming_content))
    assert "insights-funnel" in [r["name"] for r in package["resources"]]
    for bad in ("insights/../datapackage.json", "insights/nope.csv", "insights/",
                "../shisaku.sqlite3"):
        assert client.get(f"/manufacturers/open-data/{bad}", follow=True).status_code == 404, bad
    first = package["version"]
    insights_refresh(now=NOW + dt.timedelta(days=1), force=True)
    again = json.loads(b"".join(
        client.get("/manufacturers/open-data/datapackage.json").streaming_content))
    assert again["version"] != first


def test_the_worker_task_builds_once_per_change(pool: dict[str, Any]) -> None:
    from shisaku.insights.tasks import insights_aggregates

    assert latest_build() is None
    first = insights_aggregates.call_local()
    assert first["built"] is True and first["cells"] > 0
    assert insights_aggregates.call_local() == {"built": False, "cells": 0}


def test_region_shapes_cover_every_region_and_stay_small() -> None:
    from shisaku import taxonomy
    from shisaku.insights import charts

    assert charts.SHAPES.stat().st_size < 300_000
    coded = {code for code, _country, _rings in charts._shapes() if code}
    assert coded == set(taxonomy.REGIONS)
    notice = (charts.SHAPES.parent / "NOTICE.md").read_text()
    assert "admin1_east_asia.geojson" in notice and "Natural Earth" in notice


def test_map_colours_regions_and_marks_suppressed_ones() -> None:
    from shisaku.insights import charts

    points = {"KR-11": (37.5, 127.0), "KR-26": (35.2, 129.1), "KR-49": (33.4, 126.6)}
    svg = charts.region_map("서울 지도", {"KR-11": 42, "KR-26": SUPPRESSED}, countries=["KR"],
                            points=points).decode()
    assert "서울 지도" in svg  # text stays text: the browser's fonts set it
    assert ">42<" in svg and "&lt;5" in svg
    assert "<script" not in svg


# --- differencing attacks (complementary suppression) -------------------------------------------

def test_a_hidden_region_cannot_be_recovered_by_subtraction(db: Any, settings: Any) -> None:
    """Attack: KR has 7 firms, 6 in Seoul and 1 in Busan. The KR row of the unfiltered
    "by area and stage" CSV (7) minus Seoul's row of the KR CSV (6) gave Busan's hidden 1."""
    from shisaku.directory.services import manufacturers_save
    from tests.factories import record

    settings.LANGUAGE_CODE = "en"
    manufacturers_save(records=[record(f"Seoul {i}", "KR-11") for i in range(6)]
                       + [record("Busan One", "KR-26")])
    insights_refresh()
    client = Client()
    client.cookies["django_language"] = "en"
    top = _csv(client, "supply_regions_stages", "")
    below = _csv(client, "supply_regions_stages", "country=KR")
    column = top[0].index(next(h for h in top[0] if h.lower().startswith("prototyp")))
    total = next(r for r in top[1:] if "Korea" in r[0])[column]
    parts = [r[column] for r in below[1:]]
    assert SUPPRESSED in parts
    shown = [int(v) for v in parts if v != SUPPRESSED]
    # either the total is hidden or at least two parts are: no single cell is isolated
    assert total == SUPPRESSED or parts.count(SUPPRESSED) >= 2, (total, parts)
    if total != SUPPRESSED:
        assert int(total) - sum(shown) >= 5
    cells = {c.geo: c.data for c in InsightCell.objects.filter(group="supply", process="",
                                                                period="all")}
    assert cells["KR-26"]["firms"] == SUPPRESSED
    assert SUPPRESSED in (cells["KR"]["firms"], cells["KR-11"]["firms"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 11),
                          st.sampled_from(["KR-11", "KR-26", "KR-41", "KR", "JP-13", "JP-27"]),
                          st.integers(0, 600), st.booleans()), min_size=1, max_size=70))
def test_no_difference_of_shown_numbers_isolates_fewer_than_five_owners(
        rows: list[tuple[int, str, int, bool]]) -> None:
    """Random facts (owner, area, age in days, flag): after the build's suppression, every
    total an attacker can subtract shown parts from — area minus its areas, a period minus a
    shorter one, a count minus its flagged part — leaves rows of 0 or at least 5 owners
    (checked with plain sets on the raw rows); shown numbers are the true counts."""
    import numpy as np

    from shisaku.insights.build import (
        Facts,
        Margin,
        Margins,
        _arrays,
        _firm_geo_key,
        _Keys,
        _selector,
        count_cell,
        cube,
    )

    now = 1_800_000_000.0
    geos, procs = _Keys(), _Keys()
    facts = Facts()
    for owner, area, age, flag in rows:
        region = area if "-" in area else ""
        facts.add(owner=owner, ts=now - age * 86400.0, geo=_firm_geo_key(geos, area[:2], region),
                  proc=(0,), flag=flag)
    owner_of, cols = _arrays(facts)

    def metric(idx: Any) -> dict[str, Any]:
        o = owner_of[idx]
        return {"n": count_cell(np.ones(idx.size, dtype=bool), o),
                "flag": count_cell(cols["flag"][idx], o)}

    margins = Margins({"every": Margin((("n",),), parts=(("flag",),)),
                       "flag": Margin((("flag",),))},
                      _selector(cols, {"every": None, "flag": "flag"}))
    out = cube(facts, metric, geos=geos, procs=procs, now_s=now, margins=margins)

    def members(geo: str, period: str, flagged: bool) -> set[int]:
        days = PERIODS[period]
        return {i for i, (_o, area, age, flag) in enumerate(rows)
                if (geo == "" or area == geo or (len(geo) == 2 and area.startswith(geo)))
                and (days is None or age <= days) and (flag or not flagged)}

    def shown(geo: str, period: str, field: str) -> bool:
        data = out.get((geo, "", period))
        return data is None or data[field] != SUPPRESSED

    def safe(total: set[int], parts: list[set[int]]) -> bool:
        rest = total.difference(*parts)
        return len({rows[i][0] for i in rest}) in (0, *range(5, 99))

    areas = {"": ["KR", "JP"], "KR": ["KR-11", "KR-26", "KR-41"], "JP": ["JP-13", "JP-27"]}
    periods = list(PERIODS)
    for period in periods:
        for field, flagged in (("n", False), ("flag", True)):
            for parent, kids in areas.items():
                if not shown(parent, period, field) or (parent, "", period) not in out:
                    continue
                parts = [members(k, period, flagged) for k in kids if shown(k, period, field)]
                assert safe(members(parent, period, flagged), parts), (parent, period, field)
    for geo in ["", "KR", "JP", "KR-11", "KR-26", "KR-41", "JP-13", "JP-27"]:
        for i, longer in enumerate(periods):
            for shorter in periods[i + 1:]:
                for field, flagged in (("n", False), ("flag", True)):
                    if (geo, "", longer) in out and shown(geo, longer, field) and shown(
                            geo, shorter, field):
                        assert safe(members(geo, longer, flagged),
                                    [members(geo, shorter, flagged)]), (geo, longer, field)
            if (geo, "", longer) in out and shown(geo, longer, "n") and shown(
                    geo, longer, "flag"):
                assert safe(members(geo, longer, False), [members(geo, longer, True)])
    for (geo, _p, period), data in out.items():
        for field, flagged in (("n", False), ("flag", True)):
            if data[field] != SUPPRESSED:
                truth = members(geo, period, flagged)
                assert data[field] == len(truth)


# --- hostile input --------------------------------------------------------------------------------

@pytest.mark.parametrize("field", ["country", "region", "process", "period"])
@pytest.mark.parametrize("value", ["\x00", "KR\x00", "x" * 5000, "%ff", "KR-11'--", "<script>",
                                   "\u202eRK", "１１"])
def test_hostile_filter_values_are_4xx_naming_the_field(field: str, value: str) -> None:
    from urllib.parse import urlencode

    from shisaku.accounts.models import User

    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "en"
    query = urlencode({field: value})
    page = client.get(f"/insights/?{query}")
    assert page.status_code == 400, (field, value)
    if "\x00" in value:  # refused by the middleware before any view, naming the field
        assert page.content.decode().startswith(f"{field}:")
    else:
        assert b'data-testid="insights-error"' in page.content
        assert b"<script>" not in page.content
    for suffix in ("funnel.csv", "supply_map.svg", "estimate_vs_quotes.csv"):
        response = client.get(f"/insights/{suffix}?{query}")
        assert response.status_code == 400, (suffix, field, value)
        assert response.content.decode().startswith(f"{field}:")
        assert response["Content-Type"].startswith("text/plain")
    client.force_login(User.objects.create_user(username="r", password="x" * 16))
    api = client.get(f"/api/v1/insights/funnel?{query}")
    assert api.status_code in (400, 422), (field, value, api.content[:200])
    if api.status_code == 422:
        assert api.json()["detail"][0]["field"] == field
    else:
        assert api.content.decode().startswith(f"{field}:")


@pytest.mark.parametrize("code", ["nope", "x" * 300, "funnel-", "FUNNEL"])
def test_unknown_figures_are_4xx(db: Any, code: str) -> None:
    from shisaku.accounts.models import User

    client = Client(raise_request_exception=False)
    for suffix in ("csv", "svg"):
        response = client.get(f"/insights/{code}.{suffix}")
        assert response.status_code in (400, 404), (code, suffix)
        if response.status_code == 400:
            assert response.content.decode().startswith("figure:")
    client.force_login(User.objects.create_user(username="r", password="x" * 16))
    api = client.get(f"/api/v1/insights/{code}")
    assert api.status_code == 422 and api.json()["detail"][0]["field"] == "figure"


def test_names_starting_a_formula_stay_text_in_every_csv(history: dict[str, Any],
                                                         tmp_path: Path, settings: Any,
                                                         monkeypatch: Any) -> None:
    """An area (region, country) or label starting with = + - @ is quoted in the CSV
    downloads and in the open-data CSV files (figures name no firm: labels are taxonomy's)."""
    import csv
    import io

    from shisaku.cli import main
    from shisaku.insights import figures as figures_module
    from shisaku.insights.figures import FIGURES

    evil = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)"]
    monkeypatch.setattr(figures_module, "_area",
                        lambda code, lang: evil[len(code) % len(evil)] + code)
    client = Client()
    seen = 0
    for code in FIGURES:
        for query in ("", "country=KR"):
            text = client.get(f"/insights/{code}.csv?{query}").content.decode("utf-8-sig")
            for row in csv.reader(io.StringIO(text)):
                for cell in row:
                    assert not cell.startswith(("=", "+", "-", "@")), (code, cell)
                    seen += cell.startswith("'")
    assert seen > 10
    settings.HOME = tmp_path
    assert main(["publish", "--out", str(tmp_path / "open")]) == 0
    for path in (tmp_path / "open" / "insights").iterdir():
        for row in csv.reader(io.StringIO(path.read_text())):
            assert not any(c.startswith(("=", "+", "-", "@")) for c in row), (path, row)


def test_one_startups_projects_never_show_as_a_group(db: Any) -> None:
    """Attack: the only Taiwanese startup has 7 private projects. Counted per project, the
    "where projects stall" figure for country=TW (and "all" minus KR minus JP) showed that one
    startup's pipeline; the project figures count startups, so every number is '<5'."""
    from shisaku.accounts.models import Organisation
    from shisaku.projects.models import Project

    tw = Organisation.objects.create(kind="startup", name="Lone Startup", slug="lone",
                                     country="TW")
    for i in range(7):
        Project.objects.create(organisation=tw, title=f"Secret gadget {i}", stage="prototyping")
    insights_refresh()
    client = Client()
    client.cookies["django_language"] = "en"
    table = _csv(client, "stall", "country=TW")
    assert table[1:], table
    assert all(v in (SUPPRESSED, "0", "–") for row in table[1:] for v in row[1:]), table
    page = client.get("/insights/?country=TW")
    assert b"Lone Startup" not in page.content and b"Secret gadget" not in page.content
    cell = InsightCell.objects.get(group="stall", geo="", process="", period="all")
    assert cell.data["projects"]["prototyping"] == SUPPRESSED


def test_shown_project_counts_stand_on_five_startups(history: dict[str, Any]) -> None:
    """Every shown stage count of the stored cells comes from at least 5 startups (raw rows)."""
    from shisaku.projects.models import Project

    stages = {}
    for stage, org, country in Project.objects.filter(deleted_at__isnull=True).values_list(
            "stage", "organisation_id", "organisation__country"):
        stages.setdefault(("", stage), set()).add(org)
        stages.setdefault((country, stage), set()).add(org)
    checked = 0
    for cell in InsightCell.objects.filter(group="stall", process="", period="all"):
        for stage, value in cell.data["projects"].items():
            if value not in (SUPPRESSED, 0):
                assert len(stages[(cell.geo, stage)]) >= 5, (cell.geo, stage, value)
                checked += 1
    assert checked


@pytest.mark.parametrize("kind", ["bar", "histogram", "grouped"])
def test_a_hidden_value_is_a_short_stub_when_nothing_else_is_shown(kind: str) -> None:
    """A chart whose values are only '<5' and zeros (a joint-order figure on the demo) drew the
    hatched '<5' bar as tall as the axes, reading as a large number; now it stays a stub."""
    import re

    from shisaku.insights import charts

    labels, values = ["proposed", "inviting", "formed", "failed"], [SUPPRESSED, 0, SUPPRESSED, 0]
    if kind == "bar":
        svg = charts.bar("t", labels, values)
    elif kind == "histogram":
        svg = charts.histogram("t", labels, values)
    else:
        svg = charts.grouped_bar("t", labels, {"a": values, "b": [0, 0, 0, 0]})
    heights, hatched = [], []
    for d, style in re.findall(rb'<g id="patch_\d+">\s*<path d="([^"]+)"[^>]*?style="([^"]*)',
                               svg):
        ys = [float(y) for y in re.findall(rb"[ML] [-\d.]+ ([-\d.]+)", d)]
        heights.append(max(ys) - min(ys))
        if b"url(#" in style:
            hatched.append(heights[-1])
    axes = heights[1]  # the figure's background, then the axes'
    assert hatched and max(hatched) < 0.2 * axes, (axes, hatched)


def test_publish_names_no_contact_and_no_private_project(history: dict[str, Any],
                                                        tmp_path: Path, settings: Any) -> None:
    """Every file of the snapshot (directory and insights), not only the insights CSVs."""
    from shisaku.cli import main
    from shisaku.directory.models import Manufacturer
    from shisaku.projects.models import Project

    Manufacturer.objects.update(contact_email="sales@secret-contact.example",
                                contact_phone="+82-2-555-0199")
    private = list(Project.objects.filter(confidentiality="private").values_list(
        "title", flat=True)[:50])
    assert private
    settings.HOME = tmp_path
    out = tmp_path / "open"
    assert main(["publish", "--out", str(out)]) == 0
    text = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file())
    assert "secret-contact" not in text and "555-0199" not in text
    assert not [t for t in private if t in text]
    package = json.loads((out / "datapackage.json").read_text())
    fields = {f["name"] for r in package["resources"]
              for f in r.get("schema", {}).get("fields", [])}
    assert not {f for f in fields if "contact" in f or "email" in f or "phone" in f}


def test_the_ratio_chart_marks_where_a_quote_equals_the_estimate() -> None:
    """Bars of quote ÷ estimate from zero with no mark at 1x hid whether quotes were above or
    below the estimate; a dashed line now stands at 1."""
    from shisaku.insights import charts

    plain = charts.bar("t", ["a", "b"], [0.5, 2.0], horizontal=True).decode()
    marked = charts.bar("t", ["a", "b"], [0.5, 2.0], horizontal=True, reference=1.0).decode()
    assert "stroke-dasharray" not in plain and "stroke-dasharray" in marked
