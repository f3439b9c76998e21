"""Directory pages as a visitor sees them: full page, htmx partial, profile, downloads."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def test_list_page_renders_results_and_facets(client: Client, pool: dict[str, Any]) -> None:
    response = client.get("/manufacturers/?process=cnc_milling")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Daehan Precision" in html and "Huaxin Hardware" in html
    assert "Yamada Seisakusho" not in html
    assert 'data-facet="process"' in html
    assert "<html" in html


def test_htmx_request_gets_only_the_partial(client: Client, pool: dict[str, Any]) -> None:
    response = client.get("/manufacturers/?country=JP", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Yamada Seisakusho" in html
    assert 'hx-swap-oob="true"' in html  # facet counts are refreshed out of band


def test_bad_filter_is_a_400_naming_the_field(client: Client, pool: dict[str, Any]) -> None:
    response = client.get("/manufacturers/?lot=-3")
    assert response.status_code == 400
    assert "lot" in response.content.decode()


def test_profile_page_shows_capabilities_in_korean(client: Client, pool: dict[str, Any]) -> None:
    m = pool["daehan"]
    response = client.get(f"/manufacturers/{m.pk}/", HTTP_ACCEPT_LANGUAGE="ko")
    html = response.content.decode()
    assert response.status_code == 200
    assert "CNC 밀링 가공" in html  # the process label in Korean
    assert "ISO 13485 (의료기기)" in html


def test_missing_profile_is_404(client: Client, pool: dict[str, Any]) -> None:
    assert client.get("/manufacturers/999999/").status_code == 404


def test_sample_records_are_labelled(client: Client, pool: dict[str, Any]) -> None:
    from shisaku.directory.models import Manufacturer

    Manufacturer.objects.filter(slug="yamada").update(synthetic=True)
    html = client.get("/manufacturers/?country=JP").content.decode()
    assert "sample data" in html


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_open_data_download_follows_the_filters(client: Client, pool: dict[str, Any],
                                                fmt: str) -> None:
    response = client.get(f"/manufacturers/download?country=KR&format={fmt}")
    assert response.status_code == 200
    body = response.content
    if fmt == "json":
        slugs = {r["slug"] for r in json.loads(body)}
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
        slugs = {r["slug"] for r in rows}
    else:
        ws = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
        col = rows[0].index("slug")
        slugs = {r[col] for r in rows[1:]}
    assert slugs == {"daehan", "busan-pcb", "seoul-lab"}


def test_download_rejects_unknown_format(client: Client, pool: dict[str, Any]) -> None:
    assert client.get("/manufacturers/download?format=pdf").status_code == 400


def test_home_counts_the_directory(client: Client, pool: dict[str, Any]) -> None:
    html = client.get("/").content.decode()
    assert "5 manufacturers and maker spaces" in html
