"""A startup sends its four-package project to a coordinator's window; the coordinator proposes
a consortium, edits a package, invites the team; a firm accepts in its browser (the other firms
through the service), and the coordinator forms the consortium; the coordinator asks the lead
for the joint quote, the lead quotes in its browser, and the startup awards it from its normal
RFQ comparison, where it is marked as a consortium's joint quote — in Chromium."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery 42"


@pytest.fixture
def login(login_as: Any) -> Callable[[str], Any]:
    return lambda username: login_as(username, PASSWORD)


def test_coordinator_forms_a_four_package_consortium(login: Callable[[str], Any],
                                                     live_server: Any) -> None:
    from django.utils import timezone

    from shisaku.consortia import services
    from shisaku.consortia.models import Consortium
    from shisaku.projects.models import ProgrammeSettings
    from tests.apps.test_consortia_support import make_world

    world = make_world(password=PASSWORD)
    # The programme accepts parts at any completeness (the joint quote is a normal RFQ).
    ProgrammeSettings.objects.create(coordinator=world.coordinator, rfq_min_completeness=0.0)
    base = live_server.url

    # The startup: "please find us makers".
    owner = login("owner")
    owner.goto(f"{base}/window/send/{world.project.pk}")
    owner.select_option("#id_coordinator", str(world.coordinator.pk))
    owner.fill("#id_note", "We need a case, a frame and a board, assembled.")
    owner.get_by_role("button", name="Send to the window").click()
    owner.wait_for_url(re.compile(r".*/projects/\d+/$"))

    # The coordinator: the window shows the inquiry; propose a consortium.
    coord = login("coord")
    coord.get_by_role("link", name="Coordinator window").click()
    row = coord.locator('tr[data-kind="window"][data-project="Smart lamp"]')
    assert "We need a case" in row.inner_text()
    row.get_by_role("button", name="Propose a consortium").click()
    coord.wait_for_url(re.compile(r".*/window/consortia/\d+/$"))
    assert coord.get_by_test_id("plan-status").get_attribute("data-status") == "optimal"
    assert coord.locator("table.packages tbody tr").count() == 4
    assert coord.get_by_test_id("lead").inner_text() == "Integration A"

    # Edit a package (its name) and re-plan.
    assert coord.locator("#id_packages-0-name").input_value() == "Housing (moulding)"
    coord.fill("#id_packages-0-name", "Moulded case")
    coord.get_by_role("button", name="Save and re-plan").click()
    coord.wait_for_load_state("load")
    assert "Moulded case" in coord.locator('tr[data-package="housing"]').inner_text()

    coord.get_by_test_id("invite").click()
    coord.wait_for_load_state("load")
    assert coord.get_by_test_id("consortium-status").inner_text() == "Inviting"
    assert coord.locator('[data-testid="team"] tr[data-state="invited"]').count() == 5

    # The frame firm accepts in its browser.
    maker = login("mk-frame-a")
    maker.goto(f"{base}/window/invitations/")
    invitation = maker.locator('tr[data-slot="frame"]')
    assert "Smart lamp" in invitation.inner_text()
    invitation.get_by_role("button", name="Accept").click()
    maker.wait_for_load_state("load")
    assert maker.locator('tr[data-slot="frame"]').get_attribute("data-state") == "accepted"

    # The other firms accept through the service.
    consortium = Consortium.objects.get()
    while (member := consortium.members.filter(state="invited").first()) is not None:
        services.member_respond(actor=world.makers[member.manufacturer.slug], member=member,
                                answer="accept")

    coord.reload()
    coord.get_by_test_id("form").click()
    coord.wait_for_load_state("load")
    assert coord.get_by_test_id("consortium-status").inner_text() == "Formed"
    assert coord.locator('[data-testid="team"] tr[data-state="accepted"]').count() == 5
    consortium.refresh_from_db()
    assert consortium.status == "formed"

    # The startup reads its formed consortium.
    owner.goto(f"{base}/window/consortia/{consortium.pk}/")
    assert owner.get_by_test_id("consortium-status").inner_text() == "Formed"
    assert owner.get_by_test_id("invite").count() == 0

    # The coordinator asks the lead for one joint quote: an RFQ to the lead alone.
    coord.get_by_test_id("open-joint-quote").click()
    coord.wait_for_load_state("load")
    consortium.refresh_from_db()
    rfq = consortium.rfq
    assert rfq is not None and rfq.invitations.get().manufacturer.slug == "integration-a"

    # The lead quotes the whole project in its browser.
    lead = login("mk-integration-a")
    lead.goto(f"{base}/rfqs/inbox/")
    lead.get_by_test_id("inbox").get_by_role("link").first.click()
    lead.wait_for_url("**/rfqs/invitations/*/")
    lead.get_by_test_id("acknowledge").click()
    lead.wait_for_load_state("load")
    for part in rfq.parts.all():
        lead.fill(f'input[name="price_{part.pk}_300"]', "20000")
    lead.select_option("#id_currency", "KRW")
    lead.fill("#id_lead_time_days", "45")
    lead.fill("#id_valid_until", (timezone.localdate() + dt.timedelta(days=30)).isoformat())
    lead.get_by_test_id("submit-quote").click()
    lead.wait_for_load_state("load")
    assert lead.get_by_test_id("invitation-status").inner_text() == "Quoted"

    # The startup compares (the joint quote is marked, its members listed) and awards it.
    owner.goto(f"{base}/rfqs/{rfq.pk}/compare")
    joint = owner.get_by_test_id("joint-integration-a").inner_text()
    assert "Housing A" in joint and "Board A" in joint and "Frame A" in joint
    owner.on("dialog", lambda d: d.accept())
    owner.get_by_test_id("award-integration-a").click()
    owner.wait_for_load_state("load")
    assert owner.get_by_test_id("rfq-status").inner_text() == "Awarded"

    # The consortium records the award.
    coord.reload()
    assert coord.get_by_test_id("awarded").is_visible()
    consortium.refresh_from_db()
    assert consortium.award is not None and consortium.awarded_at is not None
