"""First-hit ray casting against a triangle mesh: an R-tree of triangle boxes plus vectorised
Möller–Trumbore tests, with a brute-force reference used by tests and the benchmark baseline.

trimesh's own ray engine (without embree) queries one long box per ray and is far too slow for
thousands of rays on a 100k-triangle part; here each ray is cut into short pieces whose boxes
are queried in bulk (``rtree.Index.intersection_v``), nearest pieces first, so that a ray that
hits a nearby wall never looks at the far side of the part. All lengths are in the mesh's units
(millimetres in this package).
"""

from __future__ import annotations

import math

import numpy as np
import rtree
from numpy.typing import NDArray

__all__ = ["RayCaster", "first_hit_bruteforce"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_DENSE_PAIRS = 400_000  # below this many ray-triangle pairs, test them all without the index
_BARY_EPS = 1e-9  # tolerance on barycentric coordinates so rays do not slip through shared edges


def _moller_trumbore(
    origins: FloatArray, directions: FloatArray, v0: FloatArray, v1: FloatArray, v2: FloatArray
) -> FloatArray:
    """Ray parameter t of each (ray, triangle) pair, NaN where the ray misses the triangle."""
    e1 = v1 - v0
    e2 = v2 - v0
    p = np.cross(directions, e2)
    det = np.einsum("ij,ij->i", e1, p)
    ok = np.abs(det) > 1e-15
    inv = np.zeros_like(det)
    inv[ok] = 1.0 / det[ok]
    s = origins - v0
    u = np.einsum("ij,ij->i", s, p) * inv
    q = np.cross(s, e1)
    v = np.einsum("ij,ij->i", directions, q) * inv
    t = np.einsum("ij,ij->i", e2, q) * inv
    ok &= (u >= -_BARY_EPS) & (v >= -_BARY_EPS) & (u + v <= 1.0 + _BARY_EPS)
    return np.where(ok, t, np.nan)


def first_hit_bruteforce(
    triangles: FloatArray,
    origins: FloatArray,
    directions: FloatArray,
    *,
    t_min: float = 0.0,
    t_max: float | FloatArray = math.inf,
) -> tuple[FloatArray, IntArray]:
    """Reference first hit: every ray against every triangle (O(rays × triangles)).

    Returns (distance, triangle index) per ray; ``inf`` and -1 where nothing is hit within
    (t_min, t_max]. Used by property tests and as the benchmark's naive baseline.
    """
    n = len(origins)
    dist = np.full(n, np.inf)
    face = np.full(n, -1, dtype=np.int64)
    limits = np.broadcast_to(np.asarray(t_max, dtype=np.float64), (n,))
    for i in range(n):
        o = np.broadcast_to(origins[i], (len(triangles), 3))
        d = np.broadcast_to(directions[i], (len(triangles), 3))
        t = _moller_trumbore(o, d, triangles[:, 0], triangles[:, 1], triangles[:, 2])
        t = np.where((t > t_min) & (t <= limits[i]), t, np.inf)
        if len(t) and np.isfinite(t.min()):
            face[i] = int(np.argmin(t))
            dist[i] = float(t[face[i]])
    return dist, face


class RayCaster:
    """First-hit queries on one triangle soup (``triangles``: float array (n, 3, 3)).

    ``dense_pairs``: up to this many ray-triangle pairs a query tests all pairs directly
    (faster for small meshes); set it to 0 to force the indexed path.
    """

    dense_pairs: int = _DENSE_PAIRS

    def __init__(self, triangles: FloatArray) -> None:
        self.triangles = np.ascontiguousarray(triangles, dtype=np.float64)
        lo = self.triangles.min(axis=1)
        hi = self.triangles.max(axis=1)
        span = float(np.max(hi.max(axis=0) - lo.min(axis=0))) if len(lo) else 1.0
        self.scale = span if span > 0 else 1.0
        pad = 1e-9 * self.scale
        prop = rtree.index.Property()
        prop.dimension = 3
        ids = np.arange(len(self.triangles), dtype=np.int64)
        self._tree = rtree.index.Index(
            (ids, np.ascontiguousarray(lo - pad), np.ascontiguousarray(hi + pad)),
            properties=prop,
            interleaved=True,
        )

    def first_hit(
        self,
        origins: FloatArray,
        directions: FloatArray,
        *,
        t_min: float = 0.0,
        t_max: float | FloatArray = math.inf,
        piece_length: float | None = None,
    ) -> tuple[FloatArray, IntArray]:
        """Distance to and index of the first triangle hit by each ray in (t_min, t_max].

        ``directions`` must be unit vectors. ``t_max`` (scalar or per ray) must be finite when
        ``piece_length`` is given; rays are then examined piece by piece, doubling the reach
        each pass, and stop as soon as they hit. Without ``piece_length`` each ray is one box
        (right for axis-aligned rays, whose boxes are thin). Misses give ``inf`` and -1.
        """
        n = len(origins)
        origins = np.asarray(origins, dtype=np.float64)
        directions = np.asarray(directions, dtype=np.float64)
        dist = np.full(n, np.inf)
        face = np.full(n, -1, dtype=np.int64)
        if n == 0 or len(self.triangles) == 0:
            return dist, face
        limits = np.broadcast_to(np.asarray(t_max, dtype=np.float64), (n,)).copy()
        if n * len(self.triangles) <= self.dense_pairs:
            self._dense(origins, directions, t_min, limits, dist, face)
            return dist, face
        if piece_length is None:
            if not np.all(np.isfinite(limits)):
                limits = np.where(np.isfinite(limits), limits, 4.0 * self.scale)
            self._pass(origins, directions, np.arange(n), np.zeros(n), limits, 1, t_min, dist, face)
            return dist, face
        if not np.all(np.isfinite(limits)):
            raise ValueError("t_max must be finite when piece_length is given")
        step = max(float(piece_length), 1e-9 * self.scale)
        start = 0.0
        pieces = 1
        while True:
            active = np.flatnonzero((face < 0) & (limits > start))
            if len(active) == 0:
                break
            end = start + step * pieces
            seg_end = np.minimum(limits[active], end)
            self._pass(
                origins, directions, active, np.full(len(active), start), seg_end, pieces,
                t_min, dist, face,
            )
            start = end
            pieces *= 2
        return dist, face

    def _dense(
        self,
        origins: FloatArray,
        directions: FloatArray,
        t_min: float,
        limits: FloatArray,
        dist: FloatArray,
        face: IntArray,
    ) -> None:
        """Small problems: every ray against every triangle, vectorised, no index."""
        n_tri = len(self.triangles)
        rays = np.repeat(np.arange(len(origins)), n_tri)
        tris = np.tile(np.arange(n_tri), len(origins))
        tri = self.triangles[tris]
        t = _moller_trumbore(origins[rays], directions[rays], tri[:, 0], tri[:, 1], tri[:, 2])
        t = np.where(np.isfinite(t) & (t > t_min) & (t <= limits[rays]), t, np.inf).reshape(
            len(origins), n_tri
        )
        best = np.argmin(t, axis=1)
        found = np.isfinite(t[np.arange(len(origins)), best])
        dist[found] = t[np.arange(len(origins)), best][found]
        face[found] = best[found]

    def _pass(
        self,
        origins: FloatArray,
        directions: FloatArray,
        rays: IntArray,
        seg_start: FloatArray,
        seg_end: FloatArray,
        pieces: int,
        t_min: float,
        dist: FloatArray,
        face: IntArray,
    ) -> None:
        """Test ``rays`` over [seg_start, seg_end] cut into ``pieces`` boxes; keep hits ≤ seg_end."""
        frac = np.arange(pieces + 1, dtype=np.float64) / pieces
        t_pts = seg_start[:, None] + (seg_end - seg_start)[:, None] * frac[None, :]
        pts = origins[rays][:, None, :] + t_pts[:, :, None] * directions[rays][:, None, :]
        a = pts[:, :-1, :].reshape(-1, 3)
        b = pts[:, 1:, :].reshape(-1, 3)
        box_ray = np.repeat(rays, pieces)
        ids, counts = self._tree.intersection_v(  # type: ignore[no-untyped-call]
            np.ascontiguousarray(np.minimum(a, b)), np.ascontiguousarray(np.maximum(a, b))
        )
        if len(ids) == 0:
            return
        pair_ray = np.repeat(box_ray, counts.astype(np.int64))
        pair_tri = ids.astype(np.int64)
        if pieces > 1:  # a triangle can touch several pieces of one ray: test it once
            key = np.unique(pair_ray * len(self.triangles) + pair_tri)
            pair_ray = key // len(self.triangles)
            pair_tri = key % len(self.triangles)
        tri = self.triangles[pair_tri]
        t = _moller_trumbore(origins[pair_ray], directions[pair_ray], tri[:, 0], tri[:, 1], tri[:, 2])
        end_of = np.full(len(dist), -np.inf)
        end_of[rays] = seg_end
        ok = np.isfinite(t) & (t > t_min) & (t <= end_of[pair_ray] * (1 + 1e-12) + 1e-12)
        if not np.any(ok):
            return
        pair_ray, pair_tri, t = pair_ray[ok], pair_tri[ok], t[ok]
        order = np.lexsort((t, pair_ray))
        pair_ray, pair_tri, t = pair_ray[order], pair_tri[order], t[order]
        first = np.ones(len(pair_ray), dtype=bool)
        first[1:] = pair_ray[1:] != pair_ray[:-1]
        r = pair_ray[first]
        better = t[first] < dist[r]
        dist[r[better]] = t[first][better]
        face[r[better]] = pair_tri[first][better]
