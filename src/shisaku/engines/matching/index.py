"""The matching index: manufacturers and capabilities as numpy columns, queried in milliseconds.

Rows are manufacturers sorted by id (so row order is the tie-break order). Capabilities form
one flat table sorted by process, then manufacturer row: the capabilities of a process are a
contiguous slice (``proc_offsets``), so a required process only touches its own slice. A query
narrows candidates with the capability slices first, then the per-manufacturer columns
(bitsets for stages / certifications / product fields, country ids), computes float32
haversine distances only for the survivors of a latitude band (float64 near the limit), scores
only eligible rows — exactly, after a rough float32-distance pass with a proven error margin when
there are many — and ranks the top K by (score descending, id ascending). docs/MATCHING.md
describes the layout and the algorithm.

Example::

    >>> index = MatchIndex.build(records, generation=3)
    >>> result = index.query({"processes": ["cnc_milling"], "quantity": 300}, top_k=10)
    >>> index.save("match-index-3.npz"); MatchIndex.load("match-index-3.npz", generation=3)
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from shisaku import taxonomy
from shisaku.engines.matching import scoring
from shisaku.engines.matching._columns import (
    Vocabulary,
    bitset_array,
    compact_float,
    compact_int,
    float32_at_least,
    has_all_bits,
    has_bit,
    is_member,
    rows_bits,
    text_column,
)
from shisaku.engines.matching.geo import EARTH_RADIUS_KM, haversine_km_array
from shisaku.engines.matching.reasons import HitFacts, build_reasons
from shisaku.engines.matching.requirement import Requirement, parse_requirement
from shisaku.engines.matching.result import MatchHit, MatchResult

__all__ = ["FORMAT_VERSION", "MatchIndex", "SnapshotError", "StaleSnapshotError"]

FORMAT_VERSION = 2  # 2: on-time delivery columns

Array = npt.NDArray[Any]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Vocabulary kinds (taxonomy kind names) kept by the index.
_KINDS = ("stage", "product_field", "certification", "country", "process", "material")

# Every array of an index; the snapshot stores exactly these (plus the JSON metadata).
_ARRAYS = (
    # manufacturers (one row each, ascending id)
    "ids", "slug_buf", "slug_off", "name_buf", "name_off", "lat_rad", "lon_rad",
    "stage_bits", "field_bits", "cert_bits", "country_id", "accepts_foreign",
    "reply_hours", "rating", "rating_count", "startup_projects", "on_time_rate",
    "delivered_orders", "material_bits_all",
    "lead_days_all", "firm_partial", "lat_rad32", "lon_rad32", "cos_lat32",
    # capabilities (sorted by process, then manufacturer row)
    "proc_offsets", "cap_row", "cap_material_bits", "cap_min_lot", "cap_max_lot",
    "cap_env0", "cap_env1", "cap_env2", "cap_lead_days",
)


# Float32 haversine error bound used by the rough pass, in km. The float32 error is below
# 0.05 km up to _ROUGH_LIMIT_KM (inputs rounded to 2^-24 relative, a few ulp in the formula);
# beyond it (near antipodes, asin is ill-conditioned) only exact distances are used.
ROUGH_KM = 1.0
_ROUGH_LIMIT_KM = 18_000.0
# Up to this many eligible rows, distances and scores are computed exactly for all of them.
_EXACT_ROWS = 2048


def _kth_largest(values: FloatArray, k: int) -> float:
    """The k-th largest value (1-based). A strided sample finds a value that at least k exceed
    or equal, so the exact selection runs on a few dozen values instead of all."""
    n = values.size
    if n > 16 * k + 4096:
        sample = values[:: n // 2048]
        q = min(sample.size, -(-4 * k * sample.size // n))  # about 4k expected above it
        floor = np.partition(sample, sample.size - q)[sample.size - q]
        above = values[values >= floor]
        if above.size >= k:
            values = above
    return float(np.partition(values, values.size - k)[values.size - k])


def _kth_lower_bound(values: FloatArray, k: int) -> float:
    """A value ≤ the k-th largest of ``values`` (here: the k-th largest itself)."""
    return _kth_largest(values, min(k, values.size))


class SnapshotError(ValueError):
    """A snapshot file that cannot be used (wrong format version or damaged)."""


class StaleSnapshotError(SnapshotError):
    """A snapshot built from an older (or newer) data generation than the one asked for."""

    def __init__(self, found: int, expected: int) -> None:
        self.found = found
        self.expected = expected
        super().__init__(f"snapshot is of data generation {found}, expected {expected}")


def firm_factors(arrays: Mapping[str, Array], rows: IntArray) -> dict[str, FloatArray]:
    """The firm-only factors (FIRM_FACTORS) of ``rows``, from the raw columns."""
    return {
        "reply_speed": scoring.reply_factor_array(arrays["reply_hours"][rows].astype(np.float64)),
        "rating": scoring.rating_factor_array(arrays["rating"][rows].astype(np.float64),
                                              arrays["rating_count"][rows].astype(np.float64)),
        "startup_experience": scoring.startup_factor_array(
            arrays["startup_projects"][rows].astype(np.float64)),
        "on_time": scoring.on_time_factor_array(
            arrays["on_time_rate"][rows].astype(np.float64),
            arrays["delivered_orders"][rows].astype(np.float64)),
    }


def firm_partial(arrays: Mapping[str, Array], rows: IntArray,
                 weights: Mapping[str, float]) -> FloatArray:
    """Σ wᵢ·fᵢ of the firm-only factors of ``rows`` (the ``firm_partial`` column)."""
    return scoring.firm_partial_array(firm_factors(arrays, rows), weights)


def _optional_float(value: object) -> float:
    return math.nan if value is None else float(value)  # type: ignore[arg-type]


class _Builder:
    """Accumulates records column by column (one pass, no record kept)."""

    def __init__(self) -> None:
        self.vocab = {kind: Vocabulary(taxonomy.codes(kind)) for kind in _KINDS}
        self.m: dict[str, list[Any]] = {name: [] for name in (
            "ids", "slugs", "names", "lat", "lon", "stages", "fields", "certs", "country",
            "foreign", "reply", "rating", "rating_count", "startup", "on_time", "delivered",
            "materials_all",
            "lead_all")}
        self.c: dict[str, list[Any]] = {name: [] for name in (
            "row", "process", "materials", "min_lot", "max_lot", "env0", "env1", "env2",
            "lead")}

    def add(self, record: Mapping[str, Any]) -> None:
        v, m, c = self.vocab, self.m, self.c
        row = len(m["ids"])
        m["ids"].append(int(record["id"]))
        m["slugs"].append(str(record.get("slug") or ""))
        m["names"].append(str(record.get("name") or ""))
        m["lat"].append(float(record["lat"]))
        m["lon"].append(float(record["lon"]))
        m["stages"].append(v["stage"].mask(record.get("stages")))
        m["fields"].append(v["product_field"].mask(record.get("product_fields")))
        m["certs"].append(v["certification"].mask(record.get("certifications")))
        m["country"].append(v["country"].add(str(record.get("country") or "")))
        m["foreign"].append(bool(record.get("accepts_foreign")))
        m["reply"].append(_optional_float(record.get("reply_median_hours")))
        m["rating"].append(_optional_float(record.get("rating")))
        m["rating_count"].append(int(record.get("rating_count") or 0))
        m["startup"].append(int(record.get("startup_projects") or 0))
        m["on_time"].append(_optional_float(record.get("on_time_rate")))
        m["delivered"].append(int(record.get("delivered_orders") or 0))
        materials_all = 0
        lead_all = math.inf
        for cap in record.get("capabilities") or ():
            c["row"].append(row)
            c["process"].append(v["process"].add(str(cap["process"])))
            bits = v["material"].mask(cap.get("materials"))
            materials_all |= bits
            c["materials"].append(bits)
            c["min_lot"].append(cap.get("min_lot"))
            c["max_lot"].append(cap.get("max_lot"))
            envelope = cap.get("max_part_mm")
            if envelope is None:
                room = [math.inf, math.inf, math.inf]
            else:
                room = sorted(float(x) for x in envelope)
                if len(room) != 3:
                    raise ValueError(f"manufacturer {record['id']}: max_part_mm needs 3 sizes")
            c["env0"].append(room[0])
            c["env1"].append(room[1])
            c["env2"].append(room[2])
            lead = _optional_float(cap.get("lead_time_days"))
            c["lead"].append(lead)
            if not math.isnan(lead):
                lead_all = min(lead_all, lead)
        m["materials_all"].append(materials_all)
        m["lead_all"].append(math.nan if math.isinf(lead_all) else lead_all)

    def _lots(self) -> tuple[Array, Array]:
        lows = [0 if x is None else int(x) for x in self.c["min_lot"]]
        highs = [None if x is None else int(x) for x in self.c["max_lot"]]
        finite = lows + [x for x in highs if x is not None]
        dtype: type[np.signedinteger[Any]] = np.int32
        if finite and (max(finite) >= np.iinfo(np.int32).max or min(finite) < np.iinfo(np.int32).min):
            dtype = np.int64
            if max(finite) >= np.iinfo(np.int64).max:
                raise ValueError("a lot size is too large")
        unlimited = int(np.iinfo(dtype).max)  # stands for "no upper limit"
        return (np.asarray(lows, dtype=dtype),
                np.asarray([unlimited if x is None else x for x in highs], dtype=dtype))

    def finish(self, generation: int, weights: Mapping[str, float]) -> MatchIndex:
        m, c, v = self.m, self.c, self.vocab
        ids = np.asarray(m["ids"], dtype=np.int64)
        order = np.argsort(ids, kind="stable")
        if ids.size and bool(np.any(np.diff(ids[order]) == 0)):
            raise ValueError("manufacturer ids must be unique")
        new_row = np.empty_like(order)
        new_row[order] = np.arange(order.size)

        def perm(values: Array) -> Array:
            return values[order]

        slug_buf, slug_off = text_column([m["slugs"][i] for i in order])
        name_buf, name_off = text_column([m["names"][i] for i in order])
        a: dict[str, Array] = {
            "ids": compact_int(ids[order].tolist()),
            "slug_buf": slug_buf, "slug_off": slug_off,
            "name_buf": name_buf, "name_off": name_off,
            "lat_rad": np.radians(perm(np.asarray(m["lat"], dtype=np.float64))),
            "lon_rad": np.radians(perm(np.asarray(m["lon"], dtype=np.float64))),
            "stage_bits": perm(bitset_array(m["stages"], len(v["stage"]))),
            "field_bits": perm(bitset_array(m["fields"], len(v["product_field"]))),
            "cert_bits": perm(bitset_array(m["certs"], len(v["certification"]))),
            "country_id": perm(np.asarray(m["country"], dtype=np.int64)).astype(
                np.uint8 if len(v["country"]) <= 256 else np.uint32),
            "accepts_foreign": perm(np.asarray(m["foreign"], dtype=bool)),
            "reply_hours": perm(compact_float(m["reply"])),
            "rating": perm(compact_float(m["rating"])),
            "rating_count": perm(compact_int(m["rating_count"])),
            "startup_projects": perm(compact_int(m["startup"])),
            "on_time_rate": perm(compact_float(m["on_time"])),
            "delivered_orders": perm(compact_int(m["delivered"])),
            "material_bits_all": perm(bitset_array(m["materials_all"], len(v["material"]))),
            "lead_days_all": perm(compact_float(m["lead_all"])),
        }
        cap_row = new_row[np.asarray(c["row"], dtype=np.int64)]
        cap_process = np.asarray(c["process"], dtype=np.int64)
        cap_order = np.lexsort((cap_row, cap_process))
        min_lot, max_lot = self._lots()
        a["proc_offsets"] = np.searchsorted(cap_process[cap_order],
                                            np.arange(len(v["process"]) + 1)).astype(np.int64)
        a["cap_row"] = cap_row[cap_order].astype(np.int32 if order.size < 2**31 else np.int64)
        a["cap_material_bits"] = bitset_array(c["materials"], len(v["material"]))[cap_order]
        a["cap_min_lot"] = min_lot[cap_order]
        a["cap_max_lot"] = max_lot[cap_order]
        env = compact_float(c["env0"] + c["env1"] + c["env2"])
        n_caps = len(c["row"])
        for k in range(3):
            a[f"cap_env{k}"] = np.ascontiguousarray(env[k * n_caps:(k + 1) * n_caps][cap_order])
        a["cap_lead_days"] = compact_float(c["lead"])[cap_order]
        # float32 copies for the approximate first pass over large candidate sets
        a["lat_rad32"] = a["lat_rad"].astype(np.float32)
        a["lon_rad32"] = a["lon_rad"].astype(np.float32)
        a["cos_lat32"] = np.cos(a["lat_rad"]).astype(np.float32)
        a["firm_partial"] = firm_partial(a, np.arange(order.size), weights)
        vocab = {kind: list(v[kind].codes) for kind in _KINDS}
        return MatchIndex(a, vocab, generation, firm_weights=weights)


class MatchIndex:
    """Columnar index of manufacturers for :meth:`query`; build with :meth:`build`."""

    def __init__(self, arrays: Mapping[str, Array], vocab: Mapping[str, list[str]],
                 generation: int = 0, *, firm_weights: Mapping[str, float]) -> None:
        missing = [name for name in _ARRAYS if name not in arrays]
        if missing:
            raise SnapshotError(f"index arrays missing: {', '.join(missing)}")
        self.arrays: dict[str, Array] = {name: arrays[name] for name in _ARRAYS}
        self.vocab: dict[str, list[str]] = {k: list(vocab[k]) for k in _KINDS}
        self._ids: dict[str, dict[str, int]] = {
            k: {code: i for i, code in enumerate(codes)} for k, codes in self.vocab.items()}
        self.generation = int(generation)
        # The weights the firm_partial column was computed with.
        self.firm_weights = {name: float(firm_weights[name]) for name in scoring.FIRM_FACTORS}
        a = self.arrays
        self._lot_unlimited = int(np.iinfo(a["cap_max_lot"].dtype).max)
        self._ids_sorted: IntArray = a["ids"].astype(np.int64)
        self._text_views = {"slug": a["slug_buf"].data, "name": a["name_buf"].data}

    # ----------------------------------------------------------------- building, snapshots
    @classmethod
    def build(cls, records: Iterable[Mapping[str, Any]], *, generation: int = 0,
              weights: Mapping[str, float] | None = None) -> MatchIndex:
        """Index manufacturer records (dicts of the export format; ids unique).

        ``weights`` are the deployment's scoring weights: queries with the same weights for
        the firm-only factors use a precomputed column (others compute it per query).
        """
        resolved = scoring.validate_weights(weights)
        builder = _Builder()
        for record in records:
            builder.add(record)
        return builder.finish(generation, resolved)

    @property
    def size(self) -> int:
        """Number of manufacturers."""
        return int(self.arrays["ids"].size)

    @property
    def nbytes(self) -> int:
        """Memory held by the index arrays, in bytes."""
        return sum(int(arr.nbytes) for arr in self.arrays.values())

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write an uncompressed ``.npz`` snapshot atomically (temp file + rename); returns it."""
        target = Path(path)
        meta = {"format": FORMAT_VERSION, "generation": self.generation, "vocab": self.vocab,
                "firm_weights": self.firm_weights}
        payload: dict[str, Any] = dict(self.arrays)
        payload["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, **payload)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, generation: int | None = None) -> MatchIndex:
        """Read a snapshot; with ``generation``, raise :class:`StaleSnapshotError` unless it
        was built from that data generation. :class:`SnapshotError` for another format."""
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {name: data[name] for name in data.files}
        except (OSError, ValueError, KeyError) as exc:
            raise SnapshotError(f"cannot read snapshot {os.fspath(path)!r}: {exc}") from exc
        try:
            meta = json.loads(bytes(arrays.pop("meta")).decode("utf-8"))
        except (KeyError, ValueError) as exc:
            raise SnapshotError("snapshot has no readable metadata") from exc
        if meta.get("format") != FORMAT_VERSION:
            raise SnapshotError(f"snapshot format {meta.get('format')!r}, "
                                f"this version reads {FORMAT_VERSION}")
        found = int(meta["generation"])
        if generation is not None and found != generation:
            raise StaleSnapshotError(found, generation)
        try:
            return cls(arrays, meta["vocab"], found, firm_weights=meta["firm_weights"])
        except KeyError as exc:
            raise SnapshotError(f"snapshot lacks {exc}") from exc

    # ------------------------------------------------------------------------ queries
    def query(self, requirement: object, *, top_k: int | None = 20,
              weights: Mapping[str, float] | None = None,
              exclude: BoolArray | None = None) -> MatchResult:
        """Every eligible manufacturer counted, the best ``top_k`` ranked (all with ``None``).

        ``requirement`` is a :class:`Requirement` or its JSON object; ``weights`` overrides
        :data:`~shisaku.engines.matching.scoring.DEFAULT_WEIGHTS` (factor name -> weight ≥ 0).
        ``exclude`` (a boolean per row) leaves rows out as if they were not indexed (a patched
        index's changed firms; ``considered`` still counts every row).
        """
        started = time.perf_counter()
        req = parse_requirement(requirement)
        resolved = scoring.validate_weights(weights)
        if top_k is not None and top_k < 0:
            raise ValueError("top_k must be ≥ 0")
        rows, rough_km, per_process = self._eligible(req)
        if exclude is not None and rows.size:
            keep = ~exclude[rows]
            rows = rows[keep]
            if rough_km is not None:
                rough_km = rough_km[keep]
        hits: tuple[MatchHit, ...] = ()
        if rows.size and top_k != 0:
            hits = self._rank(req, resolved, rows, rough_km, per_process, top_k)
        return MatchResult(considered=self.size, eligible=int(rows.size),
                           elapsed_ms=(time.perf_counter() - started) * 1000.0, results=hits)

    def _rank(self, req: Requirement, weights: Mapping[str, float], rows: IntArray,
              rough_km: FloatArray | None, per_process: list[tuple[IntArray, Array]],
              top_k: int | None) -> tuple[MatchHit, ...]:
        """Score the eligible rows and return the best ``top_k`` as hits.

        With an origin and many rows, a first pass ranks on float32 distances (each within
        ROUGH_KM of the exact one), keeps every row that could still reach the top K given
        that error, and computes exact distances and scores only for those.
        """
        factors, lead = self._factors(req, rows, per_process)
        if all(weights[name] == self.firm_weights[name] for name in scoring.FIRM_FACTORS):
            partial = self.arrays["firm_partial"][rows]
        else:
            partial = firm_partial(self.arrays, rows, weights)
        if (rough_km is not None and top_k is not None and rows.size > _EXACT_ROWS
                and float(rough_km.max()) <= _ROUGH_LIMIT_KM):
            rough = dict(factors)
            rough["distance"] = scoring.distance_factor_array(rough_km.astype(np.float64))
            score = scoring.combine_arrays(rough, weights, partial)
            # Score error from a distance error e: ≤ w_distance / Σw · e / DISTANCE_HALF_KM.
            slack = (weights["distance"] / sum(weights.values())
                     * ROUGH_KM / scoring.DISTANCE_HALF_KM + 1e-12)
            keep = np.flatnonzero(score >= _kth_lower_bound(score, top_k) - 2.0 * slack)
            rows, partial, lead = rows[keep], partial[keep], lead[keep]
            factors = {name: f[keep] if isinstance(f, np.ndarray) else f
                       for name, f in factors.items()}
        distance: FloatArray | None = None
        if rough_km is not None:
            origin = req.origin_point()
            assert origin is not None
            a = self.arrays
            distance = haversine_km_array(math.radians(origin[0]), math.radians(origin[1]),
                                          a["lat_rad"][rows], a["lon_rad"][rows])
            factors["distance"] = scoring.distance_factor_array(distance)
        else:
            factors["distance"] = scoring.NEUTRAL
        score = scoring.combine_arrays(factors, weights, partial)
        chosen = self._top(score, rows, top_k)
        top_rows = rows[chosen]
        values: dict[str, list[float]] = {
            name: column.tolist() for name, column in firm_factors(self.arrays, top_rows).items()}
        for name, factor in factors.items():
            values[name] = (factor[chosen].tolist() if isinstance(factor, np.ndarray)
                            else [factor] * chosen.size)
        return self._hits(req, top_rows, score[chosen].tolist(),
                          None if distance is None else distance[chosen].tolist(),
                          values, lead[chosen].tolist())

    def eligible_ids(self, requirement: object, exclude: BoolArray | None = None) -> IntArray:
        """Ids of every eligible manufacturer, ascending (``exclude``: as in :meth:`query`)."""
        rows, _, _ = self._eligible(parse_requirement(requirement))
        if exclude is not None and rows.size:
            rows = rows[~exclude[rows]]
        out: IntArray = self._ids_sorted[rows]
        return out

    # ------------------------------------------------------------------ eligibility
    def _code_id(self, kind: str, code: str) -> int:
        # Valid taxonomy codes are always in the vocabulary (it starts from the taxonomy).
        return self._ids[kind][code]

    def _capability_ok(self, req: Requirement, start: int, stop: int) -> BoolArray | None:
        """Rule 1's lot and envelope checks over capabilities [start, stop); None = all pass."""
        a = self.arrays
        ok: BoolArray | None = None
        if req.quantity is not None:
            q = min(req.quantity, self._lot_unlimited)
            ok = (a["cap_min_lot"][start:stop] <= q) & (a["cap_max_lot"][start:stop] >= q)
        if req.part_size_mm is not None:
            for k, size in enumerate(sorted(req.part_size_mm)):
                env = a[f"cap_env{k}"][start:stop]
                bound = float32_at_least(size) if env.dtype == np.float32 else np.float64(size)
                fits = env >= bound
                ok = fits if ok is None else ok & fits
        return ok

    def _by_process(self, req: Requirement
                    ) -> tuple[IntArray, list[tuple[IntArray, Array]]]:
        """Rows having a qualifying capability for every required process, and per process
        the rows with one and their quickest qualifying lead time (NaN unknown)."""
        a = self.arrays
        offsets = a["proc_offsets"]
        rows: IntArray | None = None
        per_process: list[tuple[IntArray, Array]] = []
        for process in req.processes:
            pid = self._code_id("process", process)
            start, stop = int(offsets[pid]), int(offsets[pid + 1])
            ok = self._capability_ok(req, start, stop)
            cap_rows = a["cap_row"][start:stop]
            leads = a["cap_lead_days"][start:stop]
            if ok is not None:
                cap_rows, leads = cap_rows[ok], leads[ok]
            if cap_rows.size == 0:
                return np.zeros(0, dtype=np.int64), []
            first = np.empty(cap_rows.size, dtype=bool)
            first[0] = True
            np.not_equal(cap_rows[1:], cap_rows[:-1], out=first[1:])
            starts = np.flatnonzero(first)
            unique_rows = cap_rows[starts].astype(np.int64)
            per_process.append((unique_rows, np.fmin.reduceat(leads, starts)))
            rows = unique_rows if rows is None else rows[is_member(rows, unique_rows, self.size)]
            if rows.size == 0:
                return rows, []
        assert rows is not None
        return rows, per_process

    def _firm_mask(self, req: Requirement, rows: IntArray | None) -> BoolArray | None:
        """Rules 3, 4, the country list and rule 6 over ``rows`` (all rows with None)."""
        a = self.arrays
        mask: BoolArray | None = None

        def both(ok: BoolArray | None) -> None:
            nonlocal mask
            if ok is not None:
                mask = ok if mask is None else mask & ok

        if req.stage is not None:
            both(has_bit(a["stage_bits"], self._code_id("stage", req.stage), rows))
        both(has_all_bits(a["cert_bits"],
                          [self._code_id("certification", c) for c in req.certifications], rows))
        country = None
        if req.countries or req.client_country is not None:
            country = a["country_id"] if rows is None else a["country_id"][rows]
        if req.countries:
            allowed = np.zeros(len(self.vocab["country"]), dtype=bool)
            allowed[[self._code_id("country", c) for c in req.countries]] = True
            both(allowed[country])
        if req.client_country is not None:
            foreign = a["accepts_foreign"] if rows is None else a["accepts_foreign"][rows]
            both(foreign | (country == self._code_id("country", req.client_country)))
        return mask

    def _materials_ok(self, req: Requirement, rows: IntArray) -> BoolArray:
        """Rule 2 over ``rows``: every material on a capability of a required process."""
        a = self.arrays
        if not req.processes:
            ok = has_all_bits(a["material_bits_all"],
                              [self._code_id("material", m) for m in req.materials], rows)
            assert ok is not None
            return ok
        offsets = a["proc_offsets"]
        keep = np.ones(rows.size, dtype=bool)
        for material in req.materials:
            mid = self._code_id("material", material)
            listed = np.zeros(rows.size, dtype=bool)
            for process in req.processes:
                pid = self._code_id("process", process)
                start, stop = int(offsets[pid]), int(offsets[pid + 1])
                with_material = has_bit(a["cap_material_bits"][start:stop], mid)
                listed |= is_member(rows, a["cap_row"][start:stop][with_material], self.size)
            keep &= listed
        return keep

    def _eligible(self, req: Requirement
                  ) -> tuple[IntArray, FloatArray | None, list[tuple[IntArray, Array]]]:
        """Eligible rows (ascending), their rough (float32, within ROUGH_KM) distances in km
        (None without an origin) and the per-process lead times of :meth:`_by_process`.

        The distance limit itself is exact: rows within ROUGH_KM of it are decided on the
        float64 haversine."""
        a = self.arrays
        per_process: list[tuple[IntArray, Array]] = []
        if req.processes:
            rows, per_process = self._by_process(req)
            if rows.size:
                mask = self._firm_mask(req, rows)
                if mask is not None:
                    rows = rows[mask]
        else:
            mask = self._firm_mask(req, None)
            rows = np.arange(self.size, dtype=np.int64) if mask is None else np.flatnonzero(mask)
        if req.materials and rows.size:
            rows = rows[self._materials_ok(req, rows)]
        origin = req.origin_point()
        if origin is None or rows.size == 0:
            return rows, None, per_process
        lat0, lon0 = math.radians(origin[0]), math.radians(origin[1])
        if req.max_distance_km is not None:
            # No point is closer than its latitude difference: a cheap band first.
            band = req.max_distance_km / EARTH_RADIUS_KM * (1.0 + 1e-9) + 1e-12
            rows = rows[np.abs(a["lat_rad"][rows] - lat0) <= band]
        rough = haversine_km_array(lat0, lon0, a["lat_rad32"][rows], a["lon_rad32"][rows],
                                   a["cos_lat32"][rows])
        limit = req.max_distance_km
        if limit is not None:
            if limit + ROUGH_KM > _ROUGH_LIMIT_KM:  # near antipodes float32 is not good enough
                exact = haversine_km_array(lat0, lon0, a["lat_rad"][rows], a["lon_rad"][rows])
                near = exact <= limit
            else:
                near = rough <= limit - ROUGH_KM
                unsure = np.flatnonzero(~near & (rough <= limit + ROUGH_KM))
                if unsure.size:
                    exact = haversine_km_array(lat0, lon0, a["lat_rad"][rows[unsure]],
                                               a["lon_rad"][rows[unsure]])
                    near[unsure] = exact <= limit
            rows, rough = rows[near], rough[near]
        return rows, rough.astype(np.float64), per_process

    # ---------------------------------------------------------------------- scoring
    def _factors(self, req: Requirement, rows: IntArray,
                 per_process: list[tuple[IntArray, Array]]
                 ) -> tuple[dict[str, FloatArray | float], FloatArray]:
        """The factors that depend on the requirement, distance aside (a float when equal
        for all rows), and the lead time in days of each row (NaN unknown)."""
        a = self.arrays
        n = rows.size
        if per_process:
            lead = np.full(n, np.nan)
            for process_rows, lead_min in per_process:
                # rows ⊆ process_rows: scatter into a scratch column, read back at rows
                scratch = np.empty(self.size, dtype=lead_min.dtype)
                scratch[process_rows] = lead_min
                np.fmax(lead, scratch[rows], out=lead)
        else:
            lead = a["lead_days_all"][rows].astype(np.float64)
        field: FloatArray | float = scoring.NEUTRAL
        if req.product_field is not None:
            field = has_bit(a["field_bits"], self._code_id("product_field", req.product_field),
                            rows).astype(np.float64)
        stage_fit: FloatArray | float = scoring.NEUTRAL
        if req.stage is not None:
            later = scoring.later_stages(req.stage)
            stage_fit = 1.0
            if later:
                covered = np.zeros(n)
                for stage in later:
                    covered += has_bit(a["stage_bits"], self._code_id("stage", stage), rows)
                covered /= float(len(later))
                stage_fit = covered
        factors: dict[str, FloatArray | float] = {
            "field_experience": field,
            "stage_fit": stage_fit,
            "lead_time": scoring.lead_time_factor_array(lead),
        }
        return factors, lead

    def _top(self, score: FloatArray, rows: IntArray, top_k: int | None) -> IntArray:
        """Positions of the best ``top_k``: score descending, then row (= id) ascending."""
        negated = -score
        if top_k is None or rows.size <= top_k:
            out: IntArray = np.lexsort((rows, negated))
            return out
        kth = -_kth_largest(score, top_k)
        better = np.flatnonzero(negated < kth)
        # Ties at the cut: positions ascend with id, so the first ones win.
        tied = np.flatnonzero(negated == kth)[: top_k - better.size]
        contenders = np.concatenate((better, tied))
        out = contenders[np.lexsort((rows[contenders], negated[contenders]))]
        return out

    # ------------------------------------------------------------------------- hits
    def _process_max_lots(self, req: Requirement, top_rows: IntArray) -> list[list[int | None]]:
        """Per required process, per hit: the largest max_lot among its qualifying
        capabilities (None when one has no upper limit). Same checks as _capability_ok,
        done in Python floats on the few capabilities of the hits."""
        a = self.arrays
        unlimited = self._lot_unlimited
        quantity = None if req.quantity is None else min(req.quantity, unlimited)
        part = sorted(req.part_size_mm) if req.part_size_mm is not None else None
        out: list[list[int | None]] = []
        for process in req.processes:
            pid = self._code_id("process", process)
            start, stop = int(a["proc_offsets"][pid]), int(a["proc_offsets"][pid + 1])
            span = a["cap_row"][start:stop]
            needles = top_rows.astype(span.dtype)  # same dtype: no copy of the span
            bounds = zip((np.searchsorted(span, needles, "left") + start).tolist(),
                         (np.searchsorted(span, needles, "right") + start).tolist(), strict=True)
            groups = [range(lo, hi) for lo, hi in bounds]
            caps = [i for group in groups for i in group]
            lows = a["cap_min_lot"][caps].tolist()
            highs = a["cap_max_lot"][caps].tolist()
            envs = [a[f"cap_env{k}"][caps].tolist() for k in range(3)]
            per_hit: list[int | None] = []
            j = 0
            for group in groups:
                best = -1
                for _ in group:
                    ok = quantity is None or lows[j] <= quantity <= highs[j]
                    if ok and part is not None:
                        ok = all(envs[k][j] >= part[k] for k in range(3))
                    if ok:
                        best = max(best, highs[j])
                    j += 1
                per_hit.append(None if best >= unlimited else best)
            out.append(per_hit)
        return out

    def _texts(self, column: str, rows: IntArray) -> list[str]:
        """Slugs or names of ``rows``."""
        view = self._text_views[column]
        offsets = self.arrays[f"{column}_off"]
        starts, stops = offsets[rows].tolist(), offsets[rows + 1].tolist()
        return [bytes(view[a:b]).decode("utf-8") for a, b in zip(starts, stops, strict=True)]

    def _hits(self, req: Requirement, top_rows: IntArray, score: list[float],
              distance: list[float] | None, factors: dict[str, list[float]],
              lead: list[float]) -> tuple[MatchHit, ...]:
        """The ranked hits with their reasons (only the top K pay for this)."""
        a = self.arrays
        lots = self._process_max_lots(req, top_rows)
        stage_bits = rows_bits(a["stage_bits"], top_rows)
        field_bits = rows_bits(a["field_bits"], top_rows)
        later_ids = [(s, self._code_id("stage", s)) for s in
                     (scoring.later_stages(req.stage) if req.stage is not None else ())]
        field_id = (None if req.product_field is None
                    else self._code_id("product_field", req.product_field))
        countries = self.vocab["country"]
        columns = {name: a[name][top_rows].tolist() for name in (
            "reply_hours", "rating", "rating_count", "startup_projects", "country_id",
            "on_time_rate", "delivered_orders")}
        ids = self._ids_sorted[top_rows].tolist()
        slugs = self._texts("slug", top_rows)
        names = self._texts("name", top_rows)
        origin_region = req.origin_region if req.origin is None else None
        hits = []
        for i in range(top_rows.size):
            reply, rating = columns["reply_hours"][i], columns["rating"][i]
            country = countries[columns["country_id"][i]]
            facts = HitFacts(
                process_max_lots=tuple((p, lots[n][i]) for n, p in enumerate(req.processes)),
                materials=req.materials,
                certifications=req.certifications,
                distance_km=None if distance is None else distance[i],
                origin_region=origin_region,
                reply_hours=None if math.isnan(reply) else reply,
                rating=None if math.isnan(rating) else rating,
                rating_count=columns["rating_count"][i],
                startup_projects=columns["startup_projects"][i],
                on_time_rate=(None if math.isnan(columns["on_time_rate"][i])
                              else columns["on_time_rate"][i]),
                delivered_orders=columns["delivered_orders"][i],
                product_field=(req.product_field if field_id is not None
                               and field_bits[i] >> field_id & 1 else None),
                later_stages=tuple(s for s, sid in later_ids if stage_bits[i] >> sid & 1),
                lead_time_days=None if math.isnan(lead[i]) else lead[i],
                foreign_client=req.client_country is not None and req.client_country != country,
            )
            hits.append(MatchHit(
                id=ids[i],
                slug=slugs[i],
                name=names[i],
                score=score[i],
                distance_km=None if distance is None else distance[i],
                factors={name: factors[name][i] for name in scoring.FACTORS},
                reasons=build_reasons(facts)))
        return tuple(hits)
