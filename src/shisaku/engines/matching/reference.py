"""The matching rules and score as a plain loop over manufacturer records: the spec in code.

Written for clarity, not speed (one Python pass per manufacturer), it is the oracle that the
property tests hold the index to and the baseline ``shisaku bench matching`` measures it against.
Records are manufacturer records (the export JSON objects of ARCHITECTURE.md).

Nulls in records: ``min_lot`` null means no minimum, ``max_lot`` null no maximum,
``max_part_mm`` null no size limit, ``lead_time_days`` / ``reply_median_hours`` / ``rating``
null unknown (neutral in the score).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from shisaku.engines.matching import scoring
from shisaku.engines.matching.geo import haversine_km
from shisaku.engines.matching.reasons import HitFacts, build_reasons
from shisaku.engines.matching.requirement import Requirement, parse_requirement
from shisaku.engines.matching.result import MatchHit, MatchResult

__all__ = [
    "capability_qualifies",
    "is_eligible",
    "reference_eligible_ids",
    "reference_match",
]

Record = Mapping[str, Any]


def capability_qualifies(capability: Mapping[str, Any], requirement: Requirement) -> bool:
    """Rule 1 for one capability (its process aside): the lot and the part envelope."""
    quantity = requirement.quantity
    if quantity is not None:
        min_lot, max_lot = capability.get("min_lot"), capability.get("max_lot")
        if min_lot is not None and quantity < min_lot:
            return False
        if max_lot is not None and quantity > max_lot:
            return False
    envelope = capability.get("max_part_mm")
    if requirement.part_size_mm is not None and envelope is not None:
        part = sorted(requirement.part_size_mm)
        room = sorted(float(v) for v in envelope)
        if any(p > r for p, r in zip(part, room, strict=True)):
            return False
    return True


def _distance(record: Record, origin: tuple[float, float] | None) -> float | None:
    if origin is None:
        return None
    return haversine_km(origin[0], origin[1], float(record["lat"]), float(record["lon"]))


def is_eligible(record: Record, requirement: Requirement) -> bool:
    """True exactly when ``record`` satisfies the six rules of ARCHITECTURE.md."""
    capabilities = record.get("capabilities") or []
    # 1. every required process by one capability that also takes the lot and the part
    for process in requirement.processes:
        if not any(c["process"] == process and capability_qualifies(c, requirement)
                   for c in capabilities):
            return False
    # 2. every material listed by some capability of a required process (of any, if none)
    if requirement.materials:
        pool = [c for c in capabilities
                if not requirement.processes or c["process"] in requirement.processes]
        listed = {m for c in pool for m in (c.get("materials") or [])}
        if not set(requirement.materials) <= listed:
            return False
    # 3. the stage
    if requirement.stage is not None and requirement.stage not in (record.get("stages") or []):
        return False
    # 4. every certification
    if not set(requirement.certifications) <= set(record.get("certifications") or []):
        return False
    # 5. countries and distance
    if requirement.countries and record.get("country") not in requirement.countries:
        return False
    if requirement.max_distance_km is not None:
        distance = _distance(record, requirement.origin_point())
        if distance is None or distance > requirement.max_distance_km:
            return False
    # 6. foreign clients
    client = requirement.client_country
    return bool(record.get("accepts_foreign")) or client is None or client == record.get("country")


def _lead_time_days(record: Record, requirement: Requirement) -> float | None:
    """Slowest required process's quickest qualifying capability; any capability without one."""
    capabilities = record.get("capabilities") or []
    if not requirement.processes:
        known = [float(c["lead_time_days"]) for c in capabilities
                 if c.get("lead_time_days") is not None]
        return min(known) if known else None
    per_process = []
    for process in requirement.processes:
        known = [float(c["lead_time_days"]) for c in capabilities
                 if c["process"] == process and capability_qualifies(c, requirement)
                 and c.get("lead_time_days") is not None]
        if known:
            per_process.append(min(known))
    return max(per_process) if per_process else None


