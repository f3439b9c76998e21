"""Matching where users meet it: the page, the API and the CLI agree; errors name the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from shisaku.cli import main
from shisaku.directory.matching import FACTOR_LABELS, REASON_MSGIDS
from shisaku.engines.matching import FACTORS, REASON_TEMPLATES

pytestmark = pytest.mark.django_db

REQ = {"processes": ["cnc_milling"], "quantity": 100, "origin_region": "KR-11",
       "max_distance_km": 2500}


def test_page_api_and_cli_give_the_same_ranking(client: Client, pool: dict[str, Any],
                                                tmp_path: Path, capsys: Any) -> None:
    api = client.post("/api/v1/match", REQ, content_type="application/json").json()
    assert api["eligible"] == 2 and api["considered"] == 5
    api_ids = [r["id"] for r in api["results"]]
    assert set(api_ids) == {pool["daehan"].pk, pool["huaxin"].pk}
    request = tmp_path / "req.json"
    request.write_text(json.dumps(REQ))
    assert main(["match", str(request), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in cli["results"]] == api_ids
    assert [r["score"] for r in cli["results"]] == [r["score"] for r in api["results"]]
    page = client.get("/manufacturers/find?process=cnc_milling&quantity=100"
                      "&origin_region=KR-11&max_distance_km=2500")
    html = page.content.decode()
    rows = [int(part.split('"')[0]) for part in html.split('<tr data-id="')[1:]]
    assert rows == api_ids
    assert "2 of 5 manufacturers can make it" in html


def test_lot_bounds_and_distance_exclude(client: Client, pool: dict[str, Any]) -> None:
    body = client.post("/api/v1/match", {**REQ, "quantity": 50},
                       content_type="application/json").json()
    assert [r["id"] for r in body["results"]] == [pool["daehan"].pk]  # Huaxin starts at 100
    near = client.post("/api/v1/match", {**REQ, "max_distance_km": 300},
                       content_type="application/json").json()
    assert {r["id"] for r in near["results"]} == {pool["daehan"].pk}


def test_reasons_come_in_the_chosen_language(client: Client, pool: dict[str, Any]) -> None:
    body = client.post("/api/v1/match", {"processes": ["cnc_milling"], "quantity": 10},
                       content_type="application/json", HTTP_ACCEPT_LANGUAGE="ko").json()
    reasons = " ".join(body["results"][0]["reasons"])
    assert "CNC 밀링 가공" in reasons


@pytest.mark.parametrize("payload, field", [
    ({"processes": ["laser_welding"]}, "process"),
    ({"quantity": 0}, "quantity"),
    ({"max_distance_km": -5, "origin_region": "KR-11"}, "max_distance_km"),
    ({"origin_region": "KR-99"}, "region"),
    ({"part_size_mm": [10, -1, 3]}, "part_size_mm"),
    ({"colour": "red"}, "colour"),
])
def test_bad_requirements_are_422_naming_the_field(client: Client, pool: dict[str, Any],
                                                   payload: dict[str, Any], field: str) -> None:
    response = client.post("/api/v1/match", payload, content_type="application/json")
    assert response.status_code == 422
    assert field in response.json()["detail"][0]["field"]


def test_cli_bad_requirement_exits_2(tmp_path: Path, capsys: Any) -> None:
    request = tmp_path / "bad.json"
    request.write_text(json.dumps({"processes": ["laser_welding"]}))
    assert main(["match", str(request), "--json"]) == 2
    assert "cnc_milling" in capsys.readouterr().err  # the valid codes are listed


def test_page_refuses_distance_without_origin(client: Client, pool: dict[str, Any]) -> None:
    response = client.get("/manufacturers/find?process=cnc_milling&max_distance_km=100")
    assert response.status_code == 400
    assert "origin_region" in response.content.decode()


def test_profile_changes_are_seen_on_the_next_request(client: Client,
                                                      pool: dict[str, Any]) -> None:
    from shisaku.directory.models import Capability
    from shisaku.directory.services import manufacturer_reindex

    before = client.post("/api/v1/match", {"processes": ["welding"]},
                         content_type="application/json").json()
    assert before["eligible"] == 0
    firm = pool["yamada"]
    Capability.objects.create(manufacturer=firm, process="welding", materials=[], min_lot=1,
                              max_lot=100)
    manufacturer_reindex(manufacturer=firm)  # bumps the data generation
    after = client.post("/api/v1/match", {"processes": ["welding"]},
                        content_type="application/json").json()
    assert [r["id"] for r in after["results"]] == [firm.pk]


def test_reason_templates_and_factors_are_all_translatable() -> None:
    assert set(REASON_MSGIDS) == set(REASON_TEMPLATES.values())
    assert set(FACTOR_LABELS) == set(FACTORS)
