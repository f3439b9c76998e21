"""One call from a loaded part to every measurement the cost models and DFM checks need.

:func:`analyse` returns a JSON-able dict (the ``geometry`` object of the estimate output):
lengths in mm, areas in mm², volumes in mm³.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from shisaku.engines.geometry.features import (
    MAX_POINTS,
    THIN_LADDER_MM,
    milling_features,
    points_of,
)
from shisaku.engines.geometry.loading import LoadedPart
from shisaku.engines.geometry.measure import (
    projected_area,
    removal_volume,
    sample_surface,
    sheet_metal_candidate,
    surface_patches,
    through_holes,
    turning_candidate,
    wall_thickness,
)
from shisaku.engines.geometry.moulding import AXES, mould_analysis
from shisaku.engines.geometry.rays import RayCaster
from shisaku.engines.messages import say

__all__ = ["DEFAULT_SAMPLES", "analyse"]

DEFAULT_SAMPLES = 1500


def _stock_allowance(max_extent_mm: float) -> float:
    """Machining stock allowance per side (mm): 2 mm, 3 mm above 200 mm (assumption)."""
    return 3.0 if max_extent_mm > 200 else 2.0


def _highlights(collected: dict[str, Any]) -> dict[str, Any]:
    """Surface points that show the findings on the part (thin: with their thickness)."""
    out: dict[str, Any] = {}
    thin = collected.get("thin_points")
    if thin is not None and len(thin):
        values = collected["thin_values"]  # ascending
        idx = np.flatnonzero(values < THIN_LADDER_MM[-1])[: 4 * MAX_POINTS]
        idx = idx[:: max(1, -(-len(idx) // MAX_POINTS))]
        out["thin"] = [[*(round(float(x), 3) for x in thin[i]), round(float(values[i]), 3)]
                       for i in idx]
    for key in ("undercut", "no_draft"):
        pts = collected.get(f"{key}_points")
        if pts is not None and len(pts):
            out[key] = points_of(pts)
    return out


def analyse(
    part: LoadedPart,
    *,
    samples: int = DEFAULT_SAMPLES,
    pull_axis: str | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Measure ``part`` (mesh in mm). ``samples`` surface points drive the wall-thickness and
    undercut estimates; ``pull_axis`` (x, y, z) fixes the mould's opening direction, otherwise
    the axis with the least undercut is chosen. Timings per stage are in ``timings_ms``."""
    mesh = part.mesh
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    watertight = bool(mesh.is_watertight)
    volume = float(mesh.volume) if watertight else float(abs(mesh.volume))
    area = float(mesh.area)
    lo, hi = mesh.bounds
    extents = [float(x) for x in (hi - lo)]
    geometry: dict[str, Any] = {
        "volume_mm3": round(volume, 3),
        "area_mm2": round(area, 3),
        "bbox_mm": [round(x, 4) for x in extents],
        "bodies": part.bodies,
        "watertight": watertight,
        "units_assumed": part.units_assumed,
        "units_source": part.units_source,
        "file_format": part.file_format,
        "triangles": len(mesh.faces),
        "bbox_min_mm": [round(float(x), 4) for x in lo],
        "notes": list(part.notes),
    }
    if not watertight:
        geometry["notes"].append(say("not_watertight"))
    timings["basic"] = (time.perf_counter() - t0) * 1000

    t = time.perf_counter()
    projected = {AXES[a]: projected_area(mesh, a) for a in range(3)}
    geometry["projected_area_mm2"] = {k: round(v, 2) for k, v in projected.items()}
    timings["projected"] = (time.perf_counter() - t) * 1000

    t = time.perf_counter()
    caster = RayCaster(np.asarray(mesh.triangles, dtype=np.float64))
    surf = sample_surface(mesh, samples, seed=seed)
    timings["index"] = (time.perf_counter() - t) * 1000

    t = time.perf_counter()
    collected: dict[str, Any] = {}
    thickness = wall_thickness(mesh, surf, caster, collect=collected)
    geometry["wall_thickness_mm"] = thickness
    timings["thickness"] = (time.perf_counter() - t) * 1000

    t = time.perf_counter()
    geometry["moulding"] = mould_analysis(mesh, surf, caster, projected, pull_axis, collected)
    timings["moulding"] = (time.perf_counter() - t) * 1000

    t = time.perf_counter()
    tool_axis = AXES.index(geometry["moulding"]["pull_axis"])
    geometry["milling"] = milling_features(mesh, caster, tool_axis)
    timings["milling"] = (time.perf_counter() - t) * 1000

    t = time.perf_counter()
    geometry["machining"] = removal_volume(mesh, _stock_allowance(max(extents)),
                                           single_body=part.bodies == 1)
    timings["removal"] = (time.perf_counter() - t) * 1000

    t = time.perf_counter()
    geometry["surface_patches"] = surface_patches(mesh)
    geometry["through_holes"] = through_holes(mesh, part.bodies)
    geometry["sheet_metal"] = sheet_metal_candidate(mesh, thickness, volume, area)
    geometry["turning"] = turning_candidate(mesh)
    timings["features"] = (time.perf_counter() - t) * 1000
    geometry["highlights"] = _highlights(collected)
    geometry["timings_ms"] = {k: round(v, 1) for k, v in timings.items()}
    return geometry
