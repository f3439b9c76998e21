"""The directory listing index: filters, facet counts, text search, sorting and pages in memory.

Rows are manufacturers by ascending id. Every facet value (kind, country, region block,
region, stage, product field, technology, process, material, certification, language) and the
two flags (sample data, accepts foreign clients) is a roaring bitmap of rows; text search uses
the n-gram postings of :mod:`.grams`; the lot filter scans a small capability table; each sort
order is a precomputed permutation (and its inverse, the rank of each row), so a page is a
partial sort of the result's ranks. docs/DIRECTORY.md states the semantics (the SQL reference
path of the application means exactly the same).

Example::

    >>> index = ListingIndex.build(records, generation=3)
    >>> index.search(ListingQuery(text="사출성형", codes={"country": ["KR"]})).count
"""

from __future__ import annotations

import itertools
import json
import math
import mmap
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from pyroaring import BitMap

from shisaku.engines.directory.grams import GramBuilder, GramIndex, bitmap_of
from shisaku.engines.directory.text import query_tokens, record_text_fields, search_text
from shisaku.engines.matching.geo import haversine_km_array

__all__ = ["ALL_OF", "ANY_OF", "FACETS", "FORMAT_VERSION", "SORTS", "ListingIndex",
           "ListingQuery", "ListingResult", "ListingSnapshotError", "distance_order"]

FORMAT_VERSION = 2  # 2: sort keys and names (for patched indexes)
# Single-valued columns: several values of one facet are alternatives (any of them).
ANY_OF = ("kind", "country", "block", "region")
# Multi-valued codes (incl. those of capabilities): several values are all required.
ALL_OF = ("stage", "product_field", "technology", "process", "material", "certification",
          "language")
FACETS = ANY_OF + ALL_OF
_RECORD_KEYS = {"stage": "stages", "product_field": "product_fields",
                "technology": "technologies", "certification": "certifications",
                "language": "languages"}
_FLAGS = ("synthetic", "accepts_foreign")
SORTS = ("name", "reply", "rating", "startups", "newest", "distance")
_ORDERED = SORTS[:-1]
_LOT_MAX = np.iinfo(np.int64).max
_LOT_CLIP = np.iinfo(np.int32).max  # lot bounds are stored as int32, clipped here
# A result missing at most this many rows is paged from the head of the precomputed order.
_FEW_MISSING = 4096

Array = npt.NDArray[Any]


class ListingSnapshotError(Exception):
    """A snapshot that cannot be read, of another format or of another data generation."""


@dataclass(frozen=True)
class ListingQuery:
    """A directory list request. ``codes``: facet parameter -> selected codes (unknown codes
    simply match nothing; the application refuses them before). ``near``: (lat, lon) in
    degrees, needed by ``sort="distance"``."""

    text: str = ""
    codes: Mapping[str, Sequence[str]] = field(default_factory=dict)
    lot: int | None = None
    accepts_foreign: bool | None = None
    synthetic: bool | None = None
    sort: str = "name"
    near: tuple[float, float] | None = None
    offset: int = 0
    limit: int = 20
    facets: bool = True


@dataclass(frozen=True)
class ListingResult:
    count: int
    ids: list[int]
    facets: dict[str, dict[str, int]]


def distance_order(lat_deg: Array, lon_deg: Array, ids: Array,
                   near: tuple[float, float]) -> Array:
    """Positions of ``ids`` by distance from ``near`` (to the metre), then ascending id.

    The one definition of the distance sort, shared with the SQL reference path.
    """
    dist = _distances(np.radians(np.asarray(lat_deg, dtype=np.float64)),
                      np.radians(np.asarray(lon_deg, dtype=np.float64)), near)
    return np.lexsort((np.asarray(ids), dist))


def _distances(lat_rad: Array, lon_rad: Array, near: tuple[float, float]) -> Array:
    d = haversine_km_array(math.radians(near[0]), math.radians(near[1]), lat_rad, lon_rad)
    return np.round(d, 3)


