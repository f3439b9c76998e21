"""Measurements of a part mesh in millimetres: wall thickness, projected areas, machining stock,
sharp edges and surface patches, and the sheet-metal and turning candidate tests.

Functions take a trimesh.Trimesh (mm) and return plain numbers or dicts; see
docs/ESTIMATING.md for the method behind each one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from shisaku.engines.geometry.features import count_flanges, thin_shares
from shisaku.engines.geometry.rays import RayCaster

__all__ = [
    "SurfaceSamples",
    "projected_area",
    "removal_volume",
    "sample_surface",
    "sharp_edge_distance",
    "sheet_metal_candidate",
    "surface_patches",
    "through_holes",
    "turning_candidate",
    "wall_thickness",
]

FloatArray = NDArray[np.float64]
SHARP_ANGLE_RAD = math.radians(30.0)


@dataclass
class SurfaceSamples:
    """Area-weighted random points on the surface: ``points`` (n, 3) mm, ``faces`` (n,),
    ``normals`` (n, 3), and ``area_per_sample`` (mm²) so that sums of samples estimate areas."""

    points: FloatArray
    faces: NDArray[np.int64]
    normals: FloatArray
    area_per_sample: float


def sample_surface(mesh: Any, count: int, seed: int = 0) -> SurfaceSamples:
    """Draw ``count`` points uniformly over the surface (seeded, so results are repeatable)."""
    rng = np.random.default_rng(seed)
    areas = np.asarray(mesh.area_faces, dtype=np.float64)
    total = float(areas.sum())
    if total <= 0 or count <= 0:
        empty = np.zeros((0, 3))
        return SurfaceSamples(empty, np.zeros(0, dtype=np.int64), empty, 0.0)
    cdf = np.cumsum(areas) / total
    faces = np.searchsorted(cdf, rng.random(count), side="right").clip(0, len(areas) - 1)
    r1 = np.sqrt(rng.random(count))
    r2 = rng.random(count)
    tri = mesh.triangles[faces]
    points = (
        (1 - r1)[:, None] * tri[:, 0] + (r1 * (1 - r2))[:, None] * tri[:, 1]
        + (r1 * r2)[:, None] * tri[:, 2]
    )
    normals = np.asarray(mesh.face_normals, dtype=np.float64)[faces]
    return SurfaceSamples(points, faces.astype(np.int64), normals, total / count)


def _sharp_edges(mesh: Any) -> FloatArray:
    """Segments (n, 2, 3) of sharp (dihedral > 30°) and boundary edges."""
    import trimesh

    segs = []
    if len(mesh.face_adjacency):
        sharp = mesh.face_adjacency_angles > SHARP_ANGLE_RAD
        segs.append(mesh.vertices[mesh.face_adjacency_edges[sharp]])
    if mesh.is_watertight:  # every edge is shared by two faces: no boundary to look for
        boundary: Any = []
    else:
        boundary = trimesh.grouping.group_rows(  # type: ignore[no-untyped-call]
            mesh.edges_sorted, require_count=1
        )
    if len(boundary):
        segs.append(mesh.vertices[mesh.edges_sorted[boundary]])
    if not segs:
        return np.zeros((0, 2, 3))
    return np.concatenate(segs).astype(np.float64)


def sharp_edge_distance(mesh: Any, points: FloatArray, spacing: float) -> FloatArray:
    """Approximate distance (mm, within ``spacing``/2) from each point to the nearest sharp or
    boundary edge, by a k-d tree over points laid along those edges."""
    from scipy.spatial import cKDTree

    segs = _sharp_edges(mesh)
    if len(segs) == 0 or len(points) == 0:
        return np.full(len(points), np.inf)
    length = np.linalg.norm(segs[:, 1] - segs[:, 0], axis=1)
    steps = np.maximum(1, np.ceil(length / spacing).astype(np.int64))
    seg_of = np.repeat(np.arange(len(segs)), steps + 1)
    offset = np.arange(len(seg_of)) - np.repeat(np.cumsum(steps + 1) - (steps + 1), steps + 1)
    frac = offset / np.repeat(steps, steps + 1)
    pts = segs[seg_of, 0] + frac[:, None] * (segs[seg_of, 1] - segs[seg_of, 0])
    dist, _ = cKDTree(pts).query(points, k=1)
    return np.asarray(dist, dtype=np.float64)


def wall_thickness(
    mesh: Any,
    samples: SurfaceSamples,
    caster: RayCaster,
    *,
    exclude_edges: bool = True,
    collect: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Wall thickness (mm) by inward rays from surface samples: distance to the first wall hit
    along the inward normal. Samples closer to a sharp edge than half their own thickness (capped
    at 5 % of the part's diagonal) are dropped, because a ray starting on a narrow rim face
    measures the part's width, not a wall.

    Returns percentiles p5…p95, min, max, mean, the number of samples kept and used.
    """
    diag = float(np.linalg.norm(mesh.extents))
    if len(samples.points) == 0:
        return {"samples": 0, "kept": 0}
    eps = 1e-7 * diag
    origins = samples.points - samples.normals * eps
    directions = -samples.normals
    dist, _ = caster.first_hit(
        origins, directions, t_min=eps, t_max=2.0 * diag, piece_length=0.02 * diag
    )
    hit = np.isfinite(dist)
    keep = hit.copy()
    if exclude_edges and np.any(hit):
        d_edge = sharp_edge_distance(mesh, samples.points, spacing=diag / 400.0)
        keep &= d_edge >= np.minimum(0.5 * np.where(hit, dist, 0.0), 0.05 * diag)
        if keep.sum() < max(10, 0.05 * hit.sum()):
            keep = hit  # nothing but edges (e.g. a small cube): fall back to all samples
    values = dist[keep]
    if collect is not None:  # the thinnest samples, for the preview's highlights
        order = np.argsort(values)
        collect["thin_points"] = samples.points[keep][order]
        collect["thin_values"] = values[order]
    out: dict[str, Any] = {
        "samples": len(dist),
        "kept": int(keep.sum()),
        "missed": int((~hit).sum()),
        "method": "inward rays from area-weighted surface samples, edge samples excluded",
    }
    if len(values) == 0:
        return out
    for p in (5, 10, 25, 50, 75, 90, 95):
        out[f"p{p}"] = round(float(np.percentile(values, p)), 4)
    out["min"] = round(float(values.min()), 4)
    out["max"] = round(float(values.max()), 4)
    out["mean"] = round(float(values.mean()), 4)
    out["below_mm"] = thin_shares(values, len(dist))
    return out


