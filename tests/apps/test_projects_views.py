"""Project pages as a startup uses them: create, parts and spec, uploads, the stage pipeline,
the coordinator board."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from shisaku.core.models import AuditEvent
from shisaku.projects.choices import CHECKLISTS
from shisaku.projects.models import PartFile, Project, StageChange
from tests.apps.test_projects_support import PDF, World, binary_stl, make_world, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world() -> World:
    return make_world()


def test_nav_shows_my_projects_to_startups_and_coordinators_only(client: Client,
                                                                 world: World) -> None:
    for user, shown in [(world.owner, True), (world.coord, True), (world.maker, False)]:
        client.force_login(user)
        assert ("My projects" in client.get("/manufacturers/").content.decode()) is shown


def test_startup_creates_a_project_and_sees_it(client: Client) -> None:
    user, _org = member("mina", "startup")
    client.force_login(user)
    assert client.get("/projects/new").status_code == 200
    response = client.post("/projects/new", {
        "title": "Smart pill box", "summary": "알약 상자", "summary_language": "ko",
        "product_field": "medical_welfare", "qty_pilot": "300", "qty_small_lot": "5000",
        "qty_mass": "30000", "target_unit_cost": "12000", "currency": "KRW",
        "confidentiality": "private"})
    assert response.status_code == 302
    project = Project.objects.get(title="Smart pill box")
    assert project.summary == {"ko": "알약 상자"} and project.qty_mass == 30000
    assert project.stage == "business_design"
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "Smart pill box" in page and "30,000" in page
    assert "Smart pill box" in client.get("/projects/").content.decode()


def test_impossible_quantity_is_refused_with_the_field(client: Client) -> None:
    user, _org = member("mina", "startup")
    client.force_login(user)
    response = client.post("/projects/new", {"title": "X", "summary_language": "en",
                                             "qty_pilot": "0", "currency": "KRW",
                                             "confidentiality": "private"})
    assert response.status_code == 400
    assert "qty_pilot" in response.context["form"].errors
    assert not Project.objects.exists()


def test_non_startup_cannot_create(client: Client, world: World) -> None:
    client.force_login(world.maker)
    assert client.get("/projects/new").status_code == 404


def test_part_spec_fills_and_completeness_rises(client: Client, world: World) -> None:
    client.force_login(world.owner)
    url = f"/projects/{world.project.pk}/parts/{world.part.pk}/"
    before = client.get(url).context["percent"]
    response = client.post(url, {
        "hints_sent": "1", "name": "Finger housing", "quantity_per_unit": "5",
        "process_hints": ["cnc_milling"], "material": "aluminum_6061", "finish": "anodised",
        "tolerance_class": "m", "tolerance_mm": "", "notes": "",
        "spec-quantity": "300", "spec-threads": "4 x M3"})
    assert response.status_code == 302, response.content.decode()[:2000]
    after = client.get(url)
    assert after.context["percent"] > before
    assert [m["field"] for m in after.context["missing"]] == ["drawing"]
    world.part.refresh_from_db()
    assert world.part.spec == {"quantity": 300, "threads": "4 x M3"}
    assert world.part.quantity_per_unit == 5


def test_spec_fields_follow_the_process_hints_through_htmx(client: Client, world: World) -> None:
    client.force_login(world.owner)
    url = f"/projects/{world.project.pk}/parts/{world.part.pk}/spec-fields"
    html = client.get(url, {"hints_sent": "1", "process_hints": ["pcb_assembly"]},
                      HTTP_HX_REQUEST="true").content.decode()
    assert 'name="spec-layers"' in html and 'name="spec-threads"' not in html
    html = client.get(url, {"hints_sent": "1", "process_hints": ["cnc_milling"]},
                      HTTP_HX_REQUEST="true").content.decode()
    assert 'name="spec-threads"' in html and "<html" not in html


def test_bad_tolerance_is_refused_and_nothing_saved(client: Client, world: World) -> None:
    client.force_login(world.owner)
    url = f"/projects/{world.project.pk}/parts/{world.part.pk}/"
    for bad in ("-0.1", "0", "50"):
        response = client.post(url, {"hints_sent": "1", "name": "Finger housing",
                                     "quantity_per_unit": "1", "process_hints": ["cnc_milling"],
                                     "tolerance_mm": bad})
        assert response.status_code == 400, bad
        assert "tolerance_mm" in response.context["form"].errors
    world.part.refresh_from_db()
    assert world.part.tolerance_mm is None


def test_upload_a_drawing_then_refuse_a_zip_named_stl(client: Client, world: World,
                                                      settings: Any) -> None:
    client.force_login(world.owner)
    url = f"/projects/{world.project.pk}/parts/{world.part.pk}/files"
    response = client.post(url, {"kind": "drawing",
                                 "file": SimpleUploadedFile("housing.pdf", PDF)})
    assert response.status_code == 302
    drawing = PartFile.objects.get(kind="drawing")
    assert drawing.detected_type == "pdf" and drawing.size_bytes == len(PDF)
    assert drawing.file.name.startswith(f"projects/{world.project.pk}/{world.part.pk}/")
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "hello")
    response = client.post(url, {"kind": "cad",
                                 "file": SimpleUploadedFile("evil.stl", buf.getvalue())})
    assert response.status_code == 400
    assert "named .stl but the content is a ZIP archive" in response.content.decode()
    assert PartFile.objects.count() == 2  # the fixture's STL and the drawing
    stored = sorted(p.name for p in (settings.MEDIA_ROOT / "projects").rglob("*") if p.is_file())
    assert len(stored) == 2
    download = client.get(f"{url}/{drawing.pk}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_stage_forward_needs_the_checklist_and_back_needs_a_note(client: Client,
                                                                 world: World) -> None:
    client.force_login(world.owner)
    base = f"/projects/{world.project.pk}"
    response = client.post(f"{base}/stage", {"to_stage": "spec_review"})
    assert response.status_code == 400
    assert "finish the checklist first" in response.content.decode()
    for item in CHECKLISTS["business_design"]:
        assert client.post(f"{base}/checklist", {"item": item.key, "done": "1"}).status_code == 302
    assert client.post(f"{base}/stage", {"to_stage": "spec_review"}).status_code == 302
    world.project.refresh_from_db()
    assert world.project.stage == "spec_review"
    assert client.post(f"{base}/stage", {"to_stage": "business_design"}).status_code == 400
    assert client.post(f"{base}/stage", {"to_stage": "business_design",
                                         "note": "investor wants a new market"}).status_code == 302
    history = list(StageChange.objects.filter(project=world.project).order_by("id")
                   .values_list("from_stage", "to_stage", "note"))
    assert history == [("", "business_design", ""), ("business_design", "spec_review", ""),
                       ("spec_review", "business_design", "investor wants a new market")]
    page = client.get(f"{base}/").content.decode()
    assert "investor wants a new market" in page


def test_checklist_toggle_returns_the_pipeline_partial_for_htmx(client: Client,
                                                               world: World) -> None:
    client.force_login(world.coord)
    response = client.post(f"/projects/{world.project.pk}/checklist",
                           {"item": "bd_customer", "done": "1"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and 'id="pipeline"' in html and "<html" not in html
    assert 'data-item="bd_customer" aria-pressed="true"' in html


def test_soft_delete_keeps_the_audit_trail(client: Client, world: World) -> None:
    client.force_login(world.owner)
    pk = world.project.pk
    assert client.post(f"/projects/{pk}/delete").status_code == 302
    assert client.get(f"/projects/{pk}/").status_code == 404
    assert Project.objects.filter(pk=pk, deleted_at__isnull=False).exists()
    actions = set(AuditEvent.objects.filter(object_id=str(pk), object_type="projects.project")
                  .values_list("action", flat=True))
    assert {"projects.create", "projects.delete"} <= actions


def test_coordinator_cannot_delete_but_can_edit(client: Client, world: World) -> None:
    client.force_login(world.coord)
    assert client.post(f"/projects/{world.project.pk}/delete").status_code == 404
    response = client.post(f"/projects/{world.project.pk}/edit", {
        "title": "Rehab glove v2", "summary": "", "summary_language": "en",
        "currency": "KRW", "confidentiality": "private",
        "coordinator": str(world.coordinator.pk)})
    assert response.status_code == 302
    world.project.refresh_from_db()
    assert world.project.title == "Rehab glove v2"
    assert world.project.summary == {}  # the English summary was cleared on purpose


def test_find_manufacturers_link_is_prefilled(client: Client, world: World) -> None:
    world.part.spec = {"quantity": 300}
    world.part.save()
    client.force_login(world.owner)
    page = client.get(f"/projects/{world.project.pk}/").content.decode()
    assert "<td>CNC milling</td>" in page  # the process label, not its letters
    # A project in business design does not filter by stage (directory/matching.py) ...
    assert ("/manufacturers/find?process=cnc_milling&amp;material=aluminum_6061&amp;"
            "quantity=300&amp;product_field=medical_welfare") in page
    # ... one in design for mass production does.
    Project.objects.filter(pk=world.project.pk).update(stage="dfm")
    page = client.get(f"/projects/{world.project.pk}/").content.decode()
    assert "quantity=300&amp;stage=dfm" in page


def test_coordinator_board_groups_by_stage_and_finds_stuck_projects(client: Client,
                                                                    world: World) -> None:
    Project.objects.filter(pk=world.project.pk).update(
        stage_changed_at=timezone.now() - timedelta(days=40))
    client.force_login(world.coord)
    response = client.get("/projects/coordinator")
    assert response.status_code == 200
    assert [p.pk for p in response.context["stuck"]] == [world.project.pk]
    column = next(c for c in response.context["columns"] if c["code"] == "business_design")
    assert [p.pk for p in column["projects"]] == [world.project.pk]
    assert client.get("/projects/coordinator?days=60").context["stuck"] == []
    assert client.get("/projects/coordinator?days=abc").status_code == 400
    client.force_login(world.other_coord)
    assert client.get("/projects/coordinator").context["count"] == 0
    client.force_login(world.owner)
    assert client.get("/projects/coordinator").status_code == 404


def test_upload_over_the_limit_is_refused(client: Client, world: World, settings: Any) -> None:
    settings.SHISAKU_MAX_UPLOAD_MB = 1
    client.force_login(world.owner)
    big = binary_stl(25_000)  # 1.25 MB
    response = client.post(f"/projects/{world.project.pk}/parts/{world.part.pk}/files",
                           {"kind": "cad", "file": SimpleUploadedFile("big.stl", big)})
    assert response.status_code == 400 and "the limit is 1 MB" in response.content.decode()


def test_removing_a_part_removes_its_files_after_commit(client: Client, world: World,
                                                       settings: Any,
                                                       django_capture_on_commit_callbacks: Any
                                                       ) -> None:
    stored = settings.MEDIA_ROOT / world.part_file.file.name
    assert stored.is_file()
    client.force_login(world.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/projects/{world.project.pk}/parts/{world.part.pk}/delete")
    assert response.status_code == 302
    assert not PartFile.objects.exists() and not stored.exists()


def test_a_tick_must_be_backed_by_the_data(client: Client, world: World) -> None:
    client.force_login(world.owner)
    url = f"/projects/{world.project.pk}/checklist"
    # The part has no spec yet: "specs complete" is refused, on the page and through htmx.
    response = client.post(url, {"item": "sr_specs_complete", "done": "1"})
    assert response.status_code == 400
    assert "not complete enough for: Finger housing" in response.content.decode()
    html = client.post(url, {"item": "sr_specs_complete", "done": "1"},
                       HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="checklist-error"' in html and "Finger housing" in html
    # The fixture's part has an STL: "files attached" is accepted.
    assert client.post(url, {"item": "sr_files", "done": "1"}).status_code == 302
    Project.objects.filter(pk=world.project.pk).update(target_unit_cost=None)
    assert client.post(url, {"item": "bd_target_price", "done": "1"}).status_code == 400


def test_forward_rechecks_the_data_behind_ticks(client: Client, world: World) -> None:
    client.force_login(world.owner)
    base = f"/projects/{world.project.pk}"
    for item in CHECKLISTS["business_design"]:
        client.post(f"{base}/checklist", {"item": item.key, "done": "1"})
    Project.objects.filter(pk=world.project.pk).update(target_unit_cost=None)
    response = client.post(f"{base}/stage", {"to_stage": "spec_review"})
    assert response.status_code == 400 and "target unit cost" in response.content.decode()


def test_coordinator_sets_the_rfq_threshold_of_their_programme(client: Client,
                                                              world: World) -> None:
    from shisaku.projects import selectors

    client.force_login(world.coord)
    assert client.get("/projects/coordinator").context["settings_rows"][0]["percent"] == 100
    response = client.post("/projects/coordinator/settings",
                           {"coordinator": world.coordinator.pk, "rfq_min_percent": "80"})
    assert response.status_code == 302
    assert selectors.rfq_threshold(world.project) == 0.8
    page = client.get(f"/projects/{world.project.pk}/").content.decode()
    assert "at 80% completeness" in page
    client.post("/projects/coordinator/settings",
                {"coordinator": world.coordinator.pk, "rfq_min_percent": "150"})
    assert selectors.rfq_threshold(world.project) == 0.8  # refused
    # Nobody else sets it: another coordinator, the startup.
    for user in (world.other_coord, world.owner):
        client.force_login(user)
        response = client.post("/projects/coordinator/settings",
                               {"coordinator": world.coordinator.pk, "rfq_min_percent": "10"})
        assert response.status_code == 404
    assert selectors.rfq_threshold(world.project) == 0.8
