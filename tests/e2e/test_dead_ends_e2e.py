"""Issue #12 walked in Korean in Chromium: a new manufacturer saves its profile unchanged; Find
from a new project's part lists firms; a 390 px phone shows whole menu items and a foldable
filter panel. Screenshots go to SHISAKU_SCREENSHOTS (a directory) when it is set."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.factories import capability, record

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long enough password 9"
PHONE = {"width": 390, "height": 844}


def _shot(page: Any, name: str, *, full_page: bool = True) -> None:
    folder = os.environ.get("SHISAKU_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=full_page)


def _user(username: str, kind: str) -> Any:
    from shisaku.accounts.models import Membership, Organisation, User

    user = User.objects.create_user(username=username, email=f"{username}@example.org",
                                    password=PASSWORD)
    org = Organisation.objects.create(kind=kind, name=f"{username} org", slug=f"{username}-org",
                                      country="KR")
    Membership.objects.create(user=user, organisation=org, role="owner")
    return user, org


@pytest.fixture
def korean(browser: Any, live_server: Any) -> Any:
    contexts: list[Any] = []

    def _open(username: str | None = None, *, locale: str = "ko-KR",
              viewport: dict[str, int] | None = None) -> Any:
        context = browser.new_context(locale=locale, viewport=viewport or
                                      {"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        if username:
            page.goto(f"{live_server.url}/accounts/login")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            page.locator("main form button[type=submit]").click()
            page.wait_for_load_state("load")
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def directory(transactional_db: Any) -> None:
    from shisaku.directory.services import manufacturers_save

    manufacturers_save(records=[
        record("Daehan Precision", "KR-47", slug="daehan", name_local="대한정밀",
               stages=["prototyping", "dfm"],
               capabilities=[capability("cnc_milling", materials=["aluminum_6061"],
                                        max_lot=5000)]),
        record("Gyeonggi Tech", "KR-41", slug="gyeonggi", stages=["prototyping"],
               capabilities=[capability("cnc_milling", materials=["aluminum_6061"])]),
        record("Yamada Seisakusho", "JP-26", slug="yamada", stages=["mass_production"],
               capabilities=[capability("injection_molding", materials=["abs"])]),
    ])


def test_manufacturer_saves_its_profile_unchanged(korean: Any, live_server: Any) -> None:
    from shisaku.directory.services import manufacturer_create_for

    _kim, org = _user("kim", "manufacturer")  # a new manufacturer, its empty profile
    org.name = "김공업"
    org.save(update_fields=["name"])
    firm = manufacturer_create_for(organisation=org)
    page = korean("kim")
    page.goto(f"{live_server.url}/manufacturers/{firm.pk}/edit")
    assert page.locator("html").get_attribute("lang") == "ko"
    _shot(page, "ko-profile-edit")
    page.locator("main form.stacked button[type=submit]").click()
    page.wait_for_load_state("load")
    assert page.url.rstrip("/").endswith(f"/manufacturers/{firm.pk}")
    assert page.locator("ul.messages li.success").count() == 1
    _shot(page, "ko-profile-saved")
    assert firm.sites.count() == 0 and firm.capabilities.count() == 0
    # A half-filled site row: the errors are listed at the top, focused, linked to the fields.
    page.goto(f"{live_server.url}/manufacturers/{firm.pk}/edit")
    page.fill("#id_sites-0-city", "포항")
    page.locator("main form.stacked button[type=submit]").click()
    page.wait_for_load_state("load")
    summary = page.locator("[data-error-summary]")
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    _shot(page, "ko-profile-error-summary", full_page=False)
    summary.locator('a[href="#id_sites-0-name"]').click()
    assert page.url.endswith("#id_sites-0-name")
    _shot(page, "ko-profile-errors", full_page=False)


def test_find_from_a_new_projects_part_lists_firms(korean: Any, live_server: Any,
                                                   directory: None, settings: Any,
                                                   tmp_path: Any) -> None:
    from shisaku.projects import services

    settings.MEDIA_ROOT = tmp_path / "media"
    owner, startup = _user("mina", "startup")
    project = services.project_create(actor=owner, organisation=startup, data={
        "title": "재활 장갑", "summary": {"ko": "부드러운 로봇 장갑"}, "qty_pilot": 300,
        "currency": "KRW"})
    assert project.stage == "business_design"
    services.part_create(actor=owner, project=project, data={
        "name": "손가락 하우징", "process_hints": ["cnc_milling"], "material": "aluminum_6061"})
    page = korean("mina")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.locator('a[href^="/manufacturers/find?"]').first.click()
    page.wait_for_load_state("load")
    results = page.get_by_test_id("match-results").locator("tbody tr[data-id]")
    assert results.count() == 2  # both millers, although neither works in business design
    assert "대한정밀" in page.content() or "Daehan" in page.content()
    _shot(page, "ko-find-from-part")
    # The same page on a phone, in Korean and in Japanese.
    for locale, lang in (("ko-KR", "ko"), ("ja-JP", "ja")):
        phone = korean("mina", locale=locale, viewport=PHONE)
        phone.goto(page.url)
        _check_phone(phone)
        _shot(phone, f"{lang}-phone-find", full_page=False)
        phone.goto(f"{live_server.url}/manufacturers/")
        _check_phone(phone)
        panel = phone.locator("details.filter-panel")
        assert panel.get_attribute("open") is None  # folded on a phone
        _shot(phone, f"{lang}-phone-directory", full_page=False)
        phone.locator("details.filter-panel > summary").click()
        assert phone.locator("#filters").is_visible()
        _shot(phone, f"{lang}-phone-filters-open", full_page=False)


def _check_phone(page: Any) -> None:
    """Nothing wider than the screen; every menu item on one line (no break mid-word)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    heights = page.eval_on_selector_all(
        "header nav a", "els => els.map(e => [e.textContent, e.getClientRects().length])")
    broken = [text for text, lines in heights if lines != 1]
    assert not broken, f"menu items broken over lines: {broken}"