def _facts(record: Record, requirement: Requirement, distance: float | None,
           lead_time_days: float | None) -> HitFacts:
    lots: list[tuple[str, int | None]] = []
    for process in requirement.processes:
        qualifying = [c for c in record.get("capabilities") or []
                      if c["process"] == process and capability_qualifies(c, requirement)]
        highs = [c.get("max_lot") for c in qualifying]
        lots.append((process, None if any(h is None for h in highs) else max(highs)))
    stages = record.get("stages") or []
    later = tuple(s for s in scoring.later_stages(requirement.stage) if s in stages) \
        if requirement.stage is not None else ()
    field = requirement.product_field
    return HitFacts(
        process_max_lots=tuple(lots),
        materials=requirement.materials,
        certifications=requirement.certifications,
        distance_km=distance,
        origin_region=requirement.origin_region if requirement.origin is None else None,
        reply_hours=_optional_float(record.get("reply_median_hours")),
        rating=_optional_float(record.get("rating")),
        rating_count=int(record.get("rating_count") or 0),
        startup_projects=int(record.get("startup_projects") or 0),
        on_time_rate=_optional_float(record.get("on_time_rate")),
        delivered_orders=int(record.get("delivered_orders") or 0),
        product_field=field if field in (record.get("product_fields") or []) else None,
        later_stages=later,
        lead_time_days=lead_time_days,
        foreign_client=(requirement.client_country is not None
                        and requirement.client_country != record.get("country")),
    )


def _optional_float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _factors(record: Record, requirement: Requirement, distance: float | None,
             lead_time_days: float | None) -> dict[str, float]:
    return {
        "distance": scoring.distance_factor(distance),
        "reply_speed": scoring.reply_factor(_optional_float(record.get("reply_median_hours"))),
        "rating": scoring.rating_factor(_optional_float(record.get("rating")),
                                        record.get("rating_count")),
        "startup_experience": scoring.startup_factor(record.get("startup_projects")),
        "on_time": scoring.on_time_factor(_optional_float(record.get("on_time_rate")),
                                          record.get("delivered_orders")),
        "field_experience": scoring.field_factor(requirement.product_field,
                                                 record.get("product_fields") or []),
        "stage_fit": scoring.stage_fit_factor(requirement.stage, record.get("stages") or []),
        "lead_time": scoring.lead_time_factor(lead_time_days),
    }


def reference_eligible_ids(records: Iterable[Record], requirement: object) -> list[int]:
    """Ids of the eligible records, ascending."""
    req = parse_requirement(requirement)
    return sorted(int(r["id"]) for r in records if is_eligible(r, req))


def reference_match(records: Iterable[Record], requirement: object, *, top_k: int | None = 20,
                    weights: Mapping[str, float] | None = None) -> MatchResult:
    """Rank the eligible records: score descending, ties by ascending id; ``top_k=None`` for all."""
    started = time.perf_counter()
    req = parse_requirement(requirement)
    resolved = scoring.validate_weights(weights)
    origin = req.origin_point()
    considered = 0
    scored: list[tuple[float, int, Record, float | None, float | None, dict[str, float]]] = []
    for record in records:
        considered += 1
        if not is_eligible(record, req):
            continue
        distance = _distance(record, origin)
        lead = _lead_time_days(record, req)
        factors = _factors(record, req, distance, lead)
        scored.append((scoring.combine(factors, resolved), int(record["id"]), record, distance,
                       lead, factors))
    scored.sort(key=lambda item: (-item[0], item[1]))
    chosen = scored if top_k is None else scored[:top_k]
    hits = tuple(
        MatchHit(id=rid, slug=str(record.get("slug", "")), name=str(record.get("name", "")),
                 score=score, distance_km=distance, factors=factors,
                 reasons=build_reasons(_facts(record, req, distance, lead)))
        for score, rid, record, distance, lead, factors in chosen
    )
    return MatchResult(considered=considered, eligible=len(scored),
                       elapsed_ms=(time.perf_counter() - started) * 1000.0, results=hits)