def projected_area(mesh: Any, axis: int, resolution: int = 256) -> float:
    """Silhouette area (mm²) of the part seen along coordinate ``axis`` (0=x, 1=y, 2=z),
    rasterised on a grid of ``resolution`` pixels along the longer side: each triangle is cut
    by the rows of pixel centres it spans, and the covered runs are summed per row."""
    others = [i for i in range(3) if i != axis]
    tri = np.asarray(mesh.triangles, dtype=np.float64)
    if mesh.is_watertight:
        # a closed surface's silhouette is covered by its faces looking one way
        tri = tri[np.asarray(mesh.face_normals)[:, axis] > 0]
    tri = tri[:, :, others]
    if len(tri) == 0:
        return 0.0
    lo = tri.reshape(-1, 2).min(axis=0)
    span = tri.reshape(-1, 2).max(axis=0) - lo
    px = float(max(span.max(), 1e-12)) / resolution
    nx = max(1, math.ceil(span[0] / px)) + 1
    ny = max(1, math.ceil(span[1] / px)) + 1
    t = (tri - lo) / px - 0.5  # pixel centres sit on integer coordinates
    ys = t[:, :, 1]
    j0 = np.ceil(ys.min(axis=1)).astype(np.int64).clip(0, ny - 1)
    j1 = np.floor(ys.max(axis=1)).astype(np.int64).clip(-1, ny - 1)
    rows = np.maximum(0, j1 - j0 + 1)
    f = np.repeat(np.arange(len(tri)), rows)
    j = (j0[f] + np.arange(len(f)) - np.repeat(np.cumsum(rows) - rows, rows)).astype(np.float64)
    x_lo = np.full(len(f), np.inf)
    x_hi = np.full(len(f), -np.inf)
    for a, b in ((0, 1), (1, 2), (2, 0)):
        pa, pb = t[f, a], t[f, b]
        dy = pb[:, 1] - pa[:, 1]
        spans = (np.minimum(pa[:, 1], pb[:, 1]) <= j) & (j <= np.maximum(pa[:, 1], pb[:, 1]))
        flat = spans & (dy == 0)
        slope = spans & (dy != 0)
        safe = np.where(slope, dy, 1.0)
        x = pa[:, 0] + (j - pa[:, 1]) * (pb[:, 0] - pa[:, 0]) / safe
        x_lo = np.where(slope, np.minimum(x_lo, x), x_lo)
        x_hi = np.where(slope, np.maximum(x_hi, x), x_hi)
        x_lo = np.where(flat, np.minimum(x_lo, np.minimum(pa[:, 0], pb[:, 0])), x_lo)
        x_hi = np.where(flat, np.maximum(x_hi, np.maximum(pa[:, 0], pb[:, 0])), x_hi)
    ok = np.isfinite(x_lo) & np.isfinite(x_hi)
    i0 = np.ceil(x_lo[ok] - 1e-9).astype(np.int64).clip(0, nx)
    i1 = np.floor(x_hi[ok] + 1e-9).astype(np.int64).clip(-1, nx - 1)
    jj = j[ok].astype(np.int64)
    run = i1 >= i0
    diff = np.zeros((ny, nx + 1), dtype=np.int64)
    np.add.at(diff, (jj[run], i0[run]), 1)
    np.add.at(diff, (jj[run], i1[run] + 1), -1)
    covered = np.cumsum(diff, axis=1)[:, :nx] > 0
    return float(covered.sum()) * px * px