class _TextOnly:
    """Collects search texts without n-gram postings (see :class:`_TextScan`)."""

    def __init__(self) -> None:
        self._utf8: list[bytes] = []

    def add(self, text: str) -> None:
        self._utf8.append(text.encode("utf-8"))

    def finish(self) -> dict[str, Array]:
        text_off = np.zeros(len(self._utf8) + 1, dtype=np.int64)
        text_off[1:] = np.cumsum([len(t) for t in self._utf8], dtype=np.int64)
        return {"gram_keys": np.zeros(0, dtype=np.uint64), "gram_off": np.zeros(1, np.int64),
                "gram_buf": np.zeros(0, dtype=np.uint8), "text_off": text_off,
                "text_buf": np.frombuffer(b"".join(self._utf8), dtype=np.uint8)}


class _TextScan:
    """Text search by reading every row's text: for small indexes (a patch's changed firms,
    at most a few thousand), where it costs less than building postings."""

    def __init__(self, text_off: Array, blob: Any, base: int) -> None:
        view = memoryview(blob)
        off = (text_off + base).tolist()
        self.texts = [bytes(view[a:b]).decode("utf-8") for a, b in itertools.pairwise(off)]
        self.cache: dict[str, BitMap] = {}  # (nothing cached; ListingIndex.clear_cache)

    def rows_matching(self, tokens: Sequence[str], within: BitMap | None = None) -> BitMap:
        rows = range(len(self.texts)) if within is None else within
        texts = self.texts
        return BitMap([r for r in rows if all(t in texts[r] for t in tokens)])


