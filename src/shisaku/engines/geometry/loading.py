"""Safe loading of CAD files (STL, OBJ, 3MF, STEP) into one triangle mesh in millimetres.

Every file is checked before it is parsed: its size, the triangle count it declares (binary
STL header against the file length, ASCII STL / OBJ keyword counts), the uncompressed size of
a 3MF's zip entries (read with a bound, so a zip bomb is cut off rather than inflated) and the
STEP header. Anything wrong raises :class:`shisaku.errors.InputError` with field ``"file"``.

STL and OBJ carry no units: :func:`guess_units` picks millimetres, inches or metres from the
part's size (see docs/ESTIMATING.md), and the caller may override it. STEP files are
tessellated by cascadio (through trimesh) in metres and converted; 3MF states its unit.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from shisaku.engines.geometry.scan import (
    LoadLimits,
    Scan,
    check_limits,
    resolve_obj_relative_indices,
    scan_bytes,
)
from shisaku.engines.messages import refuse, say

__all__ = [
    "FORMATS",
    "UNITS",
    "LoadLimits",
    "LoadedPart",
    "guess_units",
    "load_part",
    "prescan",
]

FORMATS = ("stl", "obj", "3mf", "step")
UNITS = ("mm", "inch", "m", "auto")
MM_PER_UNIT = {"mm": 1.0, "inch": 25.4, "m": 1000.0}
_TRIMESH_UNITS = {
    "millimeters": "mm", "millimeter": "mm", "mm": "mm",
    "meters": "m", "meter": "m", "m": "m",
    "inches": "inch", "inch": "inch", "in": "inch",
    "centimeters": "cm", "centimeter": "cm", "cm": "cm",
    "micron": "um", "microns": "um", "micrometer": "um",
    "feet": "ft", "foot": "ft",
}
_EXTRA_MM = {"cm": 10.0, "um": 0.001, "ft": 304.8}


@dataclass
class LoadedPart:
    """A part ready for measurement: ``mesh`` is a trimesh.Trimesh in millimetres."""

    mesh: Any
    file_format: str
    units_assumed: str
    units_source: str  # "file" | "guessed" | "user"
    bodies: int
    notes: list[dict[str, Any]] = field(default_factory=list)  # {code, params, message}


def guess_units(max_extent: float) -> tuple[str, str]:
    """Guess the unit of a unit-less file from its largest bounding-box extent.

    Most machined and moulded parts are between about 6 mm and 2 m long. A largest extent of
    8 or more is read as millimetres; from 0.5 to 8 as inches (12.7–203 mm); below 0.5 as
    metres (≤ 500 mm). Returns (unit, reason).
    """
    if max_extent >= 8.0:
        return "mm", f"largest extent {max_extent:.4g} read as millimetres"
    if max_extent >= 0.5:
        return "inch", (
            f"largest extent {max_extent:.4g} is too small for millimetres; read as inches "
            f"({max_extent * 25.4:.1f} mm)"
        )
    return "m", (
        f"largest extent {max_extent:.4g} is too small for millimetres or inches; read as "
        f"metres ({max_extent * 1000:.1f} mm)"
    )


def _detect_format(name: str, head: bytes) -> str:
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix in ("stp", "step"):
        return "step"
    if suffix in ("stl", "obj", "3mf"):
        return suffix
    if head.startswith(b"PK"):
        return "3mf"
    if b"ISO-10303-21" in head[:200]:
        return "step"
    raise refuse("file", "file_type_unsupported", suffix=suffix or "unknown",
                 valid=list(FORMATS))


def _check_step(data: bytes) -> None:
    if b"ISO-10303-21" not in data[:1000]:
        raise refuse("file", "step_no_header")
    if b"END-ISO-10303-21" not in data[-2000:]:
        raise refuse("file", "step_truncated")


def _to_bodies(loaded: Any, limits: LoadLimits) -> tuple[list[Any], str | None]:
    """Flatten what trimesh returned into a list of Trimesh bodies plus the declared units.

    A scene may place one object many times (3MF components and build items): its instanced
    triangle count is checked against the limit *before* the instances are expanded.
    """
    import trimesh

    units = getattr(loaded, "units", None)
    if isinstance(loaded, trimesh.Scene):
        instanced = 0
        for node in loaded.graph.nodes_geometry:
            geom = loaded.geometry.get(loaded.graph[node][1])
            instanced += len(getattr(geom, "faces", ()))
        if instanced > limits.max_triangles:
            raise refuse("file", "instances_too_many", triangles=int(instanced),
                         limit=limits.max_triangles)
        meshes = [g for g in loaded.dump() if isinstance(g, trimesh.Trimesh)]
        if units is None:
            units = loaded.metadata.get("units") if hasattr(loaded, "metadata") else None
    elif isinstance(loaded, trimesh.Trimesh):
        meshes = [loaded]
    else:
        meshes = []
    meshes = [m for m in meshes if len(m.faces)]
    return meshes, units


@contextlib.contextmanager
def _native_stdout_to_stderr() -> Iterator[None]:
    """OpenCascade (inside cascadio) prints diagnostics on the process's stdout, which would
    corrupt JSON printed by the CLI: point file descriptor 1 at stderr while it runs."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError, AttributeError):  # no real stdout (embedded, captured)
        yield
        return
    try:
        os.dup2(2, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _signed_volume(mesh: Any) -> float:
    """Volume enclosed by the triangles (signed, in file units³), without trimesh's mass
    properties, which divide by it."""
    tri = np.asarray(mesh.triangles, dtype=np.float64)
    if not len(tri):
        return 0.0
    tri = tri - tri.reshape(-1, 3).mean(axis=0)  # about the centroid: an open surface's
    # "volume" would otherwise depend on where the origin is
    return float(np.einsum("ij,ij->i", tri[:, 0], np.cross(tri[:, 1], tri[:, 2])).sum() / 6.0)


UNIT_EDGES = (0.5, 8.0)  # where guess_units changes its answer


def _near_unit_edge(extent: float, band: float = 0.15) -> float | None:
    """The unit-guess threshold ``extent`` lies within ±15 % of, if any."""
    for edge in UNIT_EDGES:
        if abs(extent - edge) <= band * edge:
            return edge
    return None


def _check_not_flat(bodies: list[Any]) -> None:
    """Refuse meshes whose vertices all lie on one plane or line (no solid to cost)."""
    pts = np.concatenate([np.asarray(b.vertices, dtype=np.float64) for b in bodies])
    if len(pts) > 200_000:
        pts = pts[:: len(pts) // 200_000 + 1]
    centred = pts - pts.mean(axis=0)
    sv = np.linalg.svd(centred, compute_uv=False)
    if len(sv) < 3 or not sv[0] > 0 or sv[2] <= 1e-9 * sv[0]:
        raise refuse("file", "mesh_flat")


def _nested_shells(bodies: list[Any], volumes: list[float]) -> set[int]:
    """Indices of closed bodies that lie inside another closed body (inner shells of a hollow
    part exported as separate objects). Readers and exporters disagree on their orientation;
    they are cavities, never extra material."""
    if len(bodies) < 2 or len(bodies) > 50:
        return set()
    out: set[int] = set()
    boxes = [b.bounds for b in bodies]
    for i, inner in enumerate(bodies):
        if not inner.is_watertight:
            continue
        for j, outer in enumerate(bodies):
            if i == j or not outer.is_watertight or abs(volumes[j]) <= abs(volumes[i]):
                continue
            lo, hi = boxes[i]
            olo, ohi = boxes[j]
            if np.all(lo >= olo) and np.all(hi <= ohi):
                probe = np.asarray(inner.vertices[:1], dtype=np.float64)
                try:
                    inside = bool(outer.contains(probe)[0])
                except Exception:  # noqa: S112 - an unreadable pair is simply not nested
                    continue
                if inside:
                    out.add(i)
                    break
    return out


def _read_source(source: str | Path | bytes, filename: str | None,
                 limits: LoadLimits) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        data = source
        name = filename or "upload"
    else:
        path = Path(source)
        name = filename or path.name
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise refuse("file", "file_unreadable", name=path.name,
                         detail=str(exc.strerror)) from exc
        if size > limits.max_bytes:
            raise refuse("file", "file_too_large", bytes=size, limit=limits.max_bytes)
        data = path.read_bytes()
    return data, name


def prescan(data: bytes, filename: str, limits: LoadLimits | None = None) -> Scan:
    """Check a file's bytes before parsing: format, size, and the limits of :class:`Scan`
    (triangles, polygon size, 3MF inflated size, non-finite vertices). Fast (no parser runs):
    callers use it to refuse a file at once, or to decide where to estimate it."""
    limits = limits or LoadLimits()
    if len(data) == 0:
        raise refuse("file", "file_empty")
    if len(data) > limits.max_bytes:
        raise refuse("file", "file_too_large", bytes=len(data), limit=limits.max_bytes)
    fmt = _detect_format(filename, data[:512])
    if fmt == "step":
        if len(data) > limits.max_step_bytes:
            raise refuse("file", "step_too_large", bytes=len(data),
                         limit=limits.max_step_bytes)
        _check_step(data)
        return Scan("step")
    scan = scan_bytes(data, fmt, limits)
    check_limits(scan, limits)
    return scan


def load_part(
    source: str | Path | bytes,
    *,
    filename: str | None = None,
    units: str = "auto",
    limits: LoadLimits | None = None,
    progress: Callable[[str], None] | None = None,
) -> LoadedPart:
    """Load a CAD file (path, or bytes plus ``filename``) as one mesh in millimetres.

    ``units`` is ``"auto"`` (file units, else a guess from the size) or one of ``mm``, ``inch``,
    ``m`` to override. Raises InputError("file", reason) for empty, truncated, oversized or
    unreadable files and InputError("units", …) for an unknown unit.
    """
    import trimesh

    limits = limits or LoadLimits()
    if units not in UNITS:
        raise refuse("units", "units_unknown", unit=str(units), valid=list(UNITS))
    data, name = _read_source(source, filename, limits)
    if progress:
        progress("reading")
    scan = prescan(data, name, limits)
    fmt = scan.file_format
    if scan.relative_indices:
        data = resolve_obj_relative_indices(data)
    if progress:
        progress("parsing")

    try:
        if fmt == "step":
            with _native_stdout_to_stderr():
                loaded = trimesh.load(io.BytesIO(data), file_type="step", process=True)
        else:
            loaded = trimesh.load(io.BytesIO(data), file_type=fmt, process=True)
    except Exception as exc:  # parsers raise anything from ValueError to IndexError
        if fmt == "step":  # cascadio's errors name temporary files: keep them out
            raise refuse("file", "step_unreadable") from exc
        raise refuse("file", "file_unparsable", format=fmt.upper(), detail=str(exc)) from exc
    bodies, declared_units = _to_bodies(loaded, limits)
    if not bodies:
        raise refuse("file", "mesh_no_triangles", format=fmt.upper())
    triangles = sum(len(b.faces) for b in bodies)
    if triangles > limits.max_triangles:
        raise refuse("file", "triangles_too_many", triangles=triangles,
                     limit=limits.max_triangles)
    for body in bodies:
        if not np.all(np.isfinite(body.vertices)):
            raise refuse("file", "mesh_non_finite")
        if not body.is_watertight:  # tessellated solids (STEP) arrive with split seams
            body.merge_vertices()
            body.remove_unreferenced_vertices()
    if len(bodies) < 50 and sum(int(b.body_count) for b in bodies) > len(bodies):
        # objects holding several shells (an OBJ's "o" groups are merged by the reader):
        # orient each shell on its own, so that an inner shell can be told from a second part
        pieces = [b.split(only_watertight=False) for b in bodies]
        if sum(len(p) for p in pieces) <= 50:
            bodies = [piece for group in pieces for piece in group]
    if triangles < 4:
        raise refuse("file", "mesh_too_few_triangles", triangles=triangles)
    _check_not_flat(bodies)
    volumes = [_signed_volume(b) for b in bodies]
    span = max((float(np.max(b.extents)) for b in bodies if len(b.vertices)), default=0.0)
    if span > 0 and not sum(abs(v) for v in volumes) > 1e-9 * span**3:
        # An open or flat surface: volumes, masses and costs would be meaningless (and
        # trimesh divides by the zero volume). A solid model is what a quote needs.
        raise refuse("file", "mesh_no_volume")
    voids = _nested_shells(bodies, volumes)
    inverted = [b for i, (b, v) in enumerate(zip(bodies, volumes, strict=True))
                if b.is_watertight and v < 0 and i not in voids]
    for body in inverted:  # faces wound inside out: flip so volumes and normals are right
        body.invert()
    for i in voids:  # an inner shell of another object is a cavity: it must face inwards
        if volumes[i] > 0:
            bodies[i].invert()
    body_count = sum(int(b.body_count) for b in bodies)
    mesh: Any = trimesh.util.concatenate(bodies) if len(bodies) > 1 else bodies[0]
    extent = float(np.max(mesh.extents)) if len(mesh.vertices) else 0.0
    if not extent > 0:
        raise refuse("file", "mesh_degenerate")

    notes: list[dict[str, Any]] = [dict(n) for n in scan.notes]
    if inverted:
        notes.append(say("bodies_flipped", count=len(inverted)))
    if voids:
        notes.append(say("inner_shells", count=len(voids)))
    file_unit = _TRIMESH_UNITS.get(str(declared_units).lower()) if declared_units else None
    if units != "auto":
        unit, unit_source = units, "user"
        if file_unit and file_unit != units:
            notes.append(say("units_overridden", file_unit=file_unit, unit=units))
    elif fmt in ("step", "3mf") and file_unit:
        unit, unit_source = file_unit, "file"
    else:
        unit, _reason = guess_units(extent)
        unit_source = "guessed"
        notes.append(say("units_guessed", unit=unit, extent=round(extent, 4)))
        edge = _near_unit_edge(extent)
        if edge:
            notes.append(say("units_edge", extent=round(extent, 4), edge=edge))
    factor = MM_PER_UNIT.get(unit, _EXTRA_MM.get(unit, 1.0))
    if factor != 1.0:
        mesh.apply_scale(factor)
    if unit not in MM_PER_UNIT:
        notes.append(say("units_converted", unit=unit))
        unit = "mm"
    return LoadedPart(
        mesh=mesh,
        file_format=fmt,
        units_assumed=unit,
        units_source=unit_source,
        bodies=max(body_count, 1),
        notes=notes,
    )
