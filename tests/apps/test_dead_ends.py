"""Dead ends a new user met (issue #12): forms that cannot be saved unchanged, errors at the
bottom of the page, empty search results without a useful hint."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from shisaku.accounts.models import User
from tests.apps.browser_form import form_data, form_index_of

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery 42"


def _manufacturer_client(client: Client, username: str = "kim") -> tuple[Client, Any]:
    client.post("/accounts/signup", {
        "username": username, "email": f"{username}@example.org", "password1": PASSWORD,
        "password2": PASSWORD, "organisation_kind": "manufacturer",
        "organisation_name": f"{username} Co", "country": "KR"})
    firm = User.objects.get(username=username).memberships.get().organisation.manufacturer
    return client, firm


def _edit_form(client: Client, firm: Any) -> dict[str, list[str]]:
    html = client.get(f"/manufacturers/{firm.pk}/edit").content.decode()
    return form_data(html, form_index_of(html, 'class="stacked"'))


def test_a_new_manufacturer_saves_its_profile_unchanged(client: Client) -> None:
    """The issue's case: the untouched extra site row (it showed Hokkaido) blocked the save."""
    client, firm = _manufacturer_client(client)
    response = client.post(f"/manufacturers/{firm.pk}/edit", _edit_form(client, firm))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert firm.sites.count() == 0 and firm.capabilities.count() == 0


def test_saving_twice_with_rows_keeps_exactly_those_rows(client: Client) -> None:
    """Ours: after adding a capability and a site, saving the page unchanged adds nothing (no
    "industrial design" capability from the untouched extra row)."""
    client, firm = _manufacturer_client(client, "park")
    data = _edit_form(client, firm)
    data.update({"capabilities-0-process": ["cnc_milling"], "sites-0-name": ["Plant 2"],
                 "sites-0-region": ["KR-47"]})
    assert client.post(f"/manufacturers/{firm.pk}/edit", data).status_code == 302
    assert client.post(f"/manufacturers/{firm.pk}/edit",
                       _edit_form(client, firm)).status_code == 302
    assert list(firm.capabilities.values_list("process", flat=True)) == ["cnc_milling"]
    assert list(firm.sites.values_list("region", flat=True)) == ["KR-47"]


def test_errors_are_summarised_at_the_top_with_links_to_the_fields(client: Client) -> None:
    client, firm = _manufacturer_client(client, "choi")
    data = _edit_form(client, firm)
    data.update({"sites-0-city": ["Pohang"]})  # a row started without its name and region
    response = client.post(f"/manufacturers/{firm.pk}/edit", data)
    assert response.status_code == 400
    html = response.content.decode()
    summary = html.index('role="alert"')
    assert summary < html.index('name="name"')  # above the first field
    assert 'href="#id_sites-0-name"' in html and 'href="#id_sites-0-region"' in html
    assert "data-error-summary" in html


@pytest.mark.parametrize("url, data, anchor", [
    ("/accounts/signup", {"username": "", "organisation_kind": "startup"}, "#id_username"),
    ("/accounts/login", {"username": "x", "password": "y"}, None),
])
def test_other_form_pages_summarise_errors_too(client: Client, url: str,
                                               data: dict[str, str], anchor: str | None) -> None:
    html = client.post(url, data).content.decode()
    assert 'role="alert"' in html and "data-error-summary" in html
    if anchor:
        assert f'href="{anchor}"' in html


# --- Find manufacturers from a new project's part ---------------------------------------------

def _find_link(html: str) -> str:
    import html as html_lib
    import re

    match = re.search(r'href="(/manufacturers/find\?[^"]+)"', html)
    assert match, "no Find manufacturers link on the project page"
    return html_lib.unescape(match.group(1))


def test_find_from_a_new_projects_part_lists_firms(client: Client, pool: dict[str, Any],
                                                   settings: Any, tmp_path: Any) -> None:
    """The issue's case: a project in business design; the firms support prototyping/dfm."""
    from tests.apps.test_projects_support import make_world

    settings.MEDIA_ROOT = tmp_path / "media"
    world = make_world()
    assert world.project.stage == "business_design"
    client.force_login(world.owner)
    link = _find_link(client.get(f"/projects/{world.project.pk}/").content.decode())
    assert "stage=" not in link
    response = client.get(link)
    assert response.status_code == 200
    result = response.context["result"]
    assert result["eligible"] >= 2  # Daehan and Huaxin mill aluminium
    assert "Daehan Precision" in response.content.decode()


def test_rfq_requirement_leaves_early_stages_out(pool: dict[str, Any], settings: Any,
                                                  tmp_path: Any) -> None:
    from shisaku.directory.matching import stage_filter
    from shisaku.rfq.services import rfq_requirement
    from tests.apps.test_rfq_support import make_rfq, make_world

    settings.MEDIA_ROOT = tmp_path / "media"
    assert [stage_filter(s) for s in ("business_design", "spec_review", "prototyping",
                                      "mass_production", None)] == [
        None, None, "prototyping", "mass_production", None]
    world = make_world()
    rfq, _ = make_rfq(world)
    rfq.project.stage = "spec_review"
    assert "stage" not in rfq_requirement(rfq)
    rfq.project.stage = "small_lot"
    assert rfq_requirement(rfq)["stage"] == "small_lot"


@pytest.mark.parametrize("query, culprit", [
    # The kind: the stage empties the list (nobody mills in mass production here).
    ("process=cnc_milling&stage=mass_production", "stage"),
    # Ours: a certification nobody holds with that process.
    ("process=cnc_milling&certification=as9100&quantity=200", "certifications"),
])
def test_empty_result_names_the_filter_that_empties_it(client: Client, pool: dict[str, Any],
                                                       query: str, culprit: str) -> None:
    response = client.get(f"/manufacturers/find?{query}")
    result = response.context["result"]
    assert result["eligible"] == 0
    first = result["relaxations"][0]
    assert first["key"] == culprit and first["count"] >= 1
    html = response.content.decode()
    assert 'data-testid="relax-hint"' in html and str(first["label"]) in html
    # The link drops exactly that filter and the rest stays.
    dropped = {"stage": "stage=", "certifications": "certification="}[culprit]
    assert dropped not in first["url"] and "process=cnc_milling" in first["url"]
