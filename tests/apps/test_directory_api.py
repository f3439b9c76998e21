"""`/api/v1/manufacturers`: same filters and counts as the HTML list and the export."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_list_with_filters_and_facets(client: Client, pool: dict[str, Any]) -> None:
    response = client.get("/api/v1/manufacturers?process=cnc_milling&page_size=20")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    assert {r["slug"] for r in data["results"]} == {"daehan", "huaxin"}
    first = next(r for r in data["results"] if r["slug"] == "daehan")
    assert first["capabilities"][0]["process"] == "cnc_milling"
    assert first["capabilities"][0]["max_part_mm"] == [500.0, 400.0, 300.0]
    assert {f["code"] for f in data["facets"]["country"]} == {"KR", "CN"}


def test_detail(client: Client, pool: dict[str, Any]) -> None:
    m = pool["yamada"]
    data = client.get(f"/api/v1/manufacturers/{m.pk}").json()
    assert data["name_local"] == "山田製作所"
    assert data["region"] == "JP-26" and data["block"] == "JP-KANSAI"
    assert client.get("/api/v1/manufacturers/424242").status_code == 404


@pytest.mark.parametrize("query, field", [
    ("process=welding_robot", "process"), ("lot=0", "lot"), ("page_size=1000", "page_size"),
    ("page=99", "page"),
])
def test_bad_parameters_are_422_with_the_field(client: Client, pool: dict[str, Any],
                                               query: str, field: str) -> None:
    response = client.get(f"/api/v1/manufacturers?{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == field


def test_api_export_and_html_agree_on_counts(client: Client, pool: dict[str, Any],
                                            tmp_path: Any) -> None:
    import json

    from shisaku.cli import main

    query = "country=KR&stage=prototyping"
    api_count = client.get(f"/api/v1/manufacturers?{query}").json()["count"]
    out = tmp_path / "export.json"
    assert main(["export", "manufacturers", "--query", query, "--out", str(out)]) == 0
    export_count = len(json.loads(out.read_text()))
    html = client.get(f"/manufacturers/?{query}").content.decode()
    assert api_count == export_count == 3
    assert f"{api_count} results" in html


def test_openapi_documents_the_filters(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    params = {p["name"] for p in schema["paths"]["/api/v1/manufacturers"]["get"]["parameters"]}
    assert {"process", "material", "lot", "country", "block", "q"} <= params
