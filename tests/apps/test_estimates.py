"""Estimates from real CAD files through the page and the API; bad files are refused cleanly."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shisaku.accounts.models import User
from shisaku.estimates.models import Estimate

pytestmark = pytest.mark.django_db
PARTS = Path(__file__).resolve().parents[1] / "data" / "parts"


@pytest.fixture
def user_client(client: Client, settings: Any, tmp_path: Path) -> Client:
    settings.MEDIA_ROOT = tmp_path / "media"
    user = User.objects.create_user("est", "est@example.org", "a long enough password 1")
    client.force_login(user)
    return client


def upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else (PARTS / name).read_bytes())


def test_page_estimates_a_real_part_and_stores_it(user_client: Client) -> None:
    response = user_client.post("/estimate/", {
        "file": upload("plate_holes.STL"), "units": "auto", "quantities": "10, 300, 5000",
        "region": "KR", "client_country": "KR", "target_unit_cost": "20"})
    assert response.status_code == 302, response.content.decode()[:3000]
    estimate = Estimate.objects.get()
    assert estimate.engine_version and len(estimate.parameters_sha256) == 64
    assert [row["quantity"] for row in estimate.result["plan"]] == [10, 300, 5000]
    assert estimate.result["geometry"]["units_assumed"] == "mm"
    page = user_client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and '/chart.svg"' in html and 'data-testid="plan"' in html


def test_inch_part_is_recognised(user_client: Client) -> None:
    user_client.post("/estimate/", {"file": upload("angle_block.STL"), "units": "auto",
                                    "quantities": "100", "region": "KR",
                                    "client_country": "KR"})
    assert Estimate.objects.get().result["geometry"]["units_assumed"] == "inch"


@pytest.mark.parametrize("name, data, reason", [
    ("part.stl", b"", "empty"),
    ("part.stl", None, "STL"),
    ("part.stl", b"solid x\nfacet normal 0 0 1\n", ""),
    ("drawing.pdf", b"%PDF-1.4 hello", "CAD file"),
])
def test_bad_files_are_refused_and_nothing_is_stored(user_client: Client, name: str,
                                                     data: bytes | None, reason: str) -> None:
    if data is None:  # a zip archive named .stl
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            zf.writestr("inner.txt", "not a mesh")
        data = buffer.getvalue()
    response = user_client.post("/estimate/", {"file": upload(name, data), "units": "auto",
                                               "quantities": "10", "region": "KR",
                                               "client_country": "KR"})
    assert response.status_code == 400
    assert Estimate.objects.count() == 0
    if reason:
        assert reason.lower() in response.content.decode().lower()


def test_oversize_upload_is_refused(user_client: Client, settings: Any) -> None:
    settings.SHISAKU_MAX_UPLOAD_MB = 1
    big = (PARTS / "1002_tray_bottom.STL").read_bytes()
    assert len(big) > 1024 * 1024
    response = user_client.post("/estimate/", {"file": upload("tray.stl", big), "units": "mm",
                                               "quantities": "10", "region": "KR",
                                               "client_country": "KR"})
    assert response.status_code == 400 and "MB" in response.content.decode()


def test_api_creates_and_reads_back(user_client: Client) -> None:
    response = user_client.post("/api/v1/estimates", {
        "file": upload("plate_holes.STL"), "quantities": "1,100", "processes": "cnc_milling"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert {e["process"] for e in body["result"]["estimates"]} == {"cnc_milling"}
    again = user_client.get(f"/api/v1/estimates/{body['id']}")
    assert again.json()["sha256"] == body["sha256"]


def test_api_rejects_unknown_process_and_bad_quantities(user_client: Client) -> None:
    r = user_client.post("/api/v1/estimates", {"file": upload("plate_holes.STL"),
                                                "processes": "laser_welding"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "process"
    r = user_client.post("/api/v1/estimates", {"file": upload("plate_holes.STL"),
                                                "quantities": "10,-3"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "quantities"


def test_estimates_are_private(user_client: Client) -> None:
    user_client.post("/api/v1/estimates", {"file": upload("plate_holes.STL"), "quantities": "10"})
    estimate = Estimate.objects.get()
    other = Client()
    assert other.get(f"/api/v1/estimates/{estimate.pk}").status_code == 401
    assert other.get(f"/estimate/{estimate.pk}/").status_code == 302
    stranger = User.objects.create_user("x", "x@example.org", "a long enough password 2")
    other.force_login(stranger)
    assert other.get(f"/api/v1/estimates/{estimate.pk}").status_code == 404
    assert other.get(f"/estimate/{estimate.pk}/").status_code == 404


def test_part_panel_estimates_the_stored_cad_file(client: Client, settings: Any,
                                                  tmp_path: Path) -> None:
    """From a project part's CAD file: quantities from the project's phases, private to those
    who may see the project."""
    from shisaku.projects.services import part_file_add
    from tests.apps.test_projects_support import make_world

    settings.MEDIA_ROOT = tmp_path / "media"
    world = make_world()
    client.force_login(world.owner)
    page = client.get(f"/projects/{world.project.pk}/").content.decode()
    assert 'data-testid="estimate-part"' in page
    # The world's own file is two flat facets: refused with a message, nothing stored.
    response = client.post(f"/estimate/part-file/{world.part_file.pk}", follow=True)
    assert "a solid needs at least 4" in response.content.decode()
    assert Estimate.objects.count() == 0
    real = part_file_add(actor=world.owner, part=world.part, kind="cad",
                         upload=upload("plate_holes.STL"))
    response = client.post(f"/estimate/part-file/{real.pk}")
    assert response.status_code == 302, response.content[:500]
    estimate = Estimate.objects.get()
    assert estimate.part_file == real
    assert estimate.options["quantities"] == [300, 5000, 30000]  # pilot, small lot, mass
    assert {e["process"] for e in estimate.result["estimates"]} == {"cnc_milling"}
    coordinator = Client()
    coordinator.force_login(world.coord)
    assert coordinator.get(f"/estimate/{estimate.pk}/").status_code == 200
    rival = Client()
    rival.force_login(world.other_startup)
    assert rival.get(f"/estimate/{estimate.pk}/").status_code == 404
    assert rival.post(f"/estimate/part-file/{real.pk}").status_code == 404
    assert Estimate.objects.count() == 1


def test_page_api_and_cli_agree_on_the_plan(user_client: Client, capsys: Any) -> None:
    import json

    from shisaku.cli import main

    path = PARTS / "angle_block.STL"
    assert main(["estimate", str(path), "--qty", "10,300,5000", "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    api = user_client.post("/api/v1/estimates", {"file": upload("angle_block.STL"),
                                                  "quantities": "10,300,5000"}).json()
    user_client.post("/estimate/", {"file": upload("angle_block.STL"), "units": "auto",
                                    "quantities": "10, 300, 5000", "region": "KR",
                                    "client_country": "KR"})
    page = Estimate.objects.order_by("-id").first()
    assert page is not None

    def plan(result: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [(r["quantity"], r["process"], r["region"], r["unit_cost"])
                for r in result["plan"]]

    assert plan(cli) == plan(api["result"]) == plan(page.result)
    assert cli["geometry"]["volume_mm3"] == pytest.approx(api["result"]["geometry"]["volume_mm3"])
