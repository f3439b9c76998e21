"""A light mesh for the 3D preview: the part decimated by vertex clustering to at most a few
thousand triangles, with the faces near each DFM highlight point marked, as plain lists the
browser turns into a three.js BufferGeometry. Lengths in mm."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["HIGHLIGHT_KINDS", "preview_mesh"]

HIGHLIGHT_KINDS = ("undercut", "thin", "no_draft")  # the order decides a face's colour


def _cluster(vertices: np.ndarray, faces: np.ndarray, cells: int) -> tuple[np.ndarray, np.ndarray]:
    """Vertex clustering on a grid of ``cells`` along the longest side: vertices in one cell
    merge to their mean; faces that collapse are dropped."""
    lo = vertices.min(axis=0)
    span = float((vertices.max(axis=0) - lo).max()) or 1.0
    key = np.floor((vertices - lo) / span * cells).astype(np.int64)
    _, cluster, counts = np.unique(key, axis=0, return_inverse=True, return_counts=True)
    cluster = cluster.ravel()
    merged = np.zeros((len(counts), 3))
    np.add.at(merged, cluster, vertices)
    merged /= counts[:, None]
    f = cluster[faces]
    keep = (f[:, 0] != f[:, 1]) & (f[:, 1] != f[:, 2]) & (f[:, 0] != f[:, 2])
    f = np.unique(np.sort(f[keep], axis=1), axis=0, return_index=True)[1]
    return merged, cluster[faces][keep][np.sort(f)]


def preview_mesh(mesh: Any, highlights: Mapping[str, Any] | None = None, *,
                 max_faces: int = 8000, thin_below_mm: float | None = None) -> dict[str, Any]:
    """``{"positions": [x, y, z, …] per face corner, "face_kind": [0|1|2|3 per face],
    "kinds": [...], "bbox_mm": [...], "faces": n, "source_faces": m, "highlighted": {kind: n}}``.

    ``highlights`` is ``geometry["highlights"]`` of the analysis (points in mm; thin points
    carry their thickness, kept when below ``thin_below_mm``); each point marks the preview
    face whose centre is nearest, and its neighbours within a few mm.
    """
    from scipy.spatial import cKDTree

    vertices = np.asarray(mesh.vertices, dtype=np.float64)
    faces = np.asarray(mesh.faces, dtype=np.int64)
    source_faces = len(faces)
    # a closed surface on a grid of n cells per side has about 12 n² triangles
    cells = max(8, int((max_faces / 12) ** 0.5 * 1.5))
    while len(faces) > max_faces and cells >= 8:
        vertices, faces = _cluster(np.asarray(mesh.vertices, dtype=np.float64),
                                   np.asarray(mesh.faces, dtype=np.int64), cells)
        cells //= 2
    tri = vertices[faces]
    centres = tri.mean(axis=1)
    kind = np.zeros(len(faces), dtype=np.int64)
    counts: dict[str, int] = {}
    if highlights and len(faces):
        tree = cKDTree(centres)
        span = float(np.ptp(vertices, axis=0).max()) or 1.0
        radius = 0.03 * span
        for code, name in reversed(list(enumerate(HIGHLIGHT_KINDS, start=1))):
            pts = np.asarray(highlights.get(name) or [], dtype=np.float64)
            if name == "thin" and len(pts):
                if thin_below_mm is not None:
                    pts = pts[pts[:, 3] < thin_below_mm]
                pts = pts[:, :3]
            if not len(pts):
                continue
            hit = set()
            for group in tree.query_ball_point(pts, r=radius):
                hit.update(group)
            _, nearest = tree.query(pts)
            hit.update(int(i) for i in np.atleast_1d(nearest))
            idx = np.fromiter(hit, dtype=np.int64)
            kind[idx] = code
            counts[name] = len(idx)
    return {
        "positions": [round(float(v), 3) for v in tri.reshape(-1)],
        "face_kind": kind.tolist(),
        "kinds": list(HIGHLIGHT_KINDS),
        "bbox_mm": [round(float(x), 3) for x in np.ptp(vertices, axis=0)] if len(vertices)
        else [0, 0, 0],
        "centre_mm": [round(float(x), 3) for x in (vertices.min(axis=0) + vertices.max(axis=0)) / 2]
        if len(vertices) else [0, 0, 0],
        "faces": len(faces),
        "source_faces": int(source_faces),
        "highlighted": counts,
    }
