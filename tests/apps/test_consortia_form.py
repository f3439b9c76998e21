"""The consortium page as a coordinator edits it (issue #12): packages in a real form, the team
limited to places the optimiser honours, costs in money from the estimate engine."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from shisaku.consortia import services
from shisaku.consortia.models import Consortium
from tests.apps.browser_form import form_data, form_index_of
from tests.apps.test_consortia_support import World, make_world
from tests.factories import capability, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    from shisaku.directory.services import manufacturers_save

    world = make_world()
    # Cheaper Chinese firms for every package: an unconstrained plan takes them (they have a
    # contact e-mail, so they can answer an invitation by link: plans only take such firms).
    from tests.apps.test_consortia_support import FIRM_KINDS

    manufacturers_save(records=[
        record(f"Shenzhen {package}", "CN-GD", slug=f"sz-{package}", price_level=0.3,
               accepts_foreign=True, stages=["prototyping", "dfm", "small_lot"],
               contact_email=f"sales@sz-{package}.example",
               capabilities=[capability(p, materials=[material]) for p in processes])
        for package, (processes, material) in FIRM_KINDS.items()])
    return world


def _page(client: Client, world: World) -> tuple[Consortium, str]:
    services.window_send(actor=world.owner, project=world.project,
                         coordinator=world.coordinator)
    client.force_login(world.coord)
    response = client.post(f"/window/projects/{world.project.pk}/consortium")
    consortium = Consortium.objects.get()
    return consortium, client.get(response.url).content.decode()


def _team_countries(consortium: Consortium) -> set[str]:
    plan = consortium.plan
    return {plan["lead"]["country"], *(m["manufacturer"]["country"]
                                       for m in plan["members"].values())}


def test_gyeonggi_and_gyeongbuk_request_gets_no_chinese_firms(client: Client,
                                                              world: World) -> None:
    """The issue's case: the coordinator limits the team to Gyeonggi/Gyeongbuk."""
    consortium, page = _page(client, world)
    assert "CN" in _team_countries(consortium)  # unconstrained: Shenzhen is cheapest
    form = form_data(page, form_index_of(page, "/packages"))
    response = client.post(f"/window/consortia/{consortium.pk}/packages",
                           {**form, "team-regions": ["KR-41", "KR-47"]})
    assert response.status_code == 302
    consortium.refresh_from_db()
    assert consortium.constraints == {"regions": ["KR-41", "KR-47"]}
    assert consortium.plan["status"] == "optimal"
    assert _team_countries(consortium) == {"KR"}
    html = client.get(f"/window/consortia/{consortium.pk}/").content.decode()
    assert 'data-testid="team-places"' in html


def test_an_impossible_place_says_which_constraint(client: Client, world: World) -> None:
    """Ours: only Japan, where no firm is: the page names the countries constraint."""
    consortium, page = _page(client, world)
    form = form_data(page, form_index_of(page, "/packages"))
    client.post(f"/window/consortia/{consortium.pk}/packages", {**form, "team-countries": ["JP"]})
    consortium.refresh_from_db()
    assert consortium.plan["status"] == "infeasible"
    html = client.get(f"/window/consortia/{consortium.pk}/").content.decode()
    assert 'data-testid="blocking-constraint"' in html and "countries" in html


def test_costs_are_money_from_the_estimate_engine(client: Client, world: World) -> None:
    consortium, page = _page(client, world)
    plan = consortium.plan
    assert plan["currency"] == "USD"
    housing = plan["members"]["housing"]
    country = housing["manufacturer"]["country"]
    from shisaku.estimates.services import package_cost_estimate

    package = next(p for p in consortium.packages if p["id"] == "housing")
    expected = package_cost_estimate(
        processes=package["processes"], materials=package["materials"],
        quantity=package["quantity"], part_size_mm=package["part_size_mm"], region=country,
        client_country="KR")["total_cost"]
    price_level = 0.3 if country == "CN" else 0.8
    assert housing["cost"] == pytest.approx(expected * price_level, abs=0.01)
    assert housing["cost_source"] == "estimate"
    assert "USD " in page and "cost units" not in page


def test_packages_are_added_and_removed_in_the_form(client: Client, world: World) -> None:
    consortium, page = _page(client, world)
    form = form_data(page, form_index_of(page, "/packages"))
    total = int(form["packages-TOTAL_FORMS"][0])
    new = total - 1  # the empty extra row
    ids = [p["id"] for p in consortium.packages]
    data: dict[str, Any] = {**form, f"packages-{new}-name": ["Harness"],
                            f"packages-{new}-processes": ["cable_harness"],
                            f"packages-{new}-quantity": ["300"],
                            "packages-0-DELETE": ["on"]}
    response = client.post(f"/window/consortia/{consortium.pk}/packages", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    consortium.refresh_from_db()
    names = [p["name"] for p in consortium.packages]
    assert "Harness" in names and ids[0] not in [p["id"] for p in consortium.packages]
    harness = next(p for p in consortium.packages if p["name"] == "Harness")
    assert harness["processes"] == ["cable_harness"] and harness["quantity"] == 300
    # nothing waits for the removed package any more
    assert all(ids[0] not in p["depends_on"] for p in consortium.packages)


@pytest.mark.parametrize("change, anchor", [
    ({"packages-0-quantity": ["0"]}, "#id_packages-0-quantity"),
    ({"team-max_distance_km": ["100"]}, "#id_team-origin_region"),
])
def test_errors_are_per_field(client: Client, world: World, change: dict[str, Any],
                              anchor: str) -> None:
    consortium, page = _page(client, world)
    form = form_data(page, form_index_of(page, "/packages"))
    response = client.post(f"/window/consortia/{consortium.pk}/packages", {**form, **change})
    assert response.status_code == 422
    assert f'href="{anchor}"' in response.content.decode()


def test_a_dependency_cycle_is_shown_at_the_top_and_nothing_changes(client: Client,
                                                                     world: World) -> None:
    consortium, page = _page(client, world)
    before = consortium.packages
    form = form_data(page, form_index_of(page, "/packages"))
    first, second = before[0]["id"], before[1]["id"]
    response = client.post(f"/window/consortia/{consortium.pk}/packages", {
        **form, "packages-0-depends_on": [second], "packages-1-depends_on": [first]})
    assert response.status_code == 422
    html = response.content.decode()
    assert "dependency cycle" in html[html.index('role="alert"'):]
    consortium.refresh_from_db()
    assert consortium.packages == before
