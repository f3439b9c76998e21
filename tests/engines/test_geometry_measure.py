"""Measurements on solids with known answers and on the shared parts; the ray caster against
its brute-force reference; DFM findings."""

from __future__ import annotations

from pathlib import Path

import manifold3d
import numpy as np
import pytest
import trimesh
from hypothesis import given, settings
from hypothesis import strategies as st

from shisaku.engines.geometry import (
    LoadedPart,
    RayCaster,
    analyse,
    dfm_findings,
    first_hit_bruteforce,
    load_part,
    projected_area,
)

PARTS = Path(__file__).resolve().parents[1] / "data" / "parts"


def _part(mesh: trimesh.Trimesh) -> LoadedPart:
    return LoadedPart(mesh=mesh, file_format="stl", units_assumed="mm", units_source="user",
                      bodies=int(mesh.body_count))


def _manifold_to_mesh(m: manifold3d.Manifold) -> trimesh.Trimesh:
    out = m.to_mesh()
    return trimesh.Trimesh(vertices=np.asarray(out.vert_properties)[:, :3],
                           faces=np.asarray(out.tri_verts))


def hollow_box(x: float, y: float, z: float, wall: float) -> trimesh.Trimesh:
    outer = manifold3d.Manifold.cube((x, y, z))
    inner = manifold3d.Manifold.cube((x - 2 * wall, y - 2 * wall, z - 2 * wall)).translate(
        (wall, wall, wall)
    )
    return _manifold_to_mesh(outer - inner)


def open_tray(x: float, y: float, z: float, wall: float) -> trimesh.Trimesh:
    outer = manifold3d.Manifold.cube((x, y, z))
    inner = manifold3d.Manifold.cube((x - 2 * wall, y - 2 * wall, z)).translate((wall, wall, wall))
    return _manifold_to_mesh(outer - inner)


def test_box_measures_exactly() -> None:
    g = analyse(_part(trimesh.creation.box(extents=(40.0, 30.0, 20.0))))
    assert g["volume_mm3"] == pytest.approx(24000.0)
    assert g["area_mm2"] == pytest.approx(2 * (1200 + 600 + 800))
    assert g["bbox_mm"] == pytest.approx([40.0, 30.0, 20.0])
    assert g["watertight"] and g["bodies"] == 1
    # rasterised silhouettes: within a pixel row of the exact area
    assert g["projected_area_mm2"] == pytest.approx({"x": 600.0, "y": 800.0, "z": 1200.0}, rel=5e-3)
    stock = 44 * 34 * 24
    assert g["machining"]["removal_volume_mm3"] == pytest.approx(stock - 24000.0, rel=1e-6)
    assert g["machining"]["method"].startswith("manifold3d")
    assert g["moulding"]["undercut_area_mm2"] == 0.0
    assert g["through_holes"] == 0


def test_hollow_box_wall_thickness() -> None:
    g = analyse(_part(hollow_box(50.0, 30.0, 20.0, 3.0)))
    wall = g["wall_thickness_mm"]
    assert wall["p10"] == pytest.approx(3.0, abs=1e-3)
    assert wall["p50"] == pytest.approx(3.0, abs=1e-3)
    assert wall["p90"] == pytest.approx(3.0, abs=1e-3)
    assert g["volume_mm3"] == pytest.approx(50 * 30 * 20 - 44 * 24 * 14)


def test_open_tray_draft_and_sheet_candidate() -> None:
    g = analyse(_part(open_tray(120.0, 80.0, 25.0, 1.5)), pull_axis="z")
    mould = g["moulding"]
    # every vertical wall has zero draft along z: outer and inner side walls
    walls = 2 * (120 + 80) * 25 + 2 * (117 + 77) * 23.5
    assert mould["no_draft_area_mm2"] == pytest.approx(walls, rel=1e-6)
    assert mould["undercut_area_mm2"] == 0.0
    assert g["sheet_metal"]["candidate"]
    assert g["sheet_metal"]["thickness_mm"] == pytest.approx(1.5, abs=1e-3)
    assert g["sheet_metal"]["bends"] == 4  # floor and four walls: five flanges


def test_side_groove_is_an_undercut() -> None:
    block = manifold3d.Manifold.cube((40.0, 40.0, 20.0))
    groove = manifold3d.Manifold.cube((50.0, 10.0, 4.0)).translate((-5.0, -5.0, 8.0))
    mesh = _manifold_to_mesh(block - groove)
    g = analyse(_part(mesh), pull_axis="z", samples=3000)
    mould = g["moulding"]
    # the groove's floor and ceiling face ±z under overhanging material: 2 x 40 x 5 mm²
    assert mould["undercut_area_mm2"] == pytest.approx(400.0, rel=0.25)
    assert mould["side_actions"] >= 1
    assert analyse(_part(mesh), pull_axis="y")["moulding"]["undercut_area_mm2"] == 0.0


