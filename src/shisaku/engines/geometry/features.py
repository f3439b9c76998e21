"""Features that change a process's cost: sheet-metal flanges and bends, deep pockets and sharp
internal corners for milling, the share of thin walls, and the points that show each finding
on the part (the 3D preview highlights the faces nearest to them). Lengths in mm.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from shisaku.engines.geometry.rays import RayCaster

__all__ = [
    "THIN_LADDER_MM",
    "count_flanges",
    "milling_features",
    "plane_groups",
    "points_of",
    "thin_shares",
]

FloatArray = NDArray[np.float64]
# minimum walls of the processes are looked up on this ladder (share of samples below each)
THIN_LADDER_MM = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0, 1.2, 1.5, 2.0, 2.5, 3.0)
MAX_POINTS = 300  # highlight points kept per finding


def thin_shares(values: FloatArray, samples: int) -> dict[str, float]:
    """Share of the surface (of all ``samples``, which are area-weighted) whose measured wall
    is thinner than each step of :data:`THIN_LADDER_MM`."""
    if len(values) == 0 or samples <= 0:
        return {}
    return {f"{t:g}": round(float(np.sum(values < t)) / samples, 5) for t in THIN_LADDER_MM}


def points_of(points: FloatArray, mask: NDArray[np.bool_] | None = None) -> list[list[float]]:
    """Up to MAX_POINTS points (mm, rounded) for the preview's highlights."""
    chosen = points if mask is None else points[mask]
    if len(chosen) > MAX_POINTS:
        chosen = chosen[:: math.ceil(len(chosen) / MAX_POINTS)]
    return [[round(float(x), 3) for x in p] for p in chosen]


