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
import re
import struct
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from shisaku.errors import InputError

__all__ = [
    "FORMATS",
    "UNITS",
    "LoadLimits",
    "LoadedPart",
    "guess_units",
    "load_part",
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


@dataclass(frozen=True)
class LoadLimits:
    """Bounds checked before and after parsing. Sizes in bytes."""

    max_bytes: int = 200_000_000
    max_triangles: int = 2_000_000
    max_uncompressed_bytes: int = 400_000_000  # 3MF: sum of the zip entries once inflated
    max_step_bytes: int = 50_000_000  # STEP is tessellated in one native call: keep it bounded


@dataclass
class LoadedPart:
    """A part ready for measurement: ``mesh`` is a trimesh.Trimesh in millimetres."""

    mesh: Any
    file_format: str
    units_assumed: str
    units_source: str  # "file" | "guessed" | "user"
    bodies: int
    notes: list[str] = field(default_factory=list)


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
    raise InputError(
        "file", f"unsupported file type {suffix or 'unknown'!r}; use STL, OBJ, 3MF or STEP",
        valid=list(FORMATS),
    )


def _check_stl(data: bytes, limits: LoadLimits) -> None:
    if len(data) >= 84:
        declared = struct.unpack_from("<I", data, 80)[0]
        if len(data) == 84 + 50 * declared:
            if declared == 0:
                raise InputError("file", "the STL file declares no triangles")
            if declared > limits.max_triangles:
                raise InputError(
                    "file", f"{declared:,} triangles exceed the limit of {limits.max_triangles:,}"
                )
            return
    stripped = data.lstrip()
    if stripped[:5].lower() == b"solid" and b"facet" in data[:4096].lower():
        facets = data.count(b"endfacet")
        if facets > limits.max_triangles:
            raise InputError(
                "file", f"{facets:,} triangles exceed the limit of {limits.max_triangles:,}"
            )
        if facets == 0 or data.count(b"facet normal") != facets or b"endsolid" not in data[-4096:]:
            raise InputError("file", "the ASCII STL file is truncated or malformed")
        return
    if len(data) >= 84:
        declared = struct.unpack_from("<I", data, 80)[0]
        expected = 84 + 50 * declared
        if declared and len(data) < expected:
            raise InputError(
                "file",
                f"the binary STL file is truncated: header declares {declared:,} triangles "
                f"({expected:,} bytes) but the file has {len(data):,} bytes",
            )
        if declared and len(data) > expected + 1024:
            raise InputError(
                "file", "the binary STL header does not match the file length (not an STL file?)"
            )
        if declared > limits.max_triangles:
            raise InputError(
                "file", f"{declared:,} triangles exceed the limit of {limits.max_triangles:,}"
            )
        if declared:
            return
    raise InputError("file", "not an STL file (neither binary nor ASCII STL)")


def _check_obj(data: bytes, limits: LoadLimits) -> None:
    faces = len(re.findall(rb"(?m)^[ \t]*f[ \t]", data))
    if faces == 0:
        raise InputError("file", "the OBJ file has no faces (not a mesh)")
    if faces > limits.max_triangles:
        raise InputError(
            "file", f"{faces:,} faces exceed the limit of {limits.max_triangles:,} triangles"
        )


def _check_3mf(data: bytes, limits: LoadLimits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise InputError("file", "not a 3MF file (not a valid zip archive)") from exc
    with archive:
        infos = archive.infolist()
        if not any(i.filename.lower().endswith(".model") for i in infos):
            raise InputError("file", "the 3MF archive has no 3D model part")
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_uncompressed_bytes:
            raise InputError(
                "file",
                f"the 3MF archive would inflate to {declared:,} bytes, over the limit of "
                f"{limits.max_uncompressed_bytes:,} (zip bomb?)",
            )
        budget = limits.max_uncompressed_bytes
        triangles = 0
        for info in infos:
            # Declared sizes can lie: read each entry with a hard bound.
            try:
                with archive.open(info) as fh:
                    while True:
                        chunk = fh.read(1 << 20)
                        if not chunk:
                            break
                        budget -= len(chunk)
                        if budget < 0:
                            raise InputError(
                                "file", "the 3MF archive inflates past the size limit (zip bomb?)"
                            )
                        if info.filename.lower().endswith(".model"):
                            triangles += chunk.count(b"<triangle ")
            except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
                if isinstance(exc, InputError):
                    raise
                raise InputError("file", f"the 3MF archive is damaged: {exc}") from exc
        if triangles > limits.max_triangles:
            raise InputError(
                "file", f"{triangles:,} triangles exceed the limit of {limits.max_triangles:,}"
            )
        if triangles == 0:
            raise InputError("file", "the 3MF model has no triangles")


def _check_step(data: bytes) -> None:
    if b"ISO-10303-21" not in data[:1000]:
        raise InputError("file", "not a STEP file (no ISO-10303-21 header)")
    if b"END-ISO-10303-21" not in data[-2000:]:
        raise InputError("file", "the STEP file is truncated (no END-ISO-10303-21 trailer)")


def _to_bodies(loaded: Any) -> tuple[list[Any], str | None]:
    """Flatten what trimesh returned into a list of Trimesh bodies plus the declared units."""
    import trimesh

    units = getattr(loaded, "units", None)
    if isinstance(loaded, trimesh.Scene):
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
    return float(np.einsum("ij,ij->i", tri[:, 0], np.cross(tri[:, 1], tri[:, 2])).sum() / 6.0)


def load_part(
    source: str | Path | bytes,
    *,
    filename: str | None = None,
    units: str = "auto",
    limits: LoadLimits | None = None,
) -> LoadedPart:
    """Load a CAD file (path, or bytes plus ``filename``) as one mesh in millimetres.

    ``units`` is ``"auto"`` (file units, else a guess from the size) or one of ``mm``, ``inch``,
    ``m`` to override. Raises InputError("file", reason) for empty, truncated, oversized or
    unreadable files and InputError("units", …) for an unknown unit.
    """
    import trimesh

    limits = limits or LoadLimits()
    if units not in UNITS:
        raise InputError("units", f"unknown unit {units!r}", valid=list(UNITS))
    if isinstance(source, bytes):
        data = source
        name = filename or "upload"
    else:
        path = Path(source)
        name = filename or path.name
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise InputError("file", f"cannot read {path.name}: {exc.strerror}") from exc
        if size > limits.max_bytes:
            raise InputError("file", f"{size:,} bytes exceed the limit of {limits.max_bytes:,}")
        data = path.read_bytes()
    if len(data) == 0:
        raise InputError("file", "the file is empty")
    if len(data) > limits.max_bytes:
        raise InputError("file", f"{len(data):,} bytes exceed the limit of {limits.max_bytes:,}")
    fmt = _detect_format(name, data[:512])
    if fmt == "stl":
        _check_stl(data, limits)
    elif fmt == "obj":
        _check_obj(data, limits)
    elif fmt == "3mf":
        _check_3mf(data, limits)
    else:
        if len(data) > limits.max_step_bytes:
            raise InputError(
                "file", f"{len(data):,} bytes exceed the STEP limit of {limits.max_step_bytes:,}"
            )
        _check_step(data)

    try:
        if fmt == "step":
            with _native_stdout_to_stderr():
                loaded = trimesh.load(io.BytesIO(data), file_type="step", process=True)
        else:
            loaded = trimesh.load(io.BytesIO(data), file_type=fmt, process=True)
    except Exception as exc:  # parsers raise anything from ValueError to IndexError
        if fmt == "step":  # cascadio's errors name temporary files: keep them out
            raise InputError("file", "cannot read the STEP file (damaged or no solids)") from exc
        raise InputError("file", f"cannot parse the {fmt.upper()} file: {exc}") from exc
    bodies, declared_units = _to_bodies(loaded)
    if not bodies:
        raise InputError("file", f"the {fmt.upper()} file contains no triangles")
    triangles = sum(len(b.faces) for b in bodies)
    if triangles > limits.max_triangles:
        raise InputError(
            "file", f"{triangles:,} triangles exceed the limit of {limits.max_triangles:,}"
        )
    for body in bodies:
        if not np.all(np.isfinite(body.vertices)):
            raise InputError("file", "the mesh has non-finite vertex coordinates")
        if not body.is_watertight:  # tessellated solids (STEP) arrive with split seams
            body.merge_vertices()
            body.remove_unreferenced_vertices()
    volumes = [_signed_volume(b) for b in bodies]
    span = max((float(np.max(b.extents)) for b in bodies if len(b.vertices)), default=0.0)
    if span > 0 and not sum(abs(v) for v in volumes) > 1e-9 * span**3:
        # An open or flat surface: volumes, masses and costs would be meaningless (and
        # trimesh divides by the zero volume). A solid model is what a quote needs.
        raise InputError("file", "the mesh encloses no volume (an open or flat surface); "
                         "export the part as a closed solid")
    inverted = [b for b, v in zip(bodies, volumes, strict=True) if b.is_watertight and v < 0]
    for body in inverted:  # faces wound inside out: flip so volumes and normals are right
        body.invert()
    body_count = sum(int(b.body_count) for b in bodies)
    mesh: Any = trimesh.util.concatenate(bodies) if len(bodies) > 1 else bodies[0]
    extent = float(np.max(mesh.extents)) if len(mesh.vertices) else 0.0
    if not extent > 0:
        raise InputError("file", "the mesh is degenerate (zero size)")

    notes: list[str] = []
    if inverted:
        notes.append(f"{len(inverted)} body(ies) had inward-facing normals and were flipped")
    file_unit = _TRIMESH_UNITS.get(str(declared_units).lower()) if declared_units else None
    if units != "auto":
        unit, unit_source = units, "user"
        if file_unit and file_unit != units:
            notes.append(f"the file states {file_unit}; overridden by the user to {units}")
    elif fmt in ("step", "3mf") and file_unit:
        unit, unit_source = file_unit, "file"
    else:
        unit, reason = guess_units(extent)
        unit_source = "guessed"
        notes.append(reason)
    factor = MM_PER_UNIT.get(unit, _EXTRA_MM.get(unit, 1.0))
    if factor != 1.0:
        mesh.apply_scale(factor)
    if unit not in MM_PER_UNIT:
        notes.append(f"file unit {unit} converted to mm")
        unit = "mm"
    return LoadedPart(
        mesh=mesh,
        file_format=fmt,
        units_assumed=unit,
        units_source=unit_source,
        bodies=max(body_count, 1),
        notes=notes,
    )