def removal_volume(mesh: Any, allowance_mm: float, *, single_body: bool = False
                   ) -> dict[str, Any]:
    """Machining stock (bounding box grown by ``allowance_mm`` per side) minus the part.

    Uses a manifold3d boolean; when the mesh is not a valid manifold it falls back to
    stock volume − part volume (watertight meshes) or − convex-hull volume, and says which.
    ``single_body``: the part is one valid manifold strictly inside the stock
    (``allowance_mm`` > 0), so stock minus part is the stock's volume minus the manifold's —
    the boolean's own answer (a test holds them equal) without computing the boolean. Several
    bodies may overlap, and then only the boolean is right.
    """
    lo, hi = mesh.bounds
    stock = (hi - lo) + 2 * allowance_mm
    stock_volume = float(np.prod(stock))
    out: dict[str, Any] = {
        "stock_mm": [round(float(x), 3) for x in stock],
        "stock_volume_mm3": round(stock_volume, 3),
        "allowance_mm": allowance_mm,
    }
    try:
        import manifold3d

        part = manifold3d.Manifold(
            mesh=manifold3d.Mesh(
                vert_properties=np.asarray(mesh.vertices, dtype=np.float32),
                tri_verts=np.asarray(mesh.faces, dtype=np.uint32),
            )
        )
        if part.status() != manifold3d.Error.NoError or part.is_empty():
            raise ValueError(f"not a manifold: {part.status()}")
        box = manifold3d.Manifold.cube(tuple(float(x) for x in stock)).translate(
            tuple(float(x) for x in lo - allowance_mm)
        )
        if single_body and allowance_mm > 0:
            removed = stock_volume - float(part.volume())
        else:
            removed = float((box - part).volume())
        out["removal_volume_mm3"] = round(removed, 3)
        out["method"] = "manifold3d boolean: stock minus part"
    except Exception as exc:  # manifold3d rejects non-manifold input with various errors
        if mesh.is_watertight and mesh.volume > 0:
            out["removal_volume_mm3"] = round(stock_volume - float(mesh.volume), 3)
            out["method"] = f"stock volume minus part volume (boolean failed: {exc})"
        else:
            hull = float(mesh.convex_hull.volume)
            out["removal_volume_mm3"] = round(stock_volume - hull, 3)
            out["method"] = "stock volume minus convex-hull volume (mesh not watertight; rough)"
    return out