def plane_groups(keys: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The distinct rows of ``keys`` (n, 4: normal steps in [-20, 20], offset step) and each
    row's group, as ``np.unique(keys, axis=0, return_inverse=True)`` gives them up to the order
    of the groups, ~10x faster: the rows are packed into one int64 (normal steps in base 41,
    offset shifted to start at 0) and sorted once. Falls back to the row-wise unique when the
    offsets span too much to pack (never for parts under kilometres)."""
    if len(keys) == 0:
        return keys.reshape(0, 4), np.zeros(0, dtype=np.int64)
    normal = (keys[:, 0] + 20) * 41 * 41 + (keys[:, 1] + 20) * 41 + (keys[:, 2] + 20)
    offset = keys[:, 3] - keys[:, 3].min()
    if int(offset.max()) >= (2**62) // (41**3):
        uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
        return uniq, inverse.ravel()
    packed = offset * (41**3) + normal
    _, first, inverse = np.unique(packed, return_index=True, return_inverse=True)
    return keys[first], inverse.ravel()


def count_flanges(mesh: Any, thickness_mm: float, area_mm2: float) -> int:
    """Flat flanges of a sheet part: pairs of large planes facing apart one thickness apart.

    Faces are grouped into planes (normal in 0.05 steps, offset in 2 % of t); a plane is one
    side of a flange when an anti-parallel plane lies at the sheet thickness (±20 %) on its
    inner side. Rim faces (one thickness wide) have no such partner. Planes under 0.5 % of the
    surface are ignored. A flat plate has 1 flange, an L-bracket 2, an open box 5.
    """
    normals = np.asarray(mesh.face_normals, dtype=np.float64)
    areas = np.asarray(mesh.area_faces, dtype=np.float64)
    offsets = np.einsum("ij,ij->i", normals, np.asarray(mesh.triangles_center))
    step = max(0.02 * thickness_mm, 1e-6)
    q = np.round(normals / 0.05).astype(np.int64)
    keys = np.column_stack([q, np.round(offsets / step).astype(np.int64)])
    uniq, inverse = plane_groups(keys)
    plane_area = np.bincount(inverse.ravel(), weights=areas)
    big = np.flatnonzero(plane_area >= 0.005 * area_mm2)
    if len(big) == 0:
        return 0
    pn = uniq[big, :3].astype(np.float64) * 0.05
    pn /= np.maximum(np.linalg.norm(pn, axis=1, keepdims=True), 1e-12)
    po = uniq[big, 3].astype(np.float64) * step
    paired = np.zeros(len(big), dtype=bool)
    for i in range(len(big)):
        anti = pn @ pn[i] < -0.99
        # the partner's plane n'·x = o' with n' = -n lies at n·x = o - t (behind this face)
        gap = po[i] + po  # = o_i - (n_i·x on the partner) = thickness when facing apart
        near = anti & (np.abs(gap - thickness_mm) <= 0.2 * thickness_mm + step)
        paired[i] = bool(np.any(near))
    return int(paired.sum()) // 2


def _concave_sharp_edges(mesh: Any, axis: int) -> tuple[int, float]:
    """Concave edges bent by more than 30° that run along ``axis`` (±10°), and their length:
    internal corners a cutter on that axis cannot make sharp."""
    if not len(mesh.face_adjacency):
        return 0, 0.0
    angles = np.asarray(mesh.face_adjacency_angles)
    concave = ~np.asarray(mesh.face_adjacency_convex, dtype=bool)
    edges = np.asarray(mesh.vertices)[np.asarray(mesh.face_adjacency_edges)]
    vec = edges[:, 1] - edges[:, 0]
    length = np.linalg.norm(vec, axis=1)
    along = np.abs(vec[:, axis]) >= math.cos(math.radians(10)) * np.maximum(length, 1e-12)
    sharp = concave & (angles > math.radians(30)) & along & (length > 0)
    if not np.any(sharp):
        return 0, 0.0
    # a corner tessellated into several collinear edges is one corner: group by position
    mid = (edges[sharp, 0] + edges[sharp, 1]) / 2
    others = [i for i in range(3) if i != axis]
    cells = {tuple(np.round(m[others] / 0.01).astype(int)) for m in mid}
    return len(cells), float(length[sharp].sum())


def _pockets(mesh: Any, caster: RayCaster, axis: int, grid: int = 40) -> dict[str, Any] | None:
    """The deepest closed pocket seen from +axis: a depth map from rays shot down the tool
    axis on a 40 x 40 grid; connected cells lower than the top by more than 1 mm that do not reach the
    part's outline are pockets; width = twice the largest inscribed radius."""
    from scipy import ndimage

    lo, hi = mesh.bounds
    others = [i for i in range(3) if i != axis]
    span = hi[others] - lo[others]
    pitch = float(max(span.max(), 1e-9)) / grid
    nx, ny = (np.ceil(span / pitch).astype(int) + 1)
    u = lo[others[0]] + (np.arange(nx) + 0.5) * pitch
    v = lo[others[1]] + (np.arange(ny) + 0.5) * pitch
    uu, vv = np.meshgrid(u, v, indexing="ij")
    origins = np.zeros((uu.size, 3))
    origins[:, others[0]] = uu.ravel()
    origins[:, others[1]] = vv.ravel()
    height = float(hi[axis] - lo[axis])
    origins[:, axis] = hi[axis] + 1e-3 * height + 1e-6
    directions = np.zeros_like(origins)
    directions[:, axis] = -1.0
    dist, _ = caster.first_hit(origins, directions, t_max=2.0 * height + 1.0)
    depth = dist.reshape(nx, ny)
    solid = np.isfinite(depth)
    if not np.any(solid):
        return None
    top = float(np.min(depth[solid]))
    low = solid & (depth - top > max(1.0, 0.05 * height))
    labels, count = ndimage.label(low)
    if count == 0:
        return None
    outside = ndimage.binary_dilation(~solid, iterations=1) | np.pad(
        np.zeros((nx - 2, ny - 2), dtype=bool), 1, constant_values=True)
    best: dict[str, Any] | None = None
    for k in range(1, count + 1):
        region = labels == k
        if np.any(region & outside) or region.sum() < 2:
            continue  # open to the outline: a step or slot, not a closed pocket
        inscribed = float(ndimage.distance_transform_edt(region).max()) * pitch
        width = max(2.0 * inscribed, pitch)
        pocket_depth = float(np.median(depth[region]) - top)
        ratio = pocket_depth / width
        if best is None or ratio > best["ratio"]:
            best = {"depth_mm": round(pocket_depth, 2), "width_mm": round(width, 2),
                    "ratio": round(ratio, 2),
                    "volume_mm3": round(float(region.sum()) * pitch * pitch * pocket_depth, 1)}
    return best


def milling_features(mesh: Any, caster: RayCaster, axis: int) -> dict[str, Any]:
    """Deep pockets and sharp vertical internal corners seen along the tool ``axis`` (the
    axis a 3-axis mill works along; the moulding analysis's least-undercut axis is used)."""
    corners, corner_length = _concave_sharp_edges(mesh, axis)
    out: dict[str, Any] = {"tool_axis": "xyz"[axis], "sharp_internal_corners": corners,
                           "sharp_corner_length_mm": round(corner_length, 2)}
    pocket = _pockets(mesh, caster, axis)
    if pocket:
        out["deepest_pocket"] = pocket
    return out
