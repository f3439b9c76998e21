"""Estimate benchmark: a generated ~100k-triangle part analysed and costed for every process,
region and quantity; baseline: the naive ray cast (every ray against every triangle) for the
same wall-thickness samples, timed on a subset and scaled to all of them.

Wall-clock figures depend on what else runs on the machine; ``total_cpu_ms`` (CPU time of
this process) and the 1-minute load average are reported beside them."""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--triangles", type=int, default=100_000,
                        help="approximate triangle count of the generated part")
    parser.add_argument("--baseline-rays", type=int, default=20,
                        help="rays timed for the naive baseline (scaled to all samples)")


def perforated_tray(triangles: int) -> Any:
    """An open tray 120 x 80 x 25 mm with 2.5 mm walls and a grid of round holes in its floor,
    sized so the mesh has about ``triangles`` triangles (manifold3d booleans; watertight)."""
    import manifold3d
    import numpy as np
    import trimesh

    outer = manifold3d.Manifold.cube((120.0, 80.0, 25.0))
    inner = manifold3d.Manifold.cube((115.0, 75.0, 25.0)).translate((2.5, 2.5, 2.5))
    body = outer - inner
    nx, ny = 24, 15
    segments = max(8, int(triangles / (nx * ny * 4.1)))
    hole = manifold3d.Manifold.cylinder(10.0, 1.4, 1.4, segments).translate((0.0, 0.0, -2.0))
    holes = [hole.translate((8.0 + i * 4.5, 8.0 + j * 4.5, 0.0)) for i in range(nx) for j in range(ny)]
    body = body - manifold3d.Manifold.batch_boolean(holes, manifold3d.OpType.Add)
    mesh = body.to_mesh()
    return trimesh.Trimesh(
        vertices=np.asarray(mesh.vert_properties)[:, :3], faces=np.asarray(mesh.tri_verts)
    )


def run(args: argparse.Namespace) -> dict[str, Any]:
    import numpy as np

    from shisaku.engines.costing import (
        GEOMETRY_PROCESSES,
        PartFacts,
        default_parameters,
        estimate_geometry,
        estimate_process,
    )
    from shisaku.engines.geometry import (
        DEFAULT_SAMPLES,
        analyse,
        first_hit_bruteforce,
        load_part,
        sample_surface,
    )

    mesh = perforated_tray(args.triangles)
    with tempfile.NamedTemporaryFile(suffix=".stl", delete=False) as fh:
        path = fh.name
    try:
        mesh.export(path)
        c0 = time.process_time()
        t0 = time.perf_counter()
        part = load_part(path)
        t1 = time.perf_counter()
        geometry = analyse(part)
        t2 = time.perf_counter()
        c2 = time.process_time()
    finally:
        os.unlink(path)

    params = default_parameters()
    c3 = time.process_time()
    t3 = time.perf_counter()
    facts = PartFacts.from_geometry(geometry)
    quantities = [int(q) for q in params.get("quantities")]
    # every process in every region at every quantity, then what `shisaku estimate` does:
    # DFM findings, the family-keeping plan with lead times, crossovers, a target check
    estimates = [
        estimate_process(params, facts, p, region=r, quantity=q, client_country="KR")
        for p in GEOMETRY_PROCESSES for r in params.regions for q in quantities
    ]
    estimate_geometry(geometry, quantities=quantities, client_country="KR",
                      target_unit_cost=1.0, params=params)
    t4 = time.perf_counter()
    c4 = time.process_time()

    # Baseline: the naive first-hit cast of the same wall-thickness rays.
    m = part.mesh
    samples = sample_surface(m, DEFAULT_SAMPLES)
    n = min(args.baseline_rays, len(samples.points))
    diag = float(np.linalg.norm(m.extents))
    eps = 1e-7 * diag
    tb = time.perf_counter()
    first_hit_bruteforce(
        np.asarray(m.triangles), samples.points[:n] - samples.normals[:n] * eps,
        -samples.normals[:n], t_min=eps, t_max=2 * diag,
    )
    naive_ms = (time.perf_counter() - tb) * 1000 * DEFAULT_SAMPLES / max(n, 1)

    timings = geometry["timings_ms"]
    return {
        "triangles": len(m.faces),
        "volume_mm3": geometry["volume_mm3"],
        "watertight": geometry["watertight"],
        "load_ms": round((t1 - t0) * 1000, 1),
        "analyse_ms": round((t2 - t1) * 1000, 1),
        "geometry_ms": round((t2 - t0) * 1000, 1),
        "geometry_stages_ms": timings,
        "costing_ms": round((t4 - t3) * 1000, 1),
        "estimates": len(estimates),
        "total_ms": round((t2 - t0 + t4 - t3) * 1000, 1),
        "total_cpu_ms": round((c2 - c0 + c4 - c3) * 1000, 1),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "target_total_ms": 2000,
        "baseline": "naive wall thickness: every ray tested against every triangle "
                    f"({n} rays timed, scaled to {DEFAULT_SAMPLES})",
        "baseline_thickness_ms": round(naive_ms, 1),
        "thickness_ms": timings.get("thickness"),
        "thickness_speedup": round(naive_ms / max(timings.get("thickness", 1.0), 1e-9), 1),
        "cpu_count": os.cpu_count(),
        "mesh_generation": "perforated tray 120x80x25 mm, 2.5 mm walls, 360 holes (manifold3d)",
        "log10_triangles": round(math.log10(max(len(m.faces), 1)), 2),
    }