def surface_patches(mesh: Any) -> int:
    """Number of smooth surface patches: faces joined across edges bent by less than 30°."""
    import trimesh

    if len(mesh.faces) == 0:
        return 0
    smooth = mesh.face_adjacency[mesh.face_adjacency_angles <= SHARP_ANGLE_RAD]
    groups = trimesh.graph.connected_components(
        smooth, nodes=np.arange(len(mesh.faces)), min_len=1
    )
    return len(groups)


def through_holes(mesh: Any, bodies: int) -> int:
    """Genus of a watertight part (number of through holes / handles) from its Euler number."""
    if not mesh.is_watertight:
        return 0
    return max(0, round(bodies - float(mesh.euler_number) / 2))


def sheet_metal_candidate(
    mesh: Any, thickness: dict[str, Any], volume_mm3: float, area_mm2: float
) -> dict[str, Any]:
    """Is this a bent or flat plate of near-constant thickness, thin against its extent?

    Criteria: p10 and p90 of the wall thickness within ±15 % of the median, median ≤ 6 mm and
    ≤ 10 % of the largest extent, and the surface area close to twice the blank area
    (volume / thickness). Also estimates the flat blank, the laser cut length and the bends.
    """
    out: dict[str, Any] = {"candidate": False}
    t = thickness.get("p50")
    if not t or volume_mm3 <= 0:
        out["reason"] = "no wall-thickness measurement"
        return out
    p10, p90 = thickness["p10"], thickness["p90"]
    extent = float(max(mesh.extents))
    blank = volume_mm3 / t
    rim_area = area_mm2 - 2 * blank
    uniform = p10 >= 0.85 * t and p90 <= 1.15 * t
    thin = t <= 6.0 and t <= 0.1 * extent
    consistent = -0.1 * area_mm2 <= rim_area <= 0.35 * area_mm2
    out.update(
        {
            "thickness_mm": round(float(t), 3),
            "blank_area_mm2": round(float(blank), 1),
            "cut_length_mm": round(float(max(rim_area, 0.0) / t), 1),
        }
    )
    # Bends: n flat flanges (pairs of planes one thickness apart) need n - 1 bends.
    bends = 0
    if uniform and thin:
        bends = max(0, count_flanges(mesh, float(t), area_mm2) - 1)
    out["bends"] = bends
    out["candidate"] = bool(uniform and thin and consistent)
    if not out["candidate"]:
        why = []
        if not uniform:
            why.append("wall thickness varies")
        if not thin:
            why.append("not thin compared with its size")
        if not consistent:
            why.append("surface area does not match a plate")
        out["reason"] = ", ".join(why)
    return out


def turning_candidate(mesh: Any) -> dict[str, Any]:
    """Is the part a solid of revolution about one of its bounding-box axes (a lathe part)?

    For each axis whose two cross extents agree within 2 %, compare the convex hull of the
    vertices projected along it with the circle of the same largest radius: a ratio ≥ 0.95
    passes (a 32-sided polygon scores 0.994, a square 0.64).
    """
    from scipy.spatial import ConvexHull

    ext = np.asarray(mesh.extents, dtype=np.float64)
    verts = np.asarray(mesh.vertices, dtype=np.float64)
    best: dict[str, Any] = {"candidate": False}
    for axis in range(3):
        others = [i for i in range(3) if i != axis]
        a, b = ext[others]
        if max(a, b) <= 0 or abs(a - b) > 0.02 * max(a, b):
            continue
        pts = verts[:, others]
        try:
            hull = ConvexHull(pts)
        except Exception:  # noqa: S112 - degenerate projection: not a lathe part on this axis
            continue
        centre = pts[hull.vertices].mean(axis=0)
        radius = float(np.max(np.linalg.norm(pts - centre, axis=1)))
        ratio = float(hull.volume) / (math.pi * radius * radius) if radius > 0 else 0.0
        if ratio >= 0.95 and ratio > best.get("roundness", 0.0):
            best = {
                "candidate": True,
                "axis": "xyz"[axis],
                "diameter_mm": round(2 * radius, 3),
                "length_mm": round(float(ext[axis]), 3),
                "roundness": round(ratio, 4),
            }
    return best
