"""One index for the directory: the matching columns and the listing bitmaps, one generation."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shisaku.engines.directory.listing import ListingIndex, ListingSnapshotError
from shisaku.engines.matching import MatchIndex, SnapshotError

__all__ = ["DirectoryIndex"]


@dataclass(frozen=True)
class DirectoryIndex:
    """``match`` answers requirements, ``listing`` lists, counts and searches; both were built
    from the same records and carry the same ``generation``."""

    generation: int
    match: MatchIndex
    listing: ListingIndex

    @classmethod
    def build(cls, records: Iterable[Mapping[str, Any]], *, generation: int = 0,
              weights: Mapping[str, float] | None = None) -> DirectoryIndex:
        """Both indexes in one pass over ``records`` (export format + ``created_us``, by
        ascending id)."""
        listing = ListingIndex.builder()

        def feed() -> Iterator[Mapping[str, Any]]:
            for record in records:
                listing.add(record)
                yield record

        match = MatchIndex.build(feed(), generation=generation, weights=weights)
        return cls(generation, match, listing.finish(generation))

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
