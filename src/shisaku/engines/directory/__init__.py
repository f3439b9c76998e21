"""The one in-memory index of the directory (ARCHITECTURE.md rule 10): matching, lists, facet
counts and text search, built in one pass over the manufacturer records and keyed by the data
generation. Pure Python + numpy + pyroaring; no Django.

- :class:`~shisaku.engines.matching.MatchIndex`: who can make a requirement (docs/MATCHING.md);
- :class:`ListingIndex`: filters, facet counts, text search, sorting and pages
  (docs/DIRECTORY.md);
- :mod:`.text`: what a text search matches;
- :mod:`.patch`: a built index patched with the firms changed since.
"""

from __future__ import annotations

from shisaku.engines.directory.index import DirectoryIndex
from shisaku.engines.directory.listing import (
    ALL_OF,
    ANY_OF,
    FACETS,
    SORTS,
    ListingIndex,
    ListingQuery,
    ListingResult,
    ListingSnapshotError,
    distance_order,
)
from shisaku.engines.directory.patch import PatchedListing, PatchedMatch
from shisaku.engines.directory.text import (
    MAX_QUERY_CHARS,
    check_query,
    fold,
    query_tokens,
    record_text_fields,
    search_text,
)

__all__ = [
    "ALL_OF",
    "ANY_OF",
    "FACETS",
    "MAX_QUERY_CHARS",
    "SORTS",
    "DirectoryIndex",
    "ListingIndex",
    "ListingQuery",
    "ListingResult",
    "ListingSnapshotError",
    "PatchedListing",
    "PatchedMatch",
    "check_query",
    "distance_order",
    "fold",
    "query_tokens",
    "record_text_fields",
    "search_text",
]
