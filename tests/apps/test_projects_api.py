"""`/api/v1/projects` as a client uses it: a project with three parts, completeness rising as
the spec is filled, stage moves, multipart uploads, and clear 422s for bad input."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shisaku.projects import selectors, services
from shisaku.projects.choices import CHECKLISTS
from shisaku.projects.models import Part, PartFile, Project
from tests.apps.test_projects_support import PDF, PNG, binary_stl, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api(client: Client) -> Client:
    user, _org = member("mina", "startup")
    client.force_login(user)
    return client


def send(client: Client, method: str, url: str, body: Any = None) -> Any:
    return getattr(client, method)(f"/api/v1/projects{url}", data=json.dumps(body or {}),
                                   content_type="application/json")


def detail(response: Any) -> dict[str, Any]:
    assert response.status_code == 422, response.content
    return response.json()["detail"][0]


def test_project_with_three_parts_completeness_rises_and_stages_move(api: Client) -> None:
    created = send(api, "post", "", {"title": "Rehab glove", "summary": {"ko": "재활 장갑"},
                                     "qty_pilot": 300, "qty_mass": 30000,
                                     "target_unit_cost": 45000, "currency": "KRW"})
    assert created.status_code == 201
    pid = created.json()["id"]
    assert created.json()["stage"] == "business_design"
    assert created.json()["history"][0]["to_stage"] == "business_design"
    part_ids = []
    for name, hints in (("Housing", ["cnc_milling"]), ("Cover", ["injection_molding"]),
                        ("Main board", ["pcb_fabrication", "pcb_assembly"])):
        r = send(api, "post", f"/{pid}/parts", {"name": name, "process_hints": hints})
        assert r.status_code == 201
        part_ids.append(r.json()["id"])
    scores = [api.get(f"/api/v1/projects/{pid}/completeness").json()["project"]]
    r = send(api, "patch", f"/{pid}/parts/{part_ids[0]}",
             {"material": "aluminum_6061", "tolerance_class": "m", "finish": "anodised",
              "spec": {"quantity": 300, "threads": "4 x M3"}})
    assert r.status_code == 200 and [m["field"] for m in r.json()["missing"]] == ["drawing"]
    scores.append(api.get(f"/api/v1/projects/{pid}/completeness").json()["project"])
    upload = api.post(f"/api/v1/projects/{pid}/parts/{part_ids[0]}/files",
                      {"kind": "drawing", "file": SimpleUploadedFile("housing.pdf", PDF)})
    assert upload.status_code == 201 and upload.json()["detected_type"] == "pdf"
    assert len(upload.json()["sha256"]) == 64
    r = send(api, "patch", f"/{pid}/parts/{part_ids[2]}",
             {"spec": {"layers": 4, "board_width_mm": 50, "board_height_mm": 30,
                       "component_count": 120, "assembly_sides": "top", "quantity": 300}})
    assert r.json()["completeness"] == 1.0 and r.json()["ready_for_rfq"]
    final = api.get(f"/api/v1/projects/{pid}/completeness").json()
    scores.append(final["project"])
    assert scores == sorted(scores) and scores[0] < scores[-1]
    assert final["threshold"] == 1.0
    assert [p["ready_for_rfq"] for p in final["parts"]] == [True, False, True]

    # Forward is refused until the checklist is ticked; then one step at a time.
    r = send(api, "post", f"/{pid}/stage", {"to_stage": "spec_review"})
    assert detail(r)["field"] == "to_stage" and "checklist" in detail(r)["reason"]
    for item in CHECKLISTS["business_design"]:
        assert send(api, "post", f"/{pid}/checklist", {"item": item.key}).status_code == 200
    r = send(api, "post", f"/{pid}/stage", {"to_stage": "spec_review"})
    assert r.status_code == 200 and r.json()["stage"] == "spec_review"
    assert [c["item"] for c in r.json()["checklist"]] == [
        i.key for i in CHECKLISTS["spec_review"]]
    assert detail(send(api, "post", f"/{pid}/stage", {"to_stage": "dfm"}))["field"] == "to_stage"
    assert detail(send(api, "post", f"/{pid}/stage",
                       {"to_stage": "business_design"}))["field"] == "note"
    r = send(api, "post", f"/{pid}/stage", {"to_stage": "business_design", "note": "pivot"})
    assert r.json()["stage"] == "business_design"
    assert [h["to_stage"] for h in r.json()["history"]] == [
        "business_design", "spec_review", "business_design"]


@pytest.mark.parametrize(("body", "field"), [
    ({"title": ""}, "title"),
    ({"title": "X", "qty_pilot": 0}, "qty_pilot"),
    ({"title": "X", "qty_mass": -30000}, "qty_mass"),
    ({"title": "X", "qty_small_lot": 2.5}, "qty_small_lot"),
    ({"title": "X", "qty_mass": 10**12}, "qty_mass"),
    ({"title": "X", "target_unit_cost": 0}, "target_unit_cost"),
    ({"title": "X", "currency": "GBP"}, "currency"),
    ({"title": "X", "product_field": "toys"}, "product_field"),
    ({"title": "X", "summary": {"fr": "bonjour"}}, "summary"),
    ({"title": "X", "deadline": "next week"}, "deadline"),
    ({"title": "X", "coordinator": 999999}, "coordinator"),
    ({"title": "X", "confidentiality": "public"}, "confidentiality"),
])
def test_bad_project_input_is_a_422_naming_the_field(api: Client, body: dict[str, Any],
                                                     field: str) -> None:
    assert detail(send(api, "post", "", body))["field"] == field
    assert not Project.objects.exists()


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "X", "quantity_per_unit": 0}, "quantity_per_unit"),
    ({"name": "X", "quantity_per_unit": -1}, "quantity_per_unit"),
    ({"name": "X", "process_hints": ["laser_welding_magic"]}, "process"),
    ({"name": "X", "process_hints": "cnc_milling"}, "process_hints"),
    ({"name": "X", "material": "unobtainium"}, "material"),
    ({"name": "X", "tolerance_mm": 0}, "tolerance_mm"),
    ({"name": "X", "tolerance_mm": -0.05}, "tolerance_mm"),
    ({"name": "X", "tolerance_mm": 25}, "tolerance_mm"),
    ({"name": "X", "tolerance_mm": 0.0000001}, "tolerance_mm"),
    ({"name": "X", "tolerance_class": "x"}, "tolerance_class"),
    ({"name": "X", "spec": {"quantity": 0}}, "spec.quantity"),
    ({"name": "X", "spec": {"layers": "many"}}, "spec.layers"),
    ({"name": "X", "spec": {"wishes": "cheap"}}, "spec.wishes"),
])
def test_bad_part_input_is_a_422_naming_the_field(api: Client, body: dict[str, Any],
                                                  field: str) -> None:
    pid = send(api, "post", "", {"title": "P"}).json()["id"]
    assert detail(send(api, "post", f"/{pid}/parts", body))["field"] == field
    assert not Part.objects.exists()


def test_unknown_process_code_lists_the_valid_ones(api: Client) -> None:
    pid = send(api, "post", "", {"title": "P"}).json()["id"]
    d = detail(send(api, "post", f"/{pid}/parts", {"name": "X", "process_hints": ["nope"]}))
    assert "cnc_milling" in d["valid"]


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "not a model")
    return buf.getvalue()


@pytest.mark.parametrize(("name", "data", "kind", "reason"), [
    ("evil.stl", _zip_bytes(), "cad", "named .stl but the content is a ZIP archive"),
    ("drawing.pdf", b"%PDX-1.7 fake", "drawing", "named .pdf"),
    ("cut.stl", binary_stl(20)[:-13], "cad", "binary STL damaged"),
    ("photo.png", PNG, "cad", "not accepted as a 3D model"),
    ("model.stl", binary_stl(), "blueprint", "unknown value"),
])
def test_refused_uploads_are_422_and_leave_nothing(api: Client, settings: Any, name: str,
                                                   data: bytes, kind: str, reason: str) -> None:
    pid = send(api, "post", "", {"title": "P"}).json()["id"]
    qid = send(api, "post", f"/{pid}/parts", {"name": "X"}).json()["id"]
    r = api.post(f"/api/v1/projects/{pid}/parts/{qid}/files",
                 {"kind": kind, "file": SimpleUploadedFile(name, data)})
    d = detail(r)
    assert d["field"] in ("file", "kind") and reason in d["reason"]
    assert not PartFile.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_failing_database_write_removes_the_stored_file(api: Client, settings: Any,
                                                         monkeypatch: Any) -> None:
    pid = send(api, "post", "", {"title": "P"}).json()["id"]
    qid = send(api, "post", f"/{pid}/parts", {"name": "X"}).json()["id"]

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "audit_record", broken)
    part = Part.objects.get(pk=qid)
    with pytest.raises(RuntimeError):
        services.part_file_add(actor=None, part=part, kind="cad",
                               upload=SimpleUploadedFile("ok.stl", binary_stl()))
    assert not PartFile.objects.exists()
    assert not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))


def test_delete_is_soft_and_hides_the_project(api: Client) -> None:
    pid = send(api, "post", "", {"title": "P"}).json()["id"]
    assert api.delete(f"/api/v1/projects/{pid}").status_code == 204
    assert api.get(f"/api/v1/projects/{pid}").status_code == 404
    assert api.get("/api/v1/projects").json() == []
    assert Project.objects.get(pk=pid).deleted_at is not None


def test_part_spec_patch_merges_and_blank_removes(api: Client) -> None:
    pid = send(api, "post", "", {"title": "P"}).json()["id"]
    qid = send(api, "post", f"/{pid}/parts", {"name": "X", "process_hints": ["sheet_metal"],
                                              "spec": {"thickness_mm": 1.5}}).json()["id"]
    r = send(api, "patch", f"/{pid}/parts/{qid}", {"spec": {"bend_count": 4}})
    assert r.json()["spec"] == {"thickness_mm": 1.5, "bend_count": 4}
    r = send(api, "patch", f"/{pid}/parts/{qid}", {"spec": {"thickness_mm": ""}})
    assert r.json()["spec"] == {"bend_count": 4}


def test_rfq_threshold_comes_from_the_coordinator(api: Client) -> None:
    coord_user, coordinator = member("coord", "coordinator")
    pid = send(api, "post", "", {"title": "P", "coordinator": coordinator.pk}).json()["id"]
    qid = send(api, "post", f"/{pid}/parts", {"name": "X", "process_hints": ["firmware"],
                                              "spec": {"target_mcu": "ESP32",
                                                       "interfaces": "BLE"}}).json()["id"]
    part = Part.objects.get(pk=qid)
    assert not selectors.part_ready_for_rfq(part)  # 3 of 4 required: 0.75 < 1.0
    services.programme_settings_set(actor=coord_user, coordinator=coordinator,
                                    rfq_min_completeness=0.7)
    assert selectors.part_ready_for_rfq(part)
    assert api.get(f"/api/v1/projects/{pid}/parts/{qid}").json()["ready_for_rfq"]


def test_idempotency_key_makes_create_retries_safe(api: Client) -> None:
    def create(key: str, title: str = "Glove") -> Any:
        return api.post("/api/v1/projects", data=json.dumps({"title": title}),
                        content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)

    first, retry = create("k-1"), create("k-1", title="Glove (retry)")
    assert first.status_code == retry.status_code == 201
    assert first.json()["id"] == retry.json()["id"]
    assert Project.objects.count() == 1 and Project.objects.get().title == "Glove"
    assert create("k-2").json()["id"] != first.json()["id"]
    pid = first.json()["id"]
    parts = [api.post(f"/api/v1/projects/{pid}/parts", data=json.dumps({"name": "Lid"}),
                      content_type="application/json", HTTP_IDEMPOTENCY_KEY="p-1")
             for _ in range(2)]
    assert parts[0].json()["id"] == parts[1].json()["id"]
    assert Part.objects.count() == 1
    assert detail(create("x" * 65))["field"] == "Idempotency-Key"