class _Builder:
    def __init__(self, *, postings: bool = True) -> None:
        self.ids: list[int] = []
        self.names: list[str] = []
        self.lat: list[float] = []
        self.lon: list[float] = []
        self.reply: list[float] = []
        self.rating: list[float] = []
        self.startups: list[int] = []
        self.created: list[int] = []
        self.rows: dict[str, dict[str, list[int]]] = {p: {} for p in (*FACETS, *_FLAGS)}
        self.cap_row: list[int] = []
        self.cap_proc: list[str] = []
        self.cap_min: list[int] = []
        self.cap_max: list[int] = []
        self.grams: GramBuilder | _TextOnly = GramBuilder() if postings else _TextOnly()
        self.postings = postings

    def add(self, record: Mapping[str, Any]) -> None:
        row = len(self.ids)
        rid = int(record["id"])
        if self.ids and rid <= self.ids[-1]:
            raise ValueError("records must come by strictly ascending id")
        self.ids.append(rid)
        self.names.append(str(record.get("name") or ""))
        self.lat.append(float(record["lat"]))
        self.lon.append(float(record["lon"]))
        reply, rating = record.get("reply_median_hours"), record.get("rating")
        self.reply.append(math.nan if reply is None else float(reply))
        self.rating.append(math.nan if rating is None else float(rating))
        self.startups.append(int(record.get("startup_projects") or 0))
        self.created.append(int(record.get("created_us") or 0))
        rows = self.rows
        for param in ANY_OF:
            value = record.get(param)
            if value:
                rows[param].setdefault(str(value), []).append(row)
        for param, key in _RECORD_KEYS.items():
            for code in dict.fromkeys(record.get(key) or []):
                rows[param].setdefault(code, []).append(row)
        processes: dict[str, None] = {}
        materials: dict[str, None] = {}
        for cap in record.get("capabilities") or []:
            processes[cap["process"]] = None
            materials.update(dict.fromkeys(cap.get("materials") or []))
            self.cap_row.append(row)
            self.cap_proc.append(cap["process"])
            lo, hi = cap.get("min_lot"), cap.get("max_lot")
            self.cap_min.append(0 if lo is None else int(lo))
            self.cap_max.append(_LOT_MAX if hi is None else int(hi))
        for code in processes:
            rows["process"].setdefault(code, []).append(row)
        for code in materials:
            rows["material"].setdefault(code, []).append(row)
        for flag in _FLAGS:
            if record.get(flag):
                rows[flag].setdefault("true", []).append(row)
        # The folded text the database stores with the firm (the SQL reference searches the
        # same column), else folded here.
        text = record.get("search_text")
        self.grams.add(search_text(record_text_fields(record)) if text is None else str(text))

    def finish(self, generation: int) -> ListingIndex:
        """The index; the builder is spent (its lists are emptied as they become arrays, so
        at 1M firms the Python lists and the arrays are not all held at once)."""
        n = len(self.ids)
        ids = np.array(self.ids, dtype=np.int64)
        arrays: dict[str, Array] = {
            "ids": ids,
            "lat_rad": np.radians(np.array(self.lat, dtype=np.float64)),
            "lon_rad": np.radians(np.array(self.lon, dtype=np.float64)),
        }
        reply = np.array(self.reply, dtype=np.float64)
        rating = np.array(self.rating, dtype=np.float64)
        startups = np.array(self.startups, dtype=np.int64)
        created = np.array(self.created, dtype=np.int64)
        self.ids, self.lat, self.lon, self.reply, self.rating = [], [], [], [], []
        self.startups, self.created = [], []
        # Sort orders (rows are ascending ids, so np.lexsort's stability gives "then id").
        name_order = sorted(range(n), key=self.names.__getitem__)  # stable: then id
        arrays["order_name"] = np.array(name_order, dtype=np.int32)
        arrays["order_reply"] = np.lexsort((np.nan_to_num(reply), np.isnan(reply)))
        arrays["order_rating"] = np.lexsort((-np.nan_to_num(rating), np.isnan(rating)))
        arrays["order_startups"] = np.argsort(-startups, kind="stable")
        arrays["order_newest"] = np.lexsort((-ids, -created))
        for name in _ORDERED:
            arrays[f"order_{name}"] = arrays[f"order_{name}"].astype(np.int32)
        # The sort keys themselves and the names (an index patched with changed firms merges
        # two orders by them): kept after the names in the memory-mapped part.
        encoded_names = [n.encode("utf-8") for n in self.names]
        name_off = np.r_[0, np.cumsum([len(b) for b in encoded_names], dtype=np.int64)]
        keys = {"reply": reply, "rating": rating, "startups": startups, "created": created,
                "name_off": name_off.astype(np.int64)}
        names = b"".join(encoded_names)
        del encoded_names, name_order
        self.names = []
        procs = sorted(set(self.cap_proc))
        proc_id = {p: i for i, p in enumerate(procs)}
        arrays["cap_row"] = np.array(self.cap_row, dtype=np.uint32)
        arrays["cap_proc"] = np.array([proc_id[p] for p in self.cap_proc], dtype=np.int16)
        # Lots are asked for up to _LOT_ASKED: clipping at the int32 maximum answers the same.
        arrays["cap_min"] = np.minimum(np.array(self.cap_min, dtype=np.int64),
                                       _LOT_CLIP).astype(np.int32)
        arrays["cap_max"] = np.minimum(np.array(self.cap_max, dtype=np.int64),
                                       _LOT_CLIP).astype(np.int32)
        _caps_by_process(arrays)
        self.cap_row, self.cap_proc, self.cap_min, self.cap_max = [], [], [], []
        facet_keys: list[list[str]] = []
        blobs: list[bytes] = []
        rows, self.rows = self.rows, {}
        for param, by_code in rows.items():
            for code in sorted(by_code):
                bm = bitmap_of(np.array(by_code.pop(code), dtype=np.uint32))
                bm.run_optimize()
                facet_keys.append([param, code])
                blobs.append(bm.serialize())
        arrays["facet_off"] = np.r_[0, np.cumsum([len(b) for b in blobs])].astype(np.int64)
        arrays["facet_buf"] = np.frombuffer(b"".join(blobs), dtype=np.uint8)
        gram_arrays = self.grams.finish()
        postings, text = gram_arrays.pop("gram_buf"), gram_arrays.pop("text_buf")
        arrays.update(gram_arrays)
        head = int(postings.nbytes) + int(text.nbytes) + len(names)
        pad = -head % 8
        meta = {"facets": facet_keys, "processes": procs, "gram_bytes": int(postings.nbytes),
                "text_bytes": int(text.nbytes), "name_bytes": len(names),
                "postings": self.postings, "key_pad": pad,
                "keys": [[k, v.dtype.str, int(v.size)] for k, v in keys.items()]}
        # One buffer, each part copied in once (at 1M firms the parts are 1.4 GB: building
        # it by concatenation held three to four copies at once).
        parts: list[Any] = [postings, text, names, bytes(pad), *keys.values()]
        del postings, text, names
        blob = bytearray(sum(memoryview(p).nbytes for p in parts))
        view, at = memoryview(blob), 0
        while parts:
            part = memoryview(parts.pop(0)).cast("B")
            view[at:at + part.nbytes] = part
            at += part.nbytes
            del part
        view.release()
        return ListingIndex(arrays, meta, generation, blob)


