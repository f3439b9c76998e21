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
    """A new manufacturer's admin, logged in, with the empty profile sign-up gives it."""
    from shisaku.accounts.models import Membership
    from shisaku.accounts.services import organisation_create
    from shisaku.directory.services import manufacturer_create_for

    user = User.objects.create_user(username=username, email=f"{username}@example.org",
                                    password=PASSWORD)
    org = organisation_create(name=f"{username} Co", kind="manufacturer", country="KR")
    Membership.objects.create(user=user, organisation=org, role="owner")
    firm = manufacturer_create_for(organisation=org)
    client.force_login(user)
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
    assert "Further sites · Row 1 · Name" in html[summary:html.index('name="name"')]
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


# --- Smaller dead ends ------------------------------------------------------------------------

def test_one_menu_item_is_active_per_page(client: Client, pool: dict[str, Any]) -> None:
    """The issue's case: /manufacturers/find lit both Directory and Find; ours: the directory."""
    for url, expected in (("/manufacturers/find", "/manufacturers/find"),
                          ("/manufacturers/", "/manufacturers/")):
        items = client.get(url).context["nav_items"]
        assert [i["url"] for i in items if i["active"]] == [expected]


def test_favicon_is_served(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert "favicon.svg" in client.get("/").content.decode()


def test_estimate_is_linked_from_home_and_a_login_explains_why(client: Client,
                                                               pool: dict[str, Any]) -> None:
    home = client.get("/").content.decode()
    assert 'data-testid="home-estimate"' in home and 'href="/estimate/"' in home
    response = client.get("/estimate/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login")
    login = client.get(response["Location"]).content.decode()
    assert 'data-testid="login-reason"' in login and "CAD file" in login
    # Ours: a login asked for a project page says why too; one reached directly says nothing.
    assert "Projects belong to a startup" in client.get(
        "/accounts/login?next=/projects/").content.decode()
    assert 'data-testid="login-reason"' not in client.get("/accounts/login").content.decode()


def test_sample_profiles_hide_the_generator_from_the_public(client: Client,
                                                            pool: dict[str, Any]) -> None:
    from shisaku.directory.models import Manufacturer

    firm = pool["daehan"]
    Manufacturer.objects.filter(pk=firm.pk).update(synthetic=True,
                                                   source="sample generator v1 (seed 7)")
    html = client.get(f"/manufacturers/{firm.pk}/").content.decode()
    assert "sample generator" not in html and "seed 7" not in html
    assert 'class="badge sample"' in html
    staff = User.objects.create_user("staff", "s@example.org", PASSWORD, is_staff=True)
    client.force_login(staff)
    assert "sample generator v1 (seed 7)" in client.get(f"/manufacturers/{firm.pk}/").content.decode()
    # A real firm's source (an import, an open-data set) stays public: it is its attribution.
    Manufacturer.objects.filter(pk=pool["yamada"].pk).update(source="fablabs.io")
    assert "fablabs.io" in Client().get(f"/manufacturers/{pool['yamada'].pk}/").content.decode()


def test_failed_upload_stays_on_the_part_page(client: Client, settings: Any,
                                              tmp_path: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.apps.test_projects_support import make_world

    settings.MEDIA_ROOT = tmp_path / "media"
    world = make_world()
    client.force_login(world.owner)
    url = f"/projects/{world.project.pk}/parts/{world.part.pk}/files"
    # The case: a refused file; ours: no file at all.
    for data in ({"kind": "cad", "file": SimpleUploadedFile("evil.stl", b"PK\x03\x04zip")},
                 {"kind": "cad"}):
        response = client.post(url, data)
        assert response.status_code == 400
        assert response.templates[0].name == "projects/part_form.html"
        html = response.content.decode()
        assert 'role="alert"' in html and 'href="#id_file"' in html


# --- Request a quote from a profile; what invited firms will see ------------------------------

def _rfq_form(world: Any) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    return {"parts": [p.pk for p in world.parts], "quantity_tiers": "10, 300",
            "quote_deadline": (timezone.localtime() + dt.timedelta(days=3)).strftime(
                "%Y-%m-%dT%H:%M")}


def test_request_a_quote_from_a_profile_preselects_the_firm() -> None:
    from shisaku.rfq.models import RFQ
    from tests.apps.test_rfq_support import make_world

    world = make_world()
    echo = world.firms["echo"]  # the lowest-ranked firm: not among the default picks
    anonymous = Client()
    profile = anonymous.get(f"/manufacturers/{echo.pk}/").content.decode()
    assert f'href="/rfqs/request/{echo.pk}"' in profile
    # Anonymous: to the login page, told why, with a sign-up link that comes back.
    response = anonymous.get(f"/rfqs/request/{echo.pk}")
    assert response.status_code == 302
    login = anonymous.get(response["Location"]).content.decode()
    assert "To request a quote" in login and f"next=/rfqs/request/{echo.pk}" in login
    # A startup picks its project; the new RFQ opens with the firm chosen and checked.
    owner = Client()
    owner.force_login(world.owner)
    page = owner.get(f"/rfqs/request/{echo.pk}").content.decode()
    create = f"/rfqs/new/{world.project.pk}?manufacturer={echo.pk}"
    assert create.replace("&", "&amp;") in page or create in page
    created = owner.post(create, _rfq_form(world))
    assert created.status_code == 302 and created["Location"].endswith(f"?invite={echo.pk}")
    detail = owner.get(created["Location"]).content.decode()
    assert f'value="{echo.pk}" checked>' in detail
    owner.post(f"/rfqs/{RFQ.objects.get().pk}/send", {"manufacturers": [echo.pk]})
    assert RFQ.objects.get().invitations.get().manufacturer_id == echo.pk


def test_signup_returns_to_the_request_page() -> None:
    """Ours: an anonymous visitor signs up from the login page and lands back on the request."""
    from tests.apps.test_rfq_support import make_world

    world = make_world()
    echo = world.firms["echo"]
    visitor = Client()
    response = visitor.post(f"/accounts/signup?next=/rfqs/request/{echo.pk}", {
        "username": "newbie", "email": "newbie@example.org", "password1": PASSWORD,
        "password2": PASSWORD, "organisation_kind": "startup", "organisation_name": "New Co",
        "country": "KR"})
    assert response.status_code == 302  # "check your mail": the link carries the way back
    from django.core import mail
    link = next(w for w in mail.outbox[-1].body.split() if "/accounts/signup/confirm/" in w)
    confirmed = visitor.get(link.replace("http://testserver", "").split("://", 1)[-1]
                            .partition("/")[2].join(["/", ""]) if "://" in link else link)
    assert confirmed.status_code == 302 and confirmed["Location"] == f"/rfqs/request/{echo.pk}"
    page = visitor.get(confirmed["Location"]).content.decode()
    assert "Start a new project" in page
    # Never to another site.
    Client().post("/accounts/signup?next=https://evil.example/", {
        "username": "newbie2", "email": "n2@example.org", "password1": PASSWORD,
        "password2": PASSWORD, "organisation_kind": "startup", "organisation_name": "N2",
        "country": "KR"})
    assert "evil.example" not in mail.outbox[-1].body


def test_before_sending_the_startup_sees_that_files_stay_hidden_and_shares_them() -> None:
    """The issue's case: a private project (the default) with a moulded part: the RFQ page
    warns that invited firms will not see the CAD files, and one click shares them."""
    from shisaku.projects import services as projects
    from shisaku.rfq.models import RFQ
    from tests.apps.test_rfq_support import make_world

    world = make_world()
    projects.part_update(actor=world.owner, part=world.parts[0],
                         data={"process_hints": ["injection_molding"], "material": "abs"})
    owner = Client()
    owner.force_login(world.owner)
    created = owner.post(f"/rfqs/new/{world.project.pk}", _rfq_form(world))
    rfq = RFQ.objects.get()
    html = owner.get(created["Location"]).content.decode()
    assert 'data-testid="files-private"' in html and 'class="sharing warn"' in html
    assert "Finger housing" in html.split('data-testid="files-private"')[1].split("</li>")[0]
    response = owner.post(f"/rfqs/{rfq.pk}/sharing", {"confidentiality": "invited"})
    assert response.status_code == 302
    world.project.refresh_from_db()
    assert world.project.confidentiality == "invited"
    html = owner.get(f"/rfqs/{rfq.pk}/").content.decode()
    assert 'data-testid="files-shared"' in html and 'data-testid="keep-private"' in html
    # Ours: a firm cannot flip the startup's sharing.
    maker = Client()
    maker.force_login(world.makers["alpha"])
    assert maker.post(f"/rfqs/{rfq.pk}/sharing",
                      {"confidentiality": "private"}).status_code == 404


def test_find_errors_use_labels_and_link_to_the_fields(client: Client,
                                                       pool: dict[str, Any]) -> None:
    html = client.get("/manufacturers/find?process=cnc_milling&size_x=10").content.decode()
    summary = html[html.index('role="alert"'):]
    assert 'href="#id_size_z"' in summary and "Part size Z (mm)" in summary
    assert "<strong>size_z</strong>" not in html


def test_an_rfq_without_matches_says_which_requirement_empties_it() -> None:
    """Ours, the same kind on the RFQ page: a milled titanium part, and no firm lists
    titanium: the materials requirement empties the list."""
    from shisaku.projects import services as projects
    from shisaku.rfq import services as rfq_services
    from tests.apps.test_rfq_support import deadline, make_world

    world = make_world()
    projects.part_update(actor=world.owner, part=world.parts[0],
                         data={"material": "titanium"})
    rfq = rfq_services.rfq_create(actor=world.owner, project=world.project,
                                  part_ids=[p.pk for p in world.parts], quantity_tiers=[300],
                                  quote_deadline=deadline(), title="Titanium")
    owner = Client()
    owner.force_login(world.owner)
    response = owner.get(f"/rfqs/{rfq.pk}/")
    # rfq_candidates falls back to dropping materials, so firms are offered anyway ...
    assert response.context["candidates"]
    # ... and with every firm already invited or unreachable, the page names the culprit.
    from shisaku.directory.matching import relaxations
    from shisaku.rfq.views import _relaxations

    first = _relaxations(rfq)[0]
    assert first["key"] == "materials" and first["count"] == 5
    assert relaxations({"processes": ["cnc_milling"]}, lambda r: 0) == []
    # A moulded part next to the milled one: no firm does both, and no single requirement
    # is to blame: the page says so.
    projects.part_update(actor=world.owner, part=world.parts[0],
                         data={"process_hints": ["injection_molding"], "material": "abs"})
    html = owner.get(f"/rfqs/{rfq.pk}/").content.decode()
    assert 'data-testid="relax-hint"' in html and "No single filter empties the list" in html
