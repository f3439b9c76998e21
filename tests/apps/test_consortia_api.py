"""`POST /api/v1/consortia/plan` over the directory: a team, or the packages nobody can take."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from shisaku.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(client: Client) -> Client:
    client.force_login(User.objects.create_user("coord", "c@example.org", "pw long enough 123"))
    return client


PACKAGES = [
    {"id": "frame", "name": "Frame", "processes": ["cnc_milling"], "quantity": 200},
    {"id": "cover", "name": "Cover", "processes": ["sheet_metal"], "quantity": 200},
]


def test_plan_from_the_directory(coordinator: Client, pool: dict[str, Any]) -> None:
    huaxin = pool["huaxin"].pk
    response = coordinator.post("/api/v1/consortia/plan", {
        "packages": PACKAGES, "constraints": {"integrators": [huaxin]}, "seed": 1},
        content_type="application/json")
    assert response.status_code == 200, response.content
    plan = response.json()
    assert plan["status"] == "optimal"
    assert plan["lead"]["id"] == huaxin
    assert plan["members"]["cover"]["manufacturer"]["id"] == huaxin  # the only sheet-metal shop
    assert set(plan["terms"]) >= {"cost", "lead_time"}


def test_infeasible_names_the_package(coordinator: Client, pool: dict[str, Any]) -> None:
    response = coordinator.post("/api/v1/consortia/plan", {
        "packages": [*PACKAGES, {"id": "casting", "name": "Casting",
                                 "processes": ["die_casting"], "quantity": 500}],
        "constraints": {"integrators": [pool["huaxin"].pk]}}, content_type="application/json")
    plan = response.json()
    assert plan["status"] == "infeasible"
    assert "casting" in plan["infeasible_packages"]


def test_bad_requests_and_anonymous(client: Client, pool: dict[str, Any]) -> None:
    assert client.post("/api/v1/consortia/plan", {"packages": PACKAGES},
                       content_type="application/json").status_code == 401
    client.force_login(User.objects.create_user("c2", "c2@example.org", "pw long enough 456"))
    bad = client.post("/api/v1/consortia/plan", {"packages": [{"id": "x", "processes":
                                                               ["laser_welding"]}]},
                      content_type="application/json")
    assert bad.status_code == 422
    empty = client.post("/api/v1/consortia/plan", {}, content_type="application/json")
    assert empty.status_code == 422 and empty.json()["detail"][0]["field"] == "packages"
