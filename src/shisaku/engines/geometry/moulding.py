"""Mouldability along a pull direction: draft angles of the side walls and undercut area.

A two-plate mould opens along the pull axis: a surface facing +pull must be released upwards,
one facing −pull downwards. A surface sample whose release ray hits the part again is an
undercut and needs a side action (slide or lifter). Areas in mm², angles in degrees.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from shisaku.engines.geometry.measure import SurfaceSamples
from shisaku.engines.geometry.rays import RayCaster

__all__ = ["AXES", "draft_analysis", "mould_analysis", "undercut_analysis"]

AXES = ("x", "y", "z")
WALL_LIMIT_DEG = 10.0  # faces steeper than this (draft < 10°) count as side walls
SELECTION_SAMPLES = 500  # samples per axis when choosing the pull axis
MIN_ACTION_SAMPLES = 2  # undercut samples facing one way that make a side action


def draft_analysis(mesh: Any, axis: int) -> dict[str, Any]:
    """Draft of each face = asin(|n · pull|) (0° = parallel to the pull, no draft).

    Returns the side-wall area (draft < 10°) and the parts of it with draft < 0.5° and < 1°.
    """
    normals = np.asarray(mesh.face_normals, dtype=np.float64)
    areas = np.asarray(mesh.area_faces, dtype=np.float64)
    draft = np.degrees(np.arcsin(np.clip(np.abs(normals[:, axis]), 0.0, 1.0)))
    walls = draft < WALL_LIMIT_DEG
    return {
        "wall_area_mm2": round(float(areas[walls].sum()), 2),
        "no_draft_area_mm2": round(float(areas[draft < 0.5].sum()), 2),
        "low_draft_area_mm2": round(float(areas[draft < 1.0].sum()), 2),
        "min_wall_draft_deg": round(float(draft[walls].min()), 3) if np.any(walls) else None,
    }


def _side_actions(mesh: Any, samples: SurfaceSamples, caster: RayCaster, axis: int,
                  under: Any, eps: float) -> int:
    """Slides and lifters a tool needs for the undercut samples ``under``: each sample is
    released sideways along the nearest of the four directions across the pull in which it
    escapes the part (a slide moving that way); samples that escape no way sideways need a
    lifter. Each direction holding at least MIN_ACTION_SAMPLES samples is one action (a
    slide can carry all the features on one side), and any undercut needs at least one."""
    across = [i for i in range(3) if i != axis]
    lo, hi = mesh.bounds
    # start a little off the surface: a sideways ray grazes the (faceted) wall it starts on
    lift = max(eps, 2e-3 * float(np.linalg.norm(mesh.extents)))
    origins = samples.points[under] + samples.normals[under] * lift
    exit_mm = np.full((len(under), 4), np.inf)  # way out sideways, where there is one
    for k, (i, sign) in enumerate((a, s) for a in across for s in (-1.0, 1.0)):
        d = np.zeros((len(under), 3))
        d[:, i] = sign
        reach = (hi[i] - origins[:, i]) if sign > 0 else (origins[:, i] - lo[i])
        dist, _ = caster.first_hit(origins, d, t_min=eps, t_max=np.maximum(reach, 0.0) + eps)
        exit_mm[:, k] = np.where(np.isfinite(dist), np.inf, reach)
    # the nearest way out: coaxial holes in opposite walls are two slides, not one
    free = np.isfinite(exit_mm).any(axis=1)
    direction = np.where(free, np.argmin(exit_mm, axis=1), 4)
    counts = np.bincount(direction, minlength=5)
    return max(1, int((counts >= MIN_ACTION_SAMPLES).sum()))


def undercut_analysis(
    mesh: Any, samples: SurfaceSamples, caster: RayCaster, axis: int,
    collect: dict[str, Any] | None = None, *, side_actions: bool = True,
) -> dict[str, Any]:
    """Undercut area along ``axis`` estimated from surface samples, and side actions needed.

    Samples on faces within 2.9° of parallel to the pull are skipped (they slide out).
    Side actions: see :func:`_side_actions` (by the direction each undercut escapes); a Ø10
    side hole in a box wall is a few samples of 1,500 and still counts. The DFM finding and
    the tool's price read this one count. ``side_actions=False`` skips them (0): choosing the
    pull axis reads the undercut area only, so their rays are cast for the chosen axis alone.
    """
    n = samples.normals
    s = n[:, axis]
    test = np.abs(s) > math.sin(math.radians(2.9))
    direction = np.zeros_like(n)
    direction[:, axis] = np.sign(s)
    diag = float(np.linalg.norm(mesh.extents))
    eps = 1e-6 * diag
    lo, hi = mesh.bounds
    idx = np.flatnonzero(test)
    origins = samples.points[idx] + n[idx] * eps
    d = direction[idx]
    reach = np.where(d[:, axis] > 0, hi[axis] - origins[:, axis], origins[:, axis] - lo[axis])
    dist, _ = caster.first_hit(origins, d, t_min=eps, t_max=np.maximum(reach, 0.0) + eps)
    under = np.zeros(len(s), dtype=bool)
    under[idx] = np.isfinite(dist)
    area = float(under.sum()) * samples.area_per_sample
    actions = 0
    if side_actions and np.any(under):
        actions = _side_actions(mesh, samples, caster, axis, np.flatnonzero(under), eps)
    if collect is not None:
        collect["undercut_points"] = samples.points[under]
    return {
        "undercut_area_mm2": round(area, 2),
        "undercut_samples": int(under.sum()),
        "side_actions": actions,
    }


def mould_analysis(
    mesh: Any,
    samples: SurfaceSamples,
    caster: RayCaster,
    projected: dict[str, float],
    pull_axis: str | None = None,
    collect: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Draft and undercuts for ``pull_axis`` (x, y or z), or for the best axis: the one with
    the least undercut area, ties broken by the largest projected area (parting plane)."""
    axes = [AXES.index(pull_axis)] if pull_axis else [0, 1, 2]
    results = {}
    if len(axes) > 1 and len(samples.points) > 2 * SELECTION_SAMPLES:
        # choose the axis on a third of the samples, then measure it on all of them
        step = len(samples.points) // SELECTION_SAMPLES
        subset = SurfaceSamples(
            samples.points[::step], samples.faces[::step], samples.normals[::step],
            samples.area_per_sample * step,
        )
        for axis in axes:
            results[axis] = undercut_analysis(mesh, subset, caster, axis, side_actions=False)
    elif len(axes) > 1:
        for axis in axes:
            results[axis] = undercut_analysis(mesh, samples, caster, axis, side_actions=False)
    best = axes[0] if len(axes) == 1 else min(
        axes,
        key=lambda a: (round(results[a]["undercut_area_mm2"], 1), -projected[AXES[a]]),
    )
    # the chosen axis on all samples, with its side actions (what the tool is priced with)
    results[best] = undercut_analysis(mesh, samples, caster, best, collect)
    out: dict[str, Any] = {"pull_axis": AXES[best]}
    out.update(results[best])
    out.update(draft_analysis(mesh, best))
    if collect is not None:
        normals = np.asarray(mesh.face_normals, dtype=np.float64)[samples.faces]
        flat = np.degrees(np.arcsin(np.clip(np.abs(normals[:, best]), 0.0, 1.0))) < 0.5
        collect["no_draft_points"] = samples.points[flat]
    out["projected_area_mm2"] = round(projected[AXES[best]], 2)
    out["depth_mm"] = round(float(mesh.extents[best]), 3)
    out["by_axis"] = {AXES[a]: results[a]["undercut_area_mm2"] for a in axes}  # (estimates)
    return out