def test_coordinator_limits_the_team_to_korean_regions(korean: Any, live_server: Any) -> None:
    """The consortium form in Korean: Gyeonggi and Gyeongbuk only, then the plan has no
    Chinese firm and the costs are in USD."""
    from shisaku.consortia import services as consortia
    from shisaku.consortia.models import Consortium
    from shisaku.directory.services import manufacturers_save
    from tests.apps.test_consortia_support import FIRM_KINDS, make_world

    world = make_world(password=PASSWORD)
    manufacturers_save(records=[
        record(f"Shenzhen {package}", "CN-GD", slug=f"sz-{package}", price_level=0.3,
               accepts_foreign=True, stages=["prototyping", "dfm", "small_lot"],
               contact_email=f"sales@sz-{package}.example",  # reachable: plans take them
               capabilities=[capability(p, materials=[material]) for p in processes])
        for package, (processes, material) in FIRM_KINDS.items()])
    consortia.window_send(actor=world.owner, project=world.project,
                          coordinator=world.coordinator)
    consortium = consortia.consortium_propose(actor=world.coord, project=world.project)
    assert any(m["manufacturer"]["country"] == "CN" for m in consortium.plan["members"].values())
    page = korean("coord")
    page.goto(f"{live_server.url}/window/consortia/{consortium.pk}/")
    _shot(page, "ko-consortium-before")
    page.select_option("#id_team-regions", ["KR-41", "KR-47"])
    page.get_by_test_id("save-packages").click()
    page.wait_for_load_state("load")
    consortium = Consortium.objects.get(pk=consortium.pk)
    assert {m["manufacturer"]["country"] for m in consortium.plan["members"].values()} == {"KR"}
    assert "USD" in page.get_by_test_id("plan-total").inner_text()
    assert page.get_by_test_id("team-places").is_visible()
    _shot(page, "ko-consortium-after")


def test_startup_sees_what_invited_firms_will_see_and_shares_files(browser: Any,
                                                                   live_server: Any) -> None:
    """In Korean: a private project with a moulded part warns before sending; one click shares
    the files after an NDA."""
    from shisaku.projects import services as projects
    from shisaku.rfq import services as rfq_services
    from tests.apps.test_rfq_support import PASSWORD as RFQ_PASSWORD
    from tests.apps.test_rfq_support import deadline, make_world

    world = make_world(passwords=True)
    projects.part_update(actor=world.owner, part=world.parts[0],
                         data={"process_hints": ["injection_molding"], "material": "abs"})
    rfq = rfq_services.rfq_create(actor=world.owner, project=world.project,
                                  part_ids=[p.pk for p in world.parts], quantity_tiers=[300],
                                  quote_deadline=deadline(), title="하우징 견적")
    context = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login?next=/rfqs/{rfq.pk}/")
        page.fill("#id_username", "owner")
        page.fill("#id_password", RFQ_PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state("load")
        box = page.get_by_test_id("sharing")
        assert box.get_attribute("data-shared") == "no" and "warn" in box.get_attribute("class")
        _shot(page, "ko-rfq-sharing-private")
        page.get_by_test_id("share-files").click()
        page.wait_for_load_state("load")
        assert page.get_by_test_id("sharing").get_attribute("data-shared") == "yes"
        _shot(page, "ko-rfq-sharing-shared")
    finally:
        context.close()
    world.project.refresh_from_db()
    assert world.project.confidentiality == "invited"
