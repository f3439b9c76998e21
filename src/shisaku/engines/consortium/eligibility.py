"""Can a manufacturer take a work package? The eligibility rules of ARCHITECTURE.md, per package.

A small pure check on manufacturer records (the export JSON objects), kept here so the
optimiser does not depend on the matching engine's index; it applies the same rules 1-6.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from shisaku.engines.consortium.packages import WorkPackage

__all__ = [
    "DEFAULT_PROCESS_LEAD_TIME_DAYS",
    "EARTH_RADIUS_KM",
    "can_lead",
    "haversine_km",
    "is_eligible",
    "package_lead_time_days",
]

EARTH_RADIUS_KM = 6371.0088
# Days assumed for a process whose capability states no lead time.
DEFAULT_PROCESS_LEAD_TIME_DAYS = 10


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees (R = 6371.0088 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _fits(part: Sequence[float] | None, envelope: Sequence[float] | None) -> bool:
    if part is None or envelope is None:
        return True
    return all(a <= b for a, b in zip(sorted(part), sorted(envelope), strict=True))


def _capability_ok(cap: Mapping[str, Any], package: WorkPackage) -> bool:
    quantity = package.quantity
    if quantity is not None:
        min_lot = cap.get("min_lot")
        max_lot = cap.get("max_lot")
        if min_lot is not None and quantity < min_lot:
            return False
        if max_lot is not None and quantity > max_lot:
            return False
    return _fits(package.part_size_mm, cap.get("max_part_mm"))


def _matching_capabilities(
    record: Mapping[str, Any], package: WorkPackage
) -> dict[str, list[Mapping[str, Any]]]:
    """Per required process, the record's capabilities that satisfy its lot and size limits."""
    found: dict[str, list[Mapping[str, Any]]] = {p: [] for p in package.processes}
    for cap in record.get("capabilities") or ():
        process = cap.get("process")
        if process in found and _capability_ok(cap, package):
            found[process].append(cap)
    return found


def is_eligible(
    record: Mapping[str, Any],
    package: WorkPackage,
    *,
    stage: str | None = None,
    certifications: Collection[str] = (),
    client_country: str | None = None,
    countries: Collection[str] | None = None,
) -> bool:
    """True when the manufacturer satisfies eligibility rules 1-6 for the package.

    1. a capability for every process, with min_lot <= quantity <= max_lot and the part inside
       its envelope (sorted dimensions, mm); 2. every material listed by one of those
       capabilities; 3. ``stage`` among its stages; 4. every certification held; 5. its country
       in ``countries`` (distance limits are the optimiser's constraints); 6. it accepts foreign
       clients or the client is from its country.
    """
    found = _matching_capabilities(record, package)
    if any(not caps for caps in found.values()):
        return False
    if package.materials:
        listed = {m for caps in found.values() for cap in caps for m in cap.get("materials") or ()}
        if not set(package.materials) <= listed:
            return False
    if stage is not None and stage not in (record.get("stages") or ()):
        return False
    if certifications and not set(certifications) <= set(record.get("certifications") or ()):
        return False
    country = record.get("country")
    if countries is not None and country not in countries:
        return False
    return not (
        client_country is not None
        and client_country != country
        and not record.get("accepts_foreign", True)
    )


def package_lead_time_days(record: Mapping[str, Any], package: WorkPackage) -> int:
    """Days the firm needs for the package: its processes run one after the other.

    Per process the shortest stated lead time among the capabilities that fit the package
    (``DEFAULT_PROCESS_LEAD_TIME_DAYS`` when none states one).
    """
    total = 0
    for caps in _matching_capabilities(record, package).values():
        stated = [c["lead_time_days"] for c in caps if c.get("lead_time_days") is not None]
        total += math.ceil(min(stated)) if stated else DEFAULT_PROCESS_LEAD_TIME_DAYS
    return total


def can_lead(record: Mapping[str, Any], integrators: Collection[str] = ()) -> bool:
    """A lead must do final assembly or be accepted as integrator (record flag or request list)."""
    if record.get("accepts_integrator") or str(record.get("id")) in integrators:
        return True
    return any(c.get("process") == "final_assembly" for c in record.get("capabilities") or ())
