"""Cheap pre-scans that bound the work of loading a CAD file before any parser runs.

Each scan reads the raw bytes in bounded chunks (a few MB of numpy scratch at a time, never a
copy of the whole file) and returns what the file will cost to parse: the triangles it will
become, the largest polygon, the vertices. :func:`check_limits` refuses a file over a limit
with :class:`shisaku.errors.InputError` naming the limit, so that a hostile or oversized file
is answered in well under a second and the parser never starts.

What is counted, by format:

- binary STL: the header's triangle count, checked against the file length;
- ASCII STL: ``vertex`` keywords / 3 and ``endfacet`` keywords, case-insensitive (upper-case
  keywords are valid and read by trimesh);
- OBJ: per ``f`` line its vertex references; a polygon of n vertices becomes n − 2
  triangles, and no polygon may have more than ``max_face_vertices`` vertices (a single
  300,000-vertex face drove a web worker to 3.4 GB); negative (relative) indices are noted;
- 3MF: the inflated size of the zip entries (read with a byte budget, so a zip bomb is cut
  off) and the ``triangle`` elements of the model parts, with or without a namespace prefix;
  objects placed many times by ``component``/``item`` references are bounded after parsing
  (see ``loading``), before the instances are expanded.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from shisaku.engines.messages import refuse, say
from shisaku.errors import InputError

__all__ = [
    "LoadLimits",
    "Scan",
    "check_limits",
    "resolve_obj_relative_indices",
    "scan_bytes",
]

_CHUNK = 4 << 20  # bytes of a file examined at once


@dataclass(frozen=True)
class LoadLimits:
    """Bounds checked before and after parsing. Sizes in bytes.

    ``max_triangles`` bounds memory and time of every later stage (about 1 KB of working
    memory per triangle at the peak of the analysis); ``max_face_vertices`` bounds one OBJ
    polygon, whose triangulation is quadratic in some readers.
    """

    max_bytes: int = 200_000_000
    max_triangles: int = 1_000_000
    max_face_vertices: int = 1_000
    max_uncompressed_bytes: int = 150_000_000  # 3MF: sum of the zip entries once inflated
    max_step_bytes: int = 50_000_000  # STEP is tessellated in one native call: keep it bounded


@dataclass
class Scan:
    """What a pre-scan learnt about a file without parsing it."""

    file_format: str
    triangles: int = 0  # triangles the file will become (upper bound where exact is costly)
    max_face_vertices: int = 3
    relative_indices: bool = False
    non_finite: bool = False  # a vertex coordinate is NaN or infinite
    notes: list[dict[str, Any]] = field(default_factory=list)  # {code, params, message}


def _chunks(data: bytes, overlap: int = 0) -> Iterator[bytes]:
    """Pieces of ``data`` of about _CHUNK bytes, each overlapping the next by ``overlap``."""
    start = 0
    while start < len(data):
        end = min(len(data), start + _CHUNK)
        yield data[start:end + overlap]
        start = end


def _line_chunks(data: bytes) -> Iterator[bytes]:
    """Pieces of ``data`` of about _CHUNK bytes that end at a line end."""
    start = 0
    while start < len(data):
        end = min(len(data), start + _CHUNK)
        if end < len(data):
            cut = data.rfind(b"\n", start, end)
            if cut <= start:  # one line longer than a chunk: take it whole
                cut = data.find(b"\n", end)
                end = len(data) if cut < 0 else cut + 1
            else:
                end = cut + 1
        yield data[start:end]
        start = end


def _count_ci(data: bytes, word: bytes) -> int:
    """Case-insensitive occurrences of ``word`` (ASCII) in ``data``, chunk by chunk."""
    total = 0
    w = word.lower()
    # the overlap is one byte shorter than the word: an occurrence is whole in exactly one piece
    for piece in _chunks(data, overlap=len(word) - 1):
        total += piece.lower().count(w)
    return total


_WS = np.zeros(256, dtype=bool)
_WS[[9, 10, 11, 12, 13, 32]] = True


def _scan_obj(data: bytes, scan: Scan) -> None:
    """Triangles and the largest polygon of an OBJ file, vectorised per chunk of lines."""
    triangles = 0
    largest = 0
    relative = False
    for piece in _line_chunks(data):
        a = np.frombuffer(piece, dtype=np.uint8)
        ws = _WS[a]
        prev = np.empty_like(ws)
        prev[0] = True
        prev[1:] = ws[:-1]
        starts = np.flatnonzero(~ws & prev)  # first byte of every token
        if not len(starts):
            continue
        ends = np.flatnonzero(a == 10)
        line = np.searchsorted(ends, starts)  # line number of each token
        first = np.ones(len(starts), dtype=bool)
        first[1:] = line[1:] != line[:-1]
        nxt = np.minimum(starts + 1, len(a) - 1)
        is_face = first & (a[starts] == ord("f")) & (_WS[a[nxt]] | (starts + 1 == len(a)))
        if not np.any(is_face):
            continue
        face_lines = line[is_face]
        tokens = np.bincount(line, minlength=int(line.max()) + 1)
        refs = tokens[face_lines] - 1  # tokens after the "f"
        triangles += int(np.maximum(refs - 2, 0).sum())
        largest = max(largest, int(refs.max()))
        if not relative:
            # a "-" right after whitespace on a face line: a relative (negative) index
            minus = starts[(a[starts] == ord("-"))]
            if len(minus) and np.any(np.isin(line[np.searchsorted(starts, minus)], face_lines)):
                relative = True
    scan.triangles = triangles
    scan.max_face_vertices = max(largest, 3) if triangles else largest
    scan.relative_indices = relative


_STL_RECORD = np.dtype([("normal", "<f4", 3), ("vertices", "<f4", (3, 3)), ("attr", "<u2")])
_NON_FINITE = re.compile(
    rb"(?im)^[ \t]*(?:v|vertex)[ \t][^\n]*?(?<![a-z_])[+-]?(?:nan|inf)(?![a-z_])"
)


def _binary_stl_non_finite(data: bytes, count: int) -> bool:
    step = 200_000
    for start in range(0, count, step):
        n = min(step, count - start)
        records = np.frombuffer(data, dtype=_STL_RECORD, count=n, offset=84 + 50 * start)
        if not np.all(np.isfinite(records["vertices"])):
            return True
    return False


def _text_non_finite(data: bytes) -> bool:
    """A vertex line with a NaN or infinite coordinate (readers drop such faces silently)."""
    if not (_count_ci(data, b"nan") or _count_ci(data, b"inf")):
        return False  # the usual case, decided by two fast byte counts
    return _NON_FINITE.search(data) is not None


def _scan_stl(data: bytes, scan: Scan) -> None:
    if len(data) >= 84:
        declared = struct.unpack_from("<I", data, 80)[0]
        if len(data) == 84 + 50 * declared:
            scan.triangles = int(declared)
            scan.non_finite = _binary_stl_non_finite(data, int(declared))
            return
    if data.lstrip()[:5].lower() == b"solid":
        scan.non_finite = _text_non_finite(data)
        vertices = _count_ci(data, b"vertex")
        facets = _count_ci(data, b"endfacet")
        scan.triangles = max(facets, vertices // 3)
        if vertices != 3 * facets:
            scan.notes.append(say("stl_vertex_count", facets=facets, vertices=vertices))
        return
    if len(data) >= 84:
        declared = struct.unpack_from("<I", data, 80)[0]
        expected = 84 + 50 * declared
        if declared and len(data) < expected:
            raise refuse("file", "stl_truncated", declared=int(declared),
                         expected=int(expected), bytes=len(data))
        if declared and len(data) > expected + 1024:
            raise refuse("file", "stl_length_mismatch")
        if declared:
            scan.triangles = int(declared)
            return
    raise refuse("file", "stl_not_stl")


_TRIANGLE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?triangle[\s/>]")


def _scan_3mf(data: bytes, scan: Scan, limits: LoadLimits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise refuse("file", "threemf_not_zip") from exc
    with archive:
        infos = archive.infolist()
        if not any(i.filename.lower().endswith(".model") for i in infos):
            raise refuse("file", "threemf_no_model")
        declared = sum(i.file_size for i in infos)
        limit = limits.max_uncompressed_bytes
        if declared > limit:
            raise refuse("file", "threemf_inflates_declared", bytes=int(declared),
                         limit=int(limit))
        budget = limit
        triangles = 0
        for info in infos:
            is_model = info.filename.lower().endswith(".model")
            tail = b""
            try:
                with archive.open(info) as fh:  # declared sizes can lie: read with a bound
                    while True:
                        chunk = fh.read(1 << 20)
                        if not chunk:
                            break
                        budget -= len(chunk)
                        if budget < 0:
                            raise refuse("file", "threemf_inflates", limit=int(limit))
                        if is_model:
                            # the previous chunk's end goes first, in case a tag is cut in
                            # two; tags whole inside it were counted already
                            text = tail + chunk
                            triangles += len(_TRIANGLE.findall(text))
                            triangles -= len(_TRIANGLE.findall(tail))
                            tail = text[-64:]
            except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError) as exc:
                if isinstance(exc, InputError):
                    raise
                raise refuse("file", "threemf_damaged", detail=str(exc)) from exc
        scan.triangles = triangles


def resolve_obj_relative_indices(data: bytes) -> bytes:
    """Rewrite negative (relative) OBJ indices as absolute ones, counted where each face line
    stands. trimesh resolves them against the *final* vertex list, which is wrong when vertex
    and face lines interleave (trimesh issue #2364); the file size is bounded by the scan."""
    counts = {b"v": 0, b"vt": 0, b"vn": 0}
    out = []
    for raw in data.splitlines():
        stripped = raw.lstrip()
        key = stripped.split(None, 1)[0] if stripped else b""
        if key in counts:
            counts[key] += 1
            out.append(raw)
            continue
        if key != b"f" or b"-" not in stripped:
            out.append(raw)
            continue
        refs = []
        for token in stripped.split()[1:]:
            parts = token.split(b"/")
            for k, (part, kind) in enumerate(zip(parts, (b"v", b"vt", b"vn"), strict=False)):
                if part.startswith(b"-") and part[1:].isdigit():  # else the reader reports it
                    parts[k] = str(counts[kind] + int(part) + 1).encode()
            refs.append(b"/".join(parts))
        out.append(b"f " + b" ".join(refs))
    return b"\n".join(out) + b"\n"


def scan_bytes(data: bytes, file_format: str, limits: LoadLimits) -> Scan:
    """Pre-scan ``data`` of ``file_format`` (stl, obj, 3mf, step) and return a :class:`Scan`.

    Raises InputError for files that are not what they claim (truncated binary STL, not a
    zip …); limits are checked by :func:`check_limits`.
    """
    scan = Scan(file_format)
    if file_format == "stl":
        _scan_stl(data, scan)
    elif file_format == "obj":
        _scan_obj(data, scan)
        scan.non_finite = _text_non_finite(data)
        if scan.relative_indices:
            scan.notes.append(say("obj_relative_indices"))
    elif file_format == "3mf":
        _scan_3mf(data, scan, limits)
    return scan


def check_limits(scan: Scan, limits: LoadLimits) -> None:
    """Refuse a scanned file over a limit, naming the limit (InputError on field "file")."""
    if scan.file_format == "obj" and scan.max_face_vertices > limits.max_face_vertices:
        raise refuse("file", "obj_face_too_many_vertices", vertices=scan.max_face_vertices,
                     limit=limits.max_face_vertices)
    if scan.non_finite:
        raise refuse("file", "mesh_non_finite")
    if scan.triangles > limits.max_triangles:
        raise refuse("file", "triangles_too_many", triangles=scan.triangles,
                     limit=limits.max_triangles)
    if scan.file_format in ("stl", "obj", "3mf") and scan.triangles == 0:
        what = {"stl": "STL", "obj": "OBJ", "3mf": "3MF"}[scan.file_format]
        raise refuse("file", "mesh_no_triangles", format=what)
