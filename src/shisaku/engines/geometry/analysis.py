"""One call from a loaded part to every measurement the cost models and DFM checks need.

:func:`analyse` returns a JSON-able dict (the ``geometry`` object of the estimate output):
lengths in mm, areas in mm², volumes in mm³.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

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
from shisaku.engines.geometry.scan import note

__all__ = ["DEFAULT_SAMPLES", "analyse"]

DEFAULT_SAMPLES = 1500


def _stock_allowance(max_extent_mm: float) -> float:
    """Machining stock allowance per side (mm): 2 mm, 3 mm above 200 mm (assumption)."""
    return 3.0 if max_extent_mm > 200 else 2.0


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
        geometry["notes"].append(note("not_watertight", "mesh is not watertight: volume and "
                                      "thickness are approximate"))
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
    thickness = wall_thickness(mesh, surf, caster)
    geometry["wall_thickness_mm"] = thickness
    timings["thickness"] = (time.perf_counter() - t) * 1000

    t = time.perf_counter()
    geometry["moulding"] = mould_analysis(mesh, surf, caster, projected, pull_axis)
    timings["moulding"] = (time.perf_counter() - t) * 1000

    t = time.perf_counter()
    geometry["machining"] = removal_volume(mesh, _stock_allowance(max(extents)))
    timings["removal"] = (time.perf_counter() - t) * 1000

    t = time.perf_counter()
    geometry["surface_patches"] = surface_patches(mesh)
    geometry["through_holes"] = through_holes(mesh, part.bodies)
    geometry["sheet_metal"] = sheet_metal_candidate(mesh, thickness, volume, area)
    geometry["turning"] = turning_candidate(mesh)
    timings["features"] = (time.perf_counter() - t) * 1000
    geometry["timings_ms"] = {k: round(v, 1) for k, v in timings.items()}
    return geometry
