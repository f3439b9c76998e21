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


def test_the_workflow_through_the_api(client: Client) -> None:
    from tests.apps.test_consortia_support import make_world

    world = make_world()
    client.force_login(world.owner)
    sent = client.post("/api/v1/consortia/window", {
        "project": world.project.pk, "coordinator": world.coordinator.pk, "note": "help"},
        content_type="application/json")
    assert sent.status_code == 200 and sent.json()["status"] == "new"
    bad = client.post("/api/v1/consortia/window", {
        "project": world.project.pk, "coordinator": world.startup.pk},
        content_type="application/json")
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "coordinator"

    client.force_login(world.coord)
    patched = client.patch(f"/api/v1/consortia/window/{sent.json()['id']}", {
        "status": "triaged", "owner": world.coord.pk, "notes": "on it"},
        content_type="application/json")
    assert patched.json()["status"] == "triaged" and patched.json()["owner"] == world.coord.pk
    wrong = client.patch(f"/api/v1/consortia/window/{sent.json()['id']}", {"status": "nope"},
                         content_type="application/json")
    assert wrong.status_code == 422
    proposed = client.post("/api/v1/consortia/propose", {"project": world.project.pk},
                           content_type="application/json").json()
    assert proposed["status"] == "proposed" and proposed["plan"]["status"] == "optimal"
    cid = proposed["id"]
    packages = proposed["packages"]
    bad_packages = client.put(f"/api/v1/consortia/{cid}/packages",
                              {"packages": [{"id": "x", "processes": ["no_such"]}]},
                              content_type="application/json")
    assert bad_packages.status_code == 422
    put = client.put(f"/api/v1/consortia/{cid}/packages", {"packages": packages},
                     content_type="application/json")
    assert put.status_code == 200
    early = client.post(f"/api/v1/consortia/{cid}/form")
    assert early.status_code == 422
    invited = client.post(f"/api/v1/consortia/{cid}/invite").json()
    assert invited["status"] == "inviting" and len(invited["members"]) == 5

    by_firm: dict[str, list[int]] = {}
    for m in invited["members"]:
        by_firm.setdefault(m["manufacturer"]["slug"], []).append(m["id"])
    for slug, ids in sorted(by_firm.items()):
        maker = Client()
        maker.force_login(world.makers[slug])
        mine = maker.get("/api/v1/consortia/invitations").json()
        assert {m["id"] for m in mine} == set(ids)
        answer = maker.post(f"/api/v1/consortia/invitations/{ids[0]}/respond",
                            {"answer": "accept"}, content_type="application/json")
        assert answer.json()["state"] == "accepted"
        again = maker.post(f"/api/v1/consortia/invitations/{ids[0]}/respond",
                           {"answer": "decline"}, content_type="application/json")
        assert again.status_code == 422
    formed = client.post(f"/api/v1/consortia/{cid}/form").json()
    assert formed["status"] == "formed" and formed["formed_at"]
    shares = [m["share_pct"] for m in formed["members"] if m["package"] != "lead"]
    assert sum(shares) == pytest.approx(100, abs=0.05)
