"""Part files reach invited firms only for shared projects, and only after the NDA."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shisaku.core.models import AuditEvent
from shisaku.rfq.models import NdaAcceptance
from tests.apps.test_rfq_support import make_rfq, make_world

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def shared(settings: Any, tmp_path: Path) -> dict[str, Any]:
    from shisaku.projects.services import part_file_add, project_update

    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    project_update(actor=world.owner, project=world.project,
                   data={"confidentiality": "invited"})
    drawing = part_file_add(actor=world.owner, part=world.parts[0], kind="drawing",
                            upload=SimpleUploadedFile("housing.pdf", PDF))
    rfq, invitations = make_rfq(world)
    return {"world": world, "rfq": rfq, "inv": invitations[0], "file": drawing}


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_files_after_the_nda_only(shared: dict[str, Any]) -> None:
    world, inv, drawing = shared["world"], shared["inv"], shared["file"]
    maker = as_user(world.makers[inv.manufacturer.slug])
    page = maker.get(f"/rfqs/invitations/{inv.pk}/").content.decode()
    assert 'data-testid="accept-nda"' in page and "housing.pdf" not in page
    url = f"/rfqs/invitations/{inv.pk}/files/{drawing.pk}"
    assert maker.get(url).status_code == 404  # not before the NDA
    assert maker.post(f"/rfqs/invitations/{inv.pk}/nda").status_code == 302
    assert NdaAcceptance.objects.filter(invitation=inv).count() == 1
    assert AuditEvent.objects.filter(action="rfq.nda_accept").exists()
    page = maker.get(f"/rfqs/invitations/{inv.pk}/").content.decode()
    assert "housing.pdf" in page
    response = maker.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_other_firms_and_private_projects_see_no_files(shared: dict[str, Any]) -> None:
    from shisaku.projects.services import project_update

    world, inv, drawing = shared["world"], shared["inv"], shared["file"]
    other_inv = shared["rfq"].invitations.exclude(pk=inv.pk).first()
    invited = as_user(world.makers[inv.manufacturer.slug])
    invited.post(f"/rfqs/invitations/{inv.pk}/nda")
    rival = as_user(world.makers[other_inv.manufacturer.slug])
    # Another invited firm cannot use this invitation's path, accepted or not.
    assert rival.get(f"/rfqs/invitations/{inv.pk}/files/{drawing.pk}").status_code == 404
    assert rival.get(f"/rfqs/invitations/{other_inv.pk}/files/{drawing.pk}").status_code == 404
    outsider = as_user(world.outsider_maker)
    assert outsider.get(f"/rfqs/invitations/{inv.pk}/files/{drawing.pk}").status_code == 404
    assert Client().get(f"/rfqs/invitations/{inv.pk}/files/{drawing.pk}").status_code == 302
    # Back to private: nothing is served even after an accepted NDA.
    project_update(actor=world.owner, project=world.project, data={"confidentiality": "private"})
    assert invited.get(f"/rfqs/invitations/{inv.pk}/files/{drawing.pk}").status_code == 404
    page = invited.get(f"/rfqs/invitations/{inv.pk}/").content.decode()
    assert "keeps its files private" in page
    assert invited.post(f"/rfqs/invitations/{other_inv.pk}/nda").status_code == 404


def test_project_page_links_to_a_new_request(shared: dict[str, Any]) -> None:
    world = shared["world"]
    page = as_user(world.owner).get(f"/projects/{world.project.pk}/").content.decode()
    assert f'href="/rfqs/new/{world.project.pk}"' in page
    assert f'href="/window/send/{world.project.pk}"' in page
    coordinator_page = as_user(world.coord).get(f"/projects/{world.project.pk}/").content.decode()
    assert 'data-testid="request-quotes"' not in coordinator_page
    assert f'href="/window/projects/{world.project.pk}/consortium"' in coordinator_page
    maker = as_user(shared["world"].makers["alpha"]).get("/rfqs/inbox/").content.decode()
    assert 'href="/window/invitations/"' in maker  # "Joint orders" in the navigation
