"""The 3D preview's data: a decimated mesh with the faces of the findings marked, served as JSON
to those who may see the estimate; three.js is served from the installed wheel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import trimesh
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shisaku.accounts.models import User
from shisaku.engines.geometry import load_part, preview_mesh
from shisaku.estimates.models import Estimate


def _housing_with_side_hole() -> Any:
    box = trimesh.creation.box(extents=[100, 60, 40])
    box.apply_translation([50, 30, 20])
    inner = trimesh.creation.box(extents=[95, 55, 40])
    inner.apply_translation([50, 30, 22.5])
    hole = trimesh.creation.cylinder(radius=5, height=20, sections=32)
    hole.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, [0, 1, 0]))
    hole.apply_translation([0, 30, 20])
    return trimesh.boolean.difference([box, inner, hole], engine="manifold")


def test_large_meshes_are_decimated_for_the_preview() -> None:
    sphere = trimesh.creation.icosphere(subdivisions=6, radius=30)  # 81,920 triangles
    part = load_part(sphere.export(file_type="stl"), filename="s.stl", units="mm")
    out = preview_mesh(part.mesh, {}, max_faces=8000)
    assert out["source_faces"] == 81920 and 500 < out["faces"] <= 8000
    assert len(out["positions"]) == 9 * out["faces"] == 9 * len(out["face_kind"])
    assert out["bbox_mm"] == pytest.approx([60, 60, 60], rel=0.05)


@pytest.fixture
def user_client(client: Client, settings: Any, tmp_path: Path, db: Any) -> Client:
    settings.MEDIA_ROOT = tmp_path / "media"
    user = User.objects.create_user("prev", "p@example.org", "a long enough password 1")
    client.force_login(user)
    return client


def test_mesh_endpoint_marks_the_undercut_faces(user_client: Client) -> None:
    data = _housing_with_side_hole().export(file_type="stl")
    response = user_client.post("/estimate/", {
        "file": SimpleUploadedFile("h.stl", data), "units": "mm", "quantities": "1000",
        "region": "KR", "client_country": "KR", "processes": ["injection_molding"]})
    assert response.status_code == 302
    estimate = Estimate.objects.get()
    page = user_client.get(response["Location"]).content.decode()
    assert f'data-mesh-url="/estimate/{estimate.pk}/mesh.json"' in page
    assert "<script>" not in page and 'type="module"' in page  # no inline script (CSP)
    mesh = user_client.get(f"/estimate/{estimate.pk}/mesh.json").json()
    assert mesh["highlighted"].get("undercut", 0) > 0
    assert sum(1 for k in mesh["face_kind"] if k == 1) == mesh["highlighted"]["undercut"]
    stranger = Client()
    stranger.force_login(User.objects.create_user("s2", "s2@example.org",
                                                  "a long enough password 2"))
    assert stranger.get(f"/estimate/{estimate.pk}/mesh.json").status_code == 404


def test_three_js_is_served_from_the_installed_package(client: Client, db: Any) -> None:
    from django.contrib.staticfiles import finders

    found = finders.find("three/three.module.min.js")
    assert (found and "site-packages" in str(found)) or "dist-packages" in str(found)
    assert "Three.js Authors" in Path(found).read_text(encoding="utf-8")[:300]
    assert not finders.find("three/web-ifc.wasm")
