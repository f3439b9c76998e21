"""The authorisation matrix over live states (ARCHITECTURE rule 11, issue #11): what an invited
firm may read of a project follows the current state of its invitation, the RFQ and the project.

role x state x action. States: live, declined, cancelled (files uploaded after the cancel too),
deleted project, closed without a quote (expired), awarded to another firm, awarded to this firm.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from shisaku.projects.services import part_file_add, project_delete, project_update
from shisaku.rfq import services
from shisaku.rfq.models import NdaAcceptance
from tests.apps.test_rfq_support import make_rfq, make_world, quote_lines

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

# state -> (firm sees its invitation, firm may accept the NDA and download the files)
STATES = {
    "live": (True, True),
    "declined": (True, False),
    "cancelled": (True, False),
    "deleted": (False, False),
    "expired": (True, False),
    "awarded_other": (True, False),
    "awarded_self": (True, True),
}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _download(client: Client, url: str) -> int:
    response = client.get(url)
    if response.streaming:  # read to the end: the client then closes the file (a close()
        b"".join(response.streaming_content)  # would also close the test's DB connection)
    return response.status_code


def _put_in_state(state: str, world: Any, rfq: Any, inv: Any, other: Any) -> None:
    valid = (timezone.now() + dt.timedelta(days=30)).date()

    def quote(invitation: Any) -> Any:
        return services.quote_submit(actor=world.makers[invitation.manufacturer.slug],
                                     invitation=invitation, lines=quote_lines(world),
                                     currency="USD", lead_time_days=5, valid_until=valid)

    if state == "declined":
        services.invitation_decline(actor=world.makers[inv.manufacturer.slug], invitation=inv,
                                    reason="capacity")
    elif state == "cancelled":
        services.rfq_cancel(actor=world.owner, rfq=rfq)
    elif state == "deleted":
        project_delete(actor=world.owner, project=world.project)
    elif state == "expired":
        rfq.quote_deadline = timezone.now() - dt.timedelta(hours=1)
        rfq.save(update_fields=["quote_deadline"])
        services.reply_deadlines_check(now=timezone.now())
        rfq.refresh_from_db()
        assert rfq.status == "closed"
    elif state == "awarded_other":
        services.award_create(actor=world.owner, rfq=rfq, quote_id=quote(other).pk)
    elif state == "awarded_self":
        services.award_create(actor=world.owner, rfq=rfq, quote_id=quote(inv).pk)


@pytest.mark.parametrize("nda_before", [False, True], ids=["nda-after", "nda-before"])
@pytest.mark.parametrize("state", list(STATES))
def test_firm_access_follows_live_state(settings: Any, tmp_path: Path, state: str,
                                        nda_before: bool) -> None:
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    project_update(actor=world.owner, project=world.project, data={"confidentiality": "invited"})
    before = part_file_add(actor=world.owner, part=world.parts[0], kind="drawing",
                           upload=SimpleUploadedFile("before.pdf", PDF))
    rfq, (inv, other, _third) = make_rfq(world)
    firm = _client(world.makers[inv.manufacturer.slug])
    if nda_before:
        assert firm.post(f"/rfqs/invitations/{inv.pk}/nda").status_code == 302
    # the startup attaches a file to the thread before the state changes
    services.message_post(actor=world.owner, invitation=inv, body="see attached",
                          from_manufacturer=False,
                          upload=SimpleUploadedFile("note.pdf", PDF))
    _put_in_state(state, world, rfq, inv, other)
    # a file uploaded after the state change (e.g. after the cancel)
    after = part_file_add(actor=world.owner, part=world.parts[0], kind="drawing",
                          upload=SimpleUploadedFile("after.pdf", PDF))
    sees, files = STATES[state]

    page = firm.get(f"/rfqs/invitations/{inv.pk}/")
    assert page.status_code == (200 if sees else 404), state
    api = firm.get(f"/api/v1/inbox/{inv.pk}")
    assert api.status_code == (200 if sees else 404), state
    inbox = firm.get("/api/v1/inbox").json()
    assert (inv.pk in [i["id"] for i in inbox]) is sees, state

    nda = firm.post(f"/rfqs/invitations/{inv.pk}/nda")
    if not sees:
        assert nda.status_code == 404
    accepted = NdaAcceptance.objects.filter(invitation=inv).exists()
    assert accepted == (nda_before or files), state
    for f in (before, after):
        status = _download(firm, f"/rfqs/invitations/{inv.pk}/files/{f.pk}")
        assert status == (200 if files else 404), (state, f.original_name)
    message_file = inv.messages.exclude(file="").get()
    assert _download(firm, f"/rfqs/messages/{message_file.pk}/file") == (
        200 if files else 404), state
    if sees:
        html = firm.get(f"/rfqs/invitations/{inv.pk}/").content.decode()
        assert ("before.pdf" in html) is files and ("after.pdf" in html) is files, state
        assert ('data-testid="files-closed"' in html) is not files, state

    # The startup side: the owner keeps its files unless the project is deleted.
    owner = _client(world.owner)
    url = f"/projects/{world.project.pk}/parts/{world.parts[0].pk}/files/{before.pk}"
    assert _download(owner, url) == (404 if state == "deleted" else 200), state
    # Another invited firm never reaches this invitation's files in any state.
    rival = _client(world.makers[other.manufacturer.slug])
    assert _download(rival, f"/rfqs/invitations/{inv.pk}/files/{before.pk}") == 404