class ResultCache:
    """The answers of the last :attr:`SIZE` pages asked for, per normalised query, shared by
    the threads of a process. Only pages of at most :attr:`LIMIT` rows are kept (not the
    download's "every id"). An index never changes, so they stay exact; a new data generation
    is a new index with an empty cache."""

    SIZE = 512
    LIMIT = 100

    def __init__(self) -> None:
        self._items: OrderedDict[tuple[Any, ...], ListingResult] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def answer(self, query: ListingQuery,
               compute: Callable[[ListingQuery], ListingResult]) -> ListingResult:
        """The kept answer to ``query``, else ``compute(query)`` (kept when small)."""
        if query.limit > self.LIMIT:
            return compute(query)
        key = ListingIndex._result_key(query)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        found = compute(query)
        with self._lock:
            self._items[key] = found
            while len(self._items) > self.SIZE:
                self._items.popitem(last=False)
        return found


class ListingIndex:
    """See the module docstring. Build with :meth:`build`, or :meth:`load` a snapshot."""

    def __init__(self, arrays: Mapping[str, Array], meta: Mapping[str, Any], generation: int,
                 blob: Any) -> None:
        """``blob``: the n-gram postings, the UTF-8 search texts and the UTF-8 names
        (``meta["gram_bytes"]``, ``meta["text_bytes"]`` and ``meta["name_bytes"]`` long),
        then ``meta["key_pad"]`` zero bytes and the sort-key arrays of ``meta["keys"]``
        ([name, dtype, count]): bytes after a build, an ``mmap`` after a load."""
        self.arrays = dict(arrays)
        self.meta = dict(meta)
        self.generation = generation
        a = self.arrays
        self.size = int(a["ids"].size)
        self.gram_bytes = int(meta["gram_bytes"])
        self.text_bytes = int(meta["text_bytes"])
        self.name_bytes = int(meta["name_bytes"])
        self._blob = blob
        # Sort keys and name offsets: views of the blob after the names.
        self._keys: dict[str, Array] = {}
        at = self.gram_bytes + self.text_bytes + self.name_bytes + int(meta["key_pad"])
        for name, dtype, count in meta["keys"]:
            self._keys[name] = np.frombuffer(blob, dtype=np.dtype(dtype), count=count, offset=at)
            at += self._keys[name].nbytes
        self.blob_bytes = at
        self._ids: npt.NDArray[np.int64] = a["ids"]
        self._all = BitMap()
        self._all.add_range(0, self.size)
        facet_buf = a["facet_buf"].data
        off = a["facet_off"].tolist()
        self._bitmaps: dict[str, dict[str, BitMap]] = {p: {} for p in (*FACETS, *_FLAGS)}
        for i, (param, code) in enumerate(meta["facets"]):
            part = facet_buf[off[i]:off[i + 1]]
            self._bitmaps[param][code] = BitMap.deserialize(cast(bytes, part))
        self._totals = {p: {c: len(bm) for c, bm in by.items()} for p, by in
                        self._bitmaps.items() if p in FACETS}
        self._rank: dict[str, Array] = {}
        for name in _ORDERED:
            rank = np.empty(self.size, dtype=np.int32)
            rank[a[f"order_{name}"]] = np.arange(self.size, dtype=np.int32)
            self._rank[name] = rank
        self._proc_id = {p: i for i, p in enumerate(meta["processes"])}
        # The capability table by (process, row): one slice per process (a snapshot of
        # session 4's builds holds it by row: ordered here, in memory, once).
        self._cap_slices = _caps_by_process(a)
        self._grams: GramIndex | _TextScan
        if meta.get("postings", True):
            self._grams = GramIndex(a["gram_keys"], a["gram_off"],
                                    memoryview(blob)[:self.gram_bytes], a["text_off"], blob,
                                    self.gram_bytes)
        else:
            self._grams = _TextScan(a["text_off"], blob, self.gram_bytes)
        self._results = ResultCache()

    # ---------------------------------------------------------------- building, snapshots
    @classmethod
    def build(cls, records: Iterable[Mapping[str, Any]], *, generation: int = 0,
              postings: bool = True) -> ListingIndex:
        """Index manufacturer records (export format, plus ``created_us``: creation time in
        microseconds, for the "newest" order, and optionally ``search_text``: the folded text
        of :func:`~shisaku.engines.directory.text.search_text`, computed when absent), by
        strictly ascending id. ``postings=False`` keeps no n-gram postings: text search reads
        every row's text (for a few thousand rows at most: a patch's changed firms)."""
        builder = _Builder(postings=postings)
        for record in records:
            builder.add(record)
        return builder.finish(generation)

    @classmethod
    def builder(cls, *, postings: bool = True) -> _Builder:
        """An incremental builder (``add(record)`` … ``finish(generation)``)."""
        return _Builder(postings=postings)

    @property
    def mapped(self) -> bool:
        """Whether the postings and texts are memory-mapped from a snapshot (shared by every
        process that loaded it) rather than held in this process's heap."""
        return isinstance(self._blob, mmap.mmap)

    @property
    def nbytes(self) -> int:
        """Heap memory: arrays, sort ranks, facet bitmaps (about their serialized size) and,
        unless :attr:`mapped`, the postings, texts, names and sort keys."""
        arrays = sum(int(v.nbytes) for v in self.arrays.values())
        ranks = sum(int(v.nbytes) for v in self._rank.values())
        blob = 0 if self.mapped else self.blob_bytes
        return arrays + ranks + int(self.arrays["facet_buf"].nbytes) + blob

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write ``path`` (``.npz``, the arrays) and ``path`` + ``.bin`` (the n-gram postings,
        the UTF-8 search texts and names, memory-mapped on load) atomically; returns ``path``."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        meta = {**self.meta, "format": FORMAT_VERSION, "generation": self.generation}
        payload: dict[str, Any] = dict(self.arrays)
        payload["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
        blob_target = Path(f"{target}.bin")
        for dest, write in ((blob_target, self._write_blob), (target, _npz_writer(payload))):
            fd, tmp = tempfile.mkstemp(prefix=dest.name + ".", suffix=".tmp", dir=dest.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    write(fh)
                os.replace(tmp, dest)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return target

    def _write_blob(self, fh: Any) -> None:
        fh.write(memoryview(self._blob))

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, generation: int | None = None) -> ListingIndex:
        """Read a snapshot (the ``.bin`` file is memory-mapped, shared by every process that
        loads it); :class:`ListingSnapshotError` when damaged, of another format, or —
        with ``generation`` — of another data generation."""
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {name: data[name] for name in data.files}
            meta = json.loads(bytes(arrays.pop("meta")).decode("utf-8"))
        except (OSError, ValueError, KeyError) as exc:
            raise ListingSnapshotError(f"cannot read snapshot {os.fspath(path)!r}: {exc}") from exc
        if meta.get("format") != FORMAT_VERSION:
            raise ListingSnapshotError(f"snapshot format {meta.get('format')!r}")
        if generation is not None and meta.get("generation") != generation:
            raise ListingSnapshotError(f"snapshot of generation {meta.get('generation')}, "
                                       f"expected {generation}")
        blob_path = f"{os.fspath(path)}.bin"
        try:
            with open(blob_path, "rb") as fh:
                size = os.fstat(fh.fileno()).st_size
                expected = (int(meta["gram_bytes"]) + int(meta["text_bytes"])
                            + int(meta["name_bytes"]) + int(meta["key_pad"])
                            + sum(np.dtype(d).itemsize * int(n) for _k, d, n in meta["keys"]))
                if size != expected:
                    raise ListingSnapshotError(f"{blob_path}: {size} bytes, expected {expected}")
                blob: Any = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        except (OSError, KeyError, ValueError, TypeError) as exc:  # unreadable, or meta lacks parts
            raise ListingSnapshotError(f"cannot read {blob_path!r}: {exc!r}") from exc
        try:
            return cls(arrays, meta, int(meta["generation"]), blob)
        except (KeyError, ValueError, TypeError) as exc:  # parts missing or of other sizes
            raise ListingSnapshotError(f"snapshot {os.fspath(path)!r} is incomplete: {exc!r}"
                                       ) from exc

    # ---------------------------------------------------------------------------- queries
    def clear_cache(self, *, tokens: bool = True) -> None:
        """Forget the cached results and (unless ``tokens=False``) the verified rows of long
        tokens (benchmarks time cold and warm queries with it)."""
        if tokens:
            self._grams.cache.clear()
        self._results.clear()

    @staticmethod
    def _result_key(query: ListingQuery) -> tuple[Any, ...]:
        codes = tuple(sorted((p, tuple(sorted(set(v)))) for p, v in query.codes.items() if v))
        return (tuple(query_tokens(query.text)), codes, query.lot, query.accepts_foreign,
                query.synthetic, query.sort, query.near if query.sort == "distance" else None,
                query.offset, query.limit, query.facets)

    def totals(self, param: str) -> dict[str, int]:
        """Firms per code of a facet over the whole directory (no filter)."""
        return dict(self._totals.get(param, {}))

    def count_flag(self, flag: str) -> int:
        bm = self._bitmaps[flag].get("true")
        return 0 if bm is None else len(bm)

    def _union(self, param: str, codes: Sequence[str]) -> BitMap:
        by = self._bitmaps[param]
        return BitMap.union(BitMap(), *(by[c] for c in codes if c in by))

    def _lot_rows(self, lot: int, processes: Sequence[str]) -> BitMap:
        if lot >= _LOT_CLIP:
            raise ValueError(f"lot {lot} is beyond what the index answers ({_LOT_CLIP - 1})")
        a = self.arrays
        if not processes:
            ok = (a["cap_min"] <= lot) & (a["cap_max"] >= lot)
            return bitmap_of(a["cap_row"][ok])  # the bitmap drops repeated rows
        parts = [np.zeros(0, dtype=np.uint32)]
        for code in dict.fromkeys(processes):
            if code in self._proc_id:
                at = self._cap_slices.get(self._proc_id[code])
                if at is not None:
                    ok = (a["cap_min"][at] <= lot) & (a["cap_max"][at] >= lot)
                    parts.append(a["cap_row"][at][ok])
        return bitmap_of(np.concatenate(parts))

    def _lot_rows_by_process(self, lot: int) -> dict[str, BitMap]:
        """Process code -> rows with a capability of that process whose lot range holds
        ``lot`` (one scan of the capability table for every process)."""
        if lot >= _LOT_CLIP:
            raise ValueError(f"lot {lot} is beyond what the index answers ({_LOT_CLIP - 1})")
        a = self.arrays
        ok = (a["cap_min"] <= lot) & (a["cap_max"] >= lot)
        names = self.meta["processes"]
        out: dict[str, BitMap] = {}
        for pid, at in self._cap_slices.items():
            rows = a["cap_row"][at][ok[at]]
            if rows.size:
                out[names[pid]] = bitmap_of(rows)
        return out

    def _process_counts_under_lot(self, query: ListingQuery, scope: BitMap,
                                  result: BitMap) -> dict[str, int]:
        """The process facet when a lot is asked for: ticking process p narrows the lot to a
        capability of one of the ticked processes *or p*, so its count is the firms of
        ``scope`` (every filter but the lot) that have p and a capability of those processes
        holding the lot — not the result's firms that have p (a firm in the result for
        its moulding may not take the lot for its milling)."""
        assert query.lot is not None
        by_process = self._lot_rows_by_process(query.lot)
        ticked = list(dict.fromkeys(query.codes.get("process") or ()))
        out: dict[str, int] = {}
        for code, has in self._bitmaps["process"].items():
            fits = by_process.get(code, BitMap())  # (rows that have p: fits ⊆ has)
            if code in ticked:
                n = len(result)
            elif ticked:
                # The result is scope's firms with a capability of a ticked process holding
                # the lot; ticking p also lets in those whose capability of p holds it.
                n = len((result & has) | (scope & fits))
            else:  # no process ticked yet: the lot must fit a capability of p
                n = scope.intersection_cardinality(fits)
            if n:
                out[code] = n
        return out

    def _flag_rows(self, flag: str, value: bool) -> BitMap:
        true = self._bitmaps[flag].get("true", BitMap())
        return true if value else self._all - true

    def search(self, query: ListingQuery) -> ListingResult:
        """The filtered count, the page's ids in sort order and the facet counts.

        Facets of ANY_OF parameters are counted under every filter except their own (what a
        click would add); the others under all filters (what a click would leave). The
        result is shared with later identical queries (treat it as read-only: see
        :class:`ResultCache`)."""
        return self._results.answer(query, self._search)

    def _search(self, query: ListingQuery) -> ListingResult:
        result, facets = self.select(query)
        return ListingResult(len(result), self._page(result, query), facets)

    def select(self, query: ListingQuery, within: BitMap | None = None
               ) -> tuple[BitMap, dict[str, dict[str, int]]]:
        """The rows of the query's result and the facet counts (see :meth:`search`), among
        the rows ``within`` only when given (a patched index's changed firms)."""
        # 1. Every filter except the any-of ones, then the text tokens within it.
        common: BitMap | None = None
        parts: list[BitMap] = []
        for param in ALL_OF:
            for code in dict.fromkeys(query.codes.get(param) or ()):
                parts.append(self._bitmaps[param].get(code, BitMap()))
        lot_rows = None
        if query.lot is not None:
            lot_rows = self._lot_rows(query.lot, list(query.codes.get("process") or ()))
            if not query.facets:
                parts.append(lot_rows)
                lot_rows = None
        if query.accepts_foreign is not None:
            parts.append(self._flag_rows("accepts_foreign", query.accepts_foreign))
        if query.synthetic is not None:
            parts.append(self._flag_rows("synthetic", query.synthetic))
        if within is not None:
            parts.append(within)
        parts.sort(key=len)
        for part in parts:
            common = part.copy() if common is None else common & part
        tokens = query_tokens(query.text)
        if tokens:
            common = self._grams.rows_matching(tokens, common)
        # (With facets and a lot, the lot is applied after the text: the process facet is
        # counted without it, see _process_counts_under_lot.)
        unlotted = self._all if common is None else common
        base = unlotted if lot_rows is None else unlotted & lot_rows
        # 2. The any-of filters: all of them (the result) and all but one (that facet's count).
        selected = {p: self._union(p, list(query.codes[p])) for p in ANY_OF
                    if query.codes.get(p)}
        result = base
        for bm in selected.values():
            result = result & bm
        facets: dict[str, dict[str, int]] = {}
        if query.facets:
            for param in FACETS:
                if param in selected:
                    scope = base
                    for other, bm in selected.items():
                        if other != param:
                            scope = scope & bm
                else:
                    scope = result
                facets[param] = self._count(param, scope)
            if lot_rows is not None:
                scope = unlotted
                for bm in selected.values():
                    scope = scope & bm
                facets["process"] = self._process_counts_under_lot(query, scope, result)
        return result, facets

    def _count(self, param: str, scope: BitMap) -> dict[str, int]:
        if len(scope) == self.size:
            return dict(self._totals[param])
        out = {}
        for code, bm in self._bitmaps[param].items():
            n = scope.intersection_cardinality(bm)
            if n:
                out[code] = n
        return out

    def count_in(self, param: str, rows: BitMap) -> dict[str, int]:
        """Firms per code of a facet among ``rows``."""
        return self._count(param, rows)

    def flag_rows(self, flag: str) -> BitMap:
        """Rows with a flag set (``synthetic``, ``accepts_foreign``)."""
        return self._bitmaps[flag].get("true", BitMap())

    def _page(self, result: BitMap, query: ListingQuery) -> list[int]:
        start = max(query.offset, 0)
        rows = self.ordered(result, query, query.offset + query.limit)
        return cast(list[int], self._ids[rows[start:]].tolist())

    def ordered(self, result: BitMap, query: ListingQuery, stop: int) -> Array:
        """The first ``stop`` rows of ``result`` in the query's sort order."""
        count = len(result)
        stop = min(stop, count)
        if stop <= 0:
            return np.zeros(0, dtype=np.int64)
        if query.sort == "distance":
            if query.near is None:
                raise ValueError("sort='distance' needs near=(lat, lon)")
            rows = np.frombuffer(result.to_array(), dtype=np.uint32)
            a = self.arrays
            dist = _distances(a["lat_rad"][rows], a["lon_rad"][rows], query.near)
            if stop < count:
                cut = np.partition(dist, stop - 1)[stop - 1]
                keep = dist <= cut
                rows, dist = rows[keep], dist[keep]
            return cast(Array, rows[np.lexsort((rows, dist))[:stop]])
        if query.sort not in _ORDERED:
            raise ValueError(f"unknown sort {query.sort!r}")
        order = self.arrays[f"order_{query.sort}"]
        if count == self.size:
            return order[:stop]
        missing = self.size - count
        if missing <= _FEW_MISSING:  # nearly every row: the order's head less the missing
            head = order[:stop + missing]
            absent = np.frombuffer((self._all - result).to_array(), dtype=np.uint32)
            return head[~np.isin(head, absent)][:stop]
        ranks = self._rank[query.sort][np.frombuffer(result.to_array(), dtype=np.uint32)]
        if stop < count:
            ranks = np.partition(ranks, stop - 1)[:stop]
        ranks.sort()
        return order[ranks]

    def sort_keys(self, rows: Array, query: ListingQuery) -> list[tuple[Any, ...]]:
        """Keys of ``rows`` that order them as :meth:`ordered` does, comparable between two
        indexes (of firms with different ids)."""
        a = self.arrays
        ids = self._ids[rows].tolist()
        if query.sort == "name":
            return list(zip(self.names(rows), ids, strict=True))
        if query.sort == "distance":
            assert query.near is not None
            dist = _distances(a["lat_rad"][rows], a["lon_rad"][rows], query.near).tolist()
            return list(zip(dist, ids, strict=True))
        if query.sort in ("reply", "rating"):
            values = self._keys[query.sort][rows]
            missing = np.isnan(values).tolist()
            known = np.nan_to_num(values)
            if query.sort == "rating":
                known = -known
            return list(zip(missing, known.tolist(), ids, strict=True))
        if query.sort == "startups":
            return list(zip((-self._keys["startups"][rows]).tolist(), ids, strict=True))
        if query.sort == "newest":
            return list(zip((-self._keys["created"][rows]).tolist(), [-i for i in ids],
                            strict=True))
        raise ValueError(f"unknown sort {query.sort!r}")

    def names(self, rows: Array) -> list[str]:
        """The firms' names of ``rows``."""
        off = self._keys["name_off"]
        base = self.gram_bytes + self.text_bytes
        view = memoryview(self._blob)
        return [bytes(view[base + int(off[r]):base + int(off[r + 1])]).decode("utf-8")
                for r in np.asarray(rows).tolist()]

    def rows_of(self, ids: Iterable[int]) -> BitMap:
        """The rows of those of ``ids`` that are in the index."""
        wanted = np.fromiter(ids, dtype=np.int64)
        pos = np.searchsorted(self._ids, wanted)
        inside = pos < self.size
        pos, wanted = pos[inside], wanted[inside]
        return bitmap_of(pos[self._ids[pos] == wanted])

    @property
    def ids(self) -> npt.NDArray[np.int64]:
        """Firm ids by row (ascending)."""
        return self._ids


def _caps_by_process(arrays: dict[str, Array]) -> dict[int, slice]:
    """Order the capability arrays (``cap_row``, ``cap_proc``, ``cap_min``, ``cap_max``) by
    process, then row, in place when they are not; returns process id -> its slice."""
    proc = arrays["cap_proc"]
    if proc.size and bool(np.any(proc[1:] < proc[:-1])):
        order = np.lexsort((arrays["cap_row"], proc))
        for name in ("cap_row", "cap_proc", "cap_min", "cap_max"):
            arrays[name] = arrays[name][order]
        proc = arrays["cap_proc"]
    starts: list[int] = (np.flatnonzero(np.r_[True, proc[1:] != proc[:-1]]).tolist()
                         if proc.size else [])
    bounds = [*starts, int(proc.size)]
    return {int(proc[s]): slice(s, e) for s, e in itertools.pairwise(bounds)}


def _npz_writer(payload: dict[str, Any]) -> Any:
    def write(fh: Any) -> None:
        np.savez(fh, **payload)
    return write
