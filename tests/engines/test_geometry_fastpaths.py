"""The analysis' fast paths against their simple references (the estimate bench's speed-ups,
docs/PERFORMANCE.md): plane grouping, stock minus part without the boolean, and the pull axis
chosen without casting side-action rays for the axes it does not choose."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import manifold3d
import numpy as np
import pytest
import trimesh
from hypothesis import given, settings
from hypothesis import strategies as st

from shisaku.engines.geometry import load_part
from shisaku.engines.geometry.features import plane_groups
from shisaku.engines.geometry.measure import projected_area, removal_volume, sample_surface
from shisaku.engines.geometry.moulding import AXES, mould_analysis, undercut_analysis
from shisaku.engines.geometry.rays import RayCaster

PARTS = Path(__file__).resolve().parents[1] / "data" / "parts"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(-20, 20), st.integers(-20, 20), st.integers(-20, 20),
                          st.integers(-10**6, 10**6)), min_size=1, max_size=300))
def test_plane_groups_equal_numpy_row_unique(rows: list[tuple[int, int, int, int]]) -> None:
    keys = np.asarray(rows, dtype=np.int64)
    uniq, inverse = plane_groups(keys)
    ref_uniq, ref_inverse = np.unique(keys, axis=0, return_inverse=True)
    ref_inverse = ref_inverse.ravel()
    # the same groups (possibly in another order): each row maps to its own key's group
    assert sorted(map(tuple, uniq.tolist())) == sorted(map(tuple, ref_uniq.tolist()))
    assert np.array_equal(uniq[inverse], keys)
    assert np.array_equal(ref_uniq[ref_inverse], keys)


def _perforated(x: float, y: float, z: float, wall: float, holes: int) -> trimesh.Trimesh:
    outer = manifold3d.Manifold.cube((x, y, z))
    inner = manifold3d.Manifold.cube((x - 2 * wall, y - 2 * wall, z)).translate(
        (wall, wall, wall))
    body = outer - inner
    for i in range(holes):
        hole = manifold3d.Manifold.cylinder(4 * wall, 0.2 * min(x, y) / (holes + 1), -1.0, 12)
        body = body - hole.translate(((i + 1) * x / (holes + 1), y / 2, -wall))
    m = body.to_mesh()
    return trimesh.Trimesh(vertices=np.asarray(m.vert_properties)[:, :3],
                           faces=np.asarray(m.tri_verts))


@settings(max_examples=25, deadline=None)
@given(st.floats(20, 200), st.floats(20, 150), st.floats(5, 60), st.floats(1, 4),
       st.integers(0, 5), st.sampled_from([2.0, 3.0]))
def test_stock_minus_one_body_equals_the_boolean(x: float, y: float, z: float, wall: float,
                                                 holes: int, allowance: float) -> None:
    mesh = _perforated(x, y, z, wall, holes)
    fast = removal_volume(mesh, allowance, single_body=True)
    reference = removal_volume(mesh, allowance, single_body=False)
    assert reference["method"].startswith("manifold3d boolean")
    assert fast["removal_volume_mm3"] == pytest.approx(reference["removal_volume_mm3"],
                                                       rel=1e-9, abs=1e-3)


def _reference_mould_choice(mesh: Any, samples: Any, caster: RayCaster) -> dict[str, Any]:
    """The axis choice as it was: every axis measured with its side actions."""
    projected = {AXES[a]: projected_area(mesh, a) for a in range(3)}
    step = len(samples.points) // 500
    subset = type(samples)(samples.points[::step], samples.faces[::step],
                           samples.normals[::step], samples.area_per_sample * step)
    results = {a: undercut_analysis(mesh, subset, caster, a, side_actions=True)
               for a in range(3)}
    best = min(range(3), key=lambda a: (round(results[a]["undercut_area_mm2"], 1),
                                        -projected[AXES[a]]))
    return undercut_analysis(mesh, samples, caster, best) | {"pull_axis": AXES[best]}


@pytest.mark.parametrize("name", ["plate_holes.STL", "1002_tray_bottom.STL", "angle_block.STL",
                                  "idler_riser.STL", "octagonal_pocket.stl"])
def test_pull_axis_and_side_actions_equal_the_all_axes_reference(name: str) -> None:
    mesh = load_part(PARTS / name).mesh
    samples = sample_surface(mesh, 1500)
    caster = RayCaster(np.asarray(mesh.triangles, dtype=np.float64))
    projected = {AXES[a]: projected_area(mesh, a) for a in range(3)}
    fast = mould_analysis(mesh, samples, caster, projected)
    reference = _reference_mould_choice(mesh, samples, caster)
    for key in ("pull_axis", "undercut_area_mm2", "undercut_samples", "side_actions"):
        assert fast[key] == reference[key], key
