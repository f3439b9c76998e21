"""One index for the directory: the matching columns and the listing bitmaps, one generation
(possibly a base index patched with the firms changed since: :mod:`.patch`)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from shisaku.engines.directory.listing import ListingIndex, ListingSnapshotError
from shisaku.engines.directory.patch import PatchedListing, PatchedMatch
from shisaku.engines.matching import MatchIndex, SnapshotError

__all__ = ["DirectoryIndex"]

# A patch of at most this many firms searches their texts by reading them (no postings).
_SCAN_BELOW = 5000


@dataclass(frozen=True)
class DirectoryIndex:
    """``match`` answers requirements, ``listing`` lists, counts and searches; both were built
    from the same records and carry the same ``generation``. A patched index (:meth:`patched`)
    keeps its ``base`` and the ids of the firms it ``changed``."""

    generation: int
    match: MatchIndex | PatchedMatch
    listing: ListingIndex | PatchedListing
    base: DirectoryIndex | None = None
    changed: frozenset[int] = frozenset()

    @classmethod
    def build(cls, records: Iterable[Mapping[str, Any]], *, generation: int = 0,
              weights: Mapping[str, float] | None = None, postings: bool = True
              ) -> DirectoryIndex:
        """Both indexes in one pass over ``records`` (export format + ``created_us``, by
        ascending id); ``postings``: as in :meth:`ListingIndex.build`."""
        listing = ListingIndex.builder(postings=postings)

        def feed() -> Iterator[Mapping[str, Any]]:
            for record in records:
                listing.add(record)
                yield record

        match = MatchIndex.build(feed(), generation=generation, weights=weights)
        return cls(generation, match, listing.finish(generation))

    def patched(self, changes: Mapping[int, Mapping[str, Any] | None], *, generation: int,
                weights: Mapping[str, float] | None = None) -> DirectoryIndex:
        """This index's base with ``changes`` applied: firm id -> its current record (the
        format of :meth:`build`), or None for a firm that no longer exists. ``changes`` must
        hold *every* firm changed since the base was built (patches do not stack); ``weights``
        as given to :meth:`build`. Costs about as much as building an index of the changed
        firms."""
        base = self.base or self
        assert isinstance(base.match, MatchIndex) and isinstance(base.listing, ListingIndex)
        live = [dict(changes[i] or {}) for i in sorted(changes) if changes[i] is not None]
        for record, firm_id in zip(live, [i for i in sorted(changes) if changes[i] is not None],
                                   strict=True):
            if int(record["id"]) != firm_id:
                raise ValueError(f"change {firm_id} carries the record of firm {record['id']}")
        delta = DirectoryIndex.build(live, generation=generation, weights=weights,
                                     postings=len(live) > _SCAN_BELOW)
        dead_rows = base.listing.rows_of(changes)
        dead = np.zeros(base.match.size, dtype=np.bool_)
        dead[np.asarray(dead_rows.to_array(), dtype=np.int64)] = True
        assert isinstance(delta.match, MatchIndex) and isinstance(delta.listing, ListingIndex)
        match = PatchedMatch(base.match, delta.match if live else None, dead, generation)
        listing = PatchedListing(base.listing, delta.listing, dead_rows, generation)
        return DirectoryIndex(generation, match, listing, base, frozenset(changes))

    @property
    def nbytes(self) -> int:
        """Heap memory of both indexes (postings and texts not included once memory-mapped
        from a snapshot: see ``listing.mapped``)."""
        return self.match.nbytes + self.listing.nbytes

    @staticmethod
    def paths(stem: str | os.PathLike[str]) -> tuple[Path, Path]:
        return Path(f"{os.fspath(stem)}.match.npz"), Path(f"{os.fspath(stem)}.listing.npz")

    def save(self, stem: str | os.PathLike[str]) -> list[Path]:
        """Write the snapshot files ``<stem>.match.npz``, ``<stem>.listing.npz`` and
        ``<stem>.listing.npz.bin`` (each atomically; the match file last)."""
        if self.base is not None:
            raise ValueError("a patched index is not saved: build the index afresh")
        assert isinstance(self.match, MatchIndex) and isinstance(self.listing, ListingIndex)
        match_path, listing_path = self.paths(stem)
        self.listing.save(listing_path)
        self.match.save(match_path)
        return [match_path, listing_path, Path(f"{listing_path}.bin")]

    @classmethod
    def load(cls, stem: str | os.PathLike[str], *, generation: int | None = None
             ) -> DirectoryIndex:
        """Read a snapshot; :class:`SnapshotError` (or its subclass for another generation)
        when any part is missing, damaged or of another generation."""
        match_path, listing_path = cls.paths(stem)
        match = MatchIndex.load(match_path, generation=generation)
        try:
            listing = ListingIndex.load(listing_path, generation=match.generation)
        except ListingSnapshotError as exc:
            raise SnapshotError(str(exc)) from exc
        return cls(match.generation, match, listing)
