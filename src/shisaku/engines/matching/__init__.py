"""Matching: which manufacturers can make this requirement, ranked with reasons (pure numpy).

``MatchIndex`` is the fast path (columnar arrays, snapshots); ``reference_match`` the same rules
and score as a plain loop over records, kept as the test oracle and benchmark baseline. The rules
and the score are documented in docs/MATCHING.md and in :mod:`.scoring`.

Example::

    >>> from shisaku.engines.matching import MatchIndex
    >>> index = MatchIndex.build(records)
    >>> index.query({"processes": ["cnc_milling"], "quantity": 300}, top_k=5).to_dict()
"""

from __future__ import annotations

from shisaku.engines.matching.geo import EARTH_RADIUS_KM, haversine_km
from shisaku.engines.matching.index import (
    FORMAT_VERSION,
    MatchIndex,
    SnapshotError,
    StaleSnapshotError,
)
from shisaku.engines.matching.reasons import REASON_TEMPLATES, Reason
from shisaku.engines.matching.reference import (
    is_eligible,
    reference_eligible_ids,
    reference_match,
)
from shisaku.engines.matching.requirement import REQUIREMENT_FIELDS, Requirement, parse_requirement
from shisaku.engines.matching.result import MatchHit, MatchResult
from shisaku.engines.matching.scoring import DEFAULT_WEIGHTS, FACTORS, validate_weights

__all__ = [
    "DEFAULT_WEIGHTS",
    "EARTH_RADIUS_KM",
    "FACTORS",
    "FORMAT_VERSION",
    "REASON_TEMPLATES",
    "REQUIREMENT_FIELDS",
    "MatchHit",
    "MatchIndex",
    "MatchResult",
    "Reason",
    "Requirement",
    "SnapshotError",
    "StaleSnapshotError",
    "haversine_km",
    "is_eligible",
    "parse_requirement",
    "reference_eligible_ids",
    "reference_match",
    "validate_weights",
]