def test_cylinder_is_a_turning_candidate_and_box_is_not() -> None:
    cyl = trimesh.creation.cylinder(radius=12.0, height=60.0, sections=64)
    g = analyse(_part(cyl))
    assert g["turning"]["candidate"]
    assert g["turning"]["axis"] == "z"
    assert g["turning"]["diameter_mm"] == pytest.approx(24.0, rel=1e-3)
    assert not analyse(_part(trimesh.creation.box(extents=(20, 20, 60))))["turning"]["candidate"]


def test_shared_tray_is_a_plate_and_the_plate_with_holes_is_not() -> None:
    tray = analyse(load_part(PARTS / "1002_tray_bottom.STL"))
    assert tray["sheet_metal"]["candidate"]
    assert tray["wall_thickness_mm"]["p50"] == pytest.approx(3.175, abs=1e-3)
    # volume = silhouette x thickness for a flat plate (independent of the mesh volume)
    assert tray["volume_mm3"] == pytest.approx(tray["projected_area_mm2"]["y"] * 3.175, rel=0.01)
    plate = analyse(load_part(PARTS / "plate_holes.STL"))
    assert not plate["sheet_metal"]["candidate"]
    assert plate["wall_thickness_mm"]["p50"] == pytest.approx(12.7, abs=1e-3)
    assert plate["through_holes"] == 5


def test_projected_area_of_a_disc_and_a_ring() -> None:
    cyl = trimesh.creation.cylinder(radius=10.0, height=5.0, sections=128)
    exact = 0.5 * 128 * 100 * np.sin(2 * np.pi / 128)
    assert projected_area(cyl, 2, resolution=400) == pytest.approx(exact, rel=0.01)
    ring = trimesh.creation.annulus(r_min=5.0, r_max=10.0, height=5.0, sections=128)
    ring_exact = exact * (1 - 0.25)
    assert projected_area(ring, 2, resolution=400) == pytest.approx(ring_exact, rel=0.02)


def test_dfm_findings_explain_the_problems() -> None:
    g = analyse(load_part(PARTS / "featuretype.STL"))
    rules = {
        "injection_molding": {"min_wall_mm": 0.8, "envelope_mm": [100, 100, 100]},
        "fdm_printing": {"min_wall_mm": 2.0, "envelope_mm": [250, 210, 210]},
    }
    checks = {f["check"] for f in dfm_findings(g, rules)}
    assert {"units_guessed", "thick_sections", "undercuts", "missing_draft", "too_large"} <= checks
    for f in dfm_findings(g, rules):
        assert f["severity"] in ("info", "warning", "error") and f["message"]
    g2 = {"watertight": False, "bbox_mm": [10, 10, 10]}
    assert "non_watertight" in {f["check"] for f in dfm_findings(g2, {})}


SPHERE = trimesh.creation.icosphere(subdivisions=3, radius=10.0)
PLATE = _manifold_to_mesh(
    manifold3d.Manifold.cube((30.0, 20.0, 4.0))
    - manifold3d.Manifold.cylinder(10.0, 3.0, 3.0, 24).translate((15.0, 10.0, -3.0))
)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    mesh_index=st.sampled_from([0, 1]),
    pieces=st.sampled_from([None, 0.7, 3.0]),
)
def test_ray_caster_agrees_with_brute_force(seed: int, mesh_index: int, pieces: float | None) -> None:
    mesh = (SPHERE, PLATE)[mesh_index]
    rng = np.random.default_rng(seed)
    lo, hi = mesh.bounds
    origins = rng.uniform(lo - 2, hi + 2, size=(60, 3))
    dirs = rng.normal(size=(60, 3))
    dirs /= np.linalg.norm(dirs, axis=1)[:, None]
    caster = RayCaster(np.asarray(mesh.triangles))
    caster.dense_pairs = 0  # exercise the indexed path
    reach = float(np.linalg.norm(hi - lo)) + 10
    dist, face = caster.first_hit(origins, dirs, t_max=reach, piece_length=pieces)
    ref_dist, _ = first_hit_bruteforce(np.asarray(mesh.triangles), origins, dirs, t_max=reach)
    assert np.array_equal(np.isfinite(dist), np.isfinite(ref_dist))
    ok = np.isfinite(ref_dist)
    assert np.allclose(dist[ok], ref_dist[ok], atol=1e-9)
    assert np.all(face[~ok] == -1)
    dense = RayCaster(np.asarray(mesh.triangles)).first_hit(origins, dirs, t_max=reach)[0]
    assert np.allclose(np.where(ok, dense, 0), np.where(ok, ref_dist, 0), atol=1e-9)


def test_edge_samples_are_excluded_from_wall_thickness() -> None:
    from shisaku.engines.geometry.measure import sample_surface, wall_thickness

    mesh = load_part(PARTS / "plate_holes.STL").mesh
    samples = sample_surface(mesh, 3000)
    caster = RayCaster(np.asarray(mesh.triangles))
    kept = wall_thickness(mesh, samples, caster)
    everything = wall_thickness(mesh, samples, caster, exclude_edges=False)
    assert kept["p95"] == pytest.approx(12.7, abs=0.01)
    assert kept["max"] < 20  # rim faces (the plate's width) are not walls
    assert everything["max"] > 200
    assert kept["kept"] < everything["kept"]
