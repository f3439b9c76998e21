"""A directory index patched with the firms changed since it was built.

Rebuilding the whole index for one edited profile costs a minute at 100,000 firms (reading
every record back and indexing it). A patched index answers instead from two parts:

- the **base** (an index built earlier, usually a memory-mapped snapshot) with the rows of every
  changed or deleted firm left out (``dead``);
- a small **delta** index built from the current records of the changed firms that still exist.

A firm is in exactly one of the two, so counts and facet counts add up, matching results merge
by (score descending, id ascending) and list pages merge by each index's sort keys: the answers
equal those of an index built from scratch over the same records (a property test checks it).
Patches do not stack: each one is the base plus *every* change since the base, so building it
costs in proportion to the changed firms (milliseconds for a few hundred); a caller rebuilds the
base when the changes grow large (docs/DIRECTORY.md, "Keeping the index current").
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Mapping
from itertools import islice
from typing import cast

import numpy as np
import numpy.typing as npt
from pyroaring import BitMap

from shisaku.engines.directory.listing import (
    FACETS,
    ListingIndex,
    ListingQuery,
    ListingResult,
    ResultCache,
)
from shisaku.engines.matching import MatchIndex, MatchResult

__all__ = ["PatchedListing", "PatchedMatch"]

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


class PatchedListing:
    """:class:`ListingIndex`'s query interface over ``base`` without the rows ``dead`` plus
    ``delta`` (the changed firms' current records; its ids are not in ``base`` minus ``dead``)."""

    def __init__(self, base: ListingIndex, delta: ListingIndex, dead: BitMap,
                 generation: int) -> None:
        self.base = base
        self.delta = delta
        self.dead = dead
        self.generation = generation
        self._alive = BitMap()
        self._alive.add_range(0, base.size)
        self._alive -= dead
        self.size = len(self._alive) + delta.size
        self._totals = {p: _added(base.count_in(p, self._alive), delta.totals(p))
                        for p in FACETS}
        self._results = ResultCache()

    # --- what the application reads -----------------------------------------------------
    @property
    def mapped(self) -> bool:
        return self.base.mapped

    @property
    def gram_bytes(self) -> int:
        return self.base.gram_bytes + self.delta.gram_bytes

    @property
    def text_bytes(self) -> int:
        return self.base.text_bytes + self.delta.text_bytes

    @property
    def nbytes(self) -> int:
        """Heap memory of the base's and the delta's arrays (see :attr:`ListingIndex.nbytes`)."""
        return self.base.nbytes + self.delta.nbytes

    def totals(self, param: str) -> dict[str, int]:
        return dict(self._totals.get(param, {}))

    def count_flag(self, flag: str) -> int:
        return len(self.base.flag_rows(flag) - self.dead) + self.delta.count_flag(flag)

    def clear_cache(self, *, tokens: bool = True) -> None:
        self.base.clear_cache(tokens=tokens)
        self.delta.clear_cache(tokens=tokens)
        self._results.clear()

    def search(self, query: ListingQuery) -> ListingResult:
        """As :meth:`ListingIndex.search` (results cached per query, read-only)."""
        return self._results.answer(query, self._search)

    def _search(self, query: ListingQuery) -> ListingResult:
        # The base over all its rows (its fast paths and caches apply), less its changed
        # rows' share (few rows), plus the delta.
        base_rows, base_facets = self.base.select(query)
        if self.dead:
            gone_rows, gone_facets = self.base.select(query, within=self.dead)
            base_rows = base_rows - gone_rows
            base_facets = {p: _less(base_facets[p], gone_facets[p]) for p in base_facets}
        delta_rows, delta_facets = self.delta.select(query)
        facets = {p: _added(base_facets[p], delta_facets[p]) for p in base_facets}
        count = len(base_rows) + len(delta_rows)
        start, stop = max(query.offset, 0), query.offset + query.limit
        if start >= min(stop, count):
            return ListingResult(count, [], facets)
        base_order = self.base.ordered(base_rows, query, stop)
        delta_order = self.delta.ordered(delta_rows, query, stop)
        if not delta_order.size:
            ids = cast(list[int], self.base.ids[base_order[start:]].tolist())
            return ListingResult(count, ids, facets)
        merged = heapq.merge(
            zip(self.base.sort_keys(base_order, query), self.base.ids[base_order].tolist(),
                strict=True),
            zip(self.delta.sort_keys(delta_order, query), self.delta.ids[delta_order].tolist(),
                strict=True))
        return ListingResult(count, [i for _key, i in islice(merged, start, stop)], facets)


class PatchedMatch:
    """:class:`MatchIndex`'s query interface over ``base`` without the rows where ``dead`` is
    true plus ``delta`` (None when every changed firm was deleted)."""

    def __init__(self, base: MatchIndex, delta: MatchIndex | None, dead: BoolArray,
                 generation: int) -> None:
        self.base = base
        self.delta = delta
        self.dead = dead
        self.generation = generation
        self.size = base.size - int(dead.sum()) + (0 if delta is None else delta.size)

    @property
    def nbytes(self) -> int:
        return self.base.nbytes + int(self.dead.nbytes) + (
            0 if self.delta is None else self.delta.nbytes)

    def query(self, requirement: object, *, top_k: int | None = 20,
              weights: Mapping[str, float] | None = None) -> MatchResult:
        """As :meth:`MatchIndex.query`: the best ``top_k`` of both parts, merged by score
        descending, then id ascending (the order of one index over all firms)."""
        started = time.perf_counter()
        found = self.base.query(requirement, top_k=top_k, weights=weights, exclude=self.dead)
        eligible, hits = found.eligible, list(found.results)
        if self.delta is not None:
            more = self.delta.query(requirement, top_k=top_k, weights=weights)
            eligible += more.eligible
            hits = sorted([*hits, *more.results], key=lambda h: (-h.score, h.id))
            if top_k is not None:
                hits = hits[:top_k]
        return MatchResult(considered=self.size, eligible=eligible,
                           elapsed_ms=(time.perf_counter() - started) * 1000.0,
                           results=tuple(hits))

    def eligible_ids(self, requirement: object) -> IntArray:
        """Ids of every eligible manufacturer, ascending."""
        ids = self.base.eligible_ids(requirement, exclude=self.dead)
        if self.delta is not None:
            ids = np.union1d(ids, self.delta.eligible_ids(requirement))
        return ids


def _less(a: Mapping[str, int], b: Mapping[str, int]) -> dict[str, int]:
    out = dict(a)
    for code, n in b.items():
        left = out[code] - n
        if left:
            out[code] = left
        else:
            del out[code]
    return out


def _added(a: Mapping[str, int], b: Mapping[str, int]) -> dict[str, int]:
    out = dict(a)
    for code, n in b.items():
        out[code] = out.get(code, 0) + n
    return out
