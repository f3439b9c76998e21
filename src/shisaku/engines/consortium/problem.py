"""The consortium problem in numbers: parses a plan request into firms, offers and integer points.

Every objective term is turned into integer *points* (``POINTS_PER_UNIT`` per objective unit)
once, here, so that the CP-SAT model, the greedy baseline, the checker and the brute-force
reference in the tests all add up exactly the same integers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from shisaku import taxonomy
from shisaku.engines.consortium.budget import CHECK_EVERY, Budget
from shisaku.engines.consortium.eligibility import (
    EARTH_RADIUS_KM,
    can_lead,
    haversine_km,
    is_eligible,
    package_lead_time_days,
)
from shisaku.engines.consortium.packages import (
    WorkPackage,
    packages_from_dicts,
    split_work_packages,
)
from shisaku.engines.messages import refuse

__all__ = [
    "DEFAULT_RATING",
    "DEFAULT_REPLY_HOURS",
    "POINTS_PER_UNIT",
    "Constraints",
    "Firm",
    "Offer",
    "Problem",
    "Weights",
    "build_problem",
    "firms_by_key",
]

POINTS_PER_UNIT = 100  # objective resolution: 0.01
DEFAULT_REPLY_HOURS = 48.0  # assumed when a firm has no reply history
DEFAULT_RATING = 3.0  # assumed quality rating (1-5) of an unrated firm
BEST_RATING = 5.0
_NEAREST_BY_LOOP = 32  # groups of leads up to this size: exact minimum by a loop
_LEAD_CHUNK = 256  # leads per matrix product when finding each firm's nearest lead

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Weights:
    """Objective weights: objective units per unit of each term (cost units are the quotes').

    ``cost`` per cost unit; ``lead_time_day`` per day of the critical path; ``distance_km`` per
    km from a member to the lead (per package); ``firm`` per distinct firm in the team (lead
    included); ``reply_hour`` per hour of median reply time (per package, and once for the
    lead); ``quality_point`` per rating point below 5 (per package, and once for the lead).
    """

    cost: float = 1.0
    lead_time_day: float = 50.0
    distance_km: float = 0.5
    firm: float = 300.0
    reply_hour: float = 5.0
    quality_point: float = 200.0

    @classmethod
    def from_dict(cls, data: object) -> Weights:
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise refuse("weights", "weights_not_object")
        valid = list(cls.__dataclass_fields__)
        unknown = sorted(set(data) - set(valid))
        if unknown:
            raise refuse("weights", "weights_unknown", valid=valid, names=', '.join(unknown))
        values: dict[str, float] = {}
        for key, value in data.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise refuse(f"weights.{key}", "not_non_negative")
            values[key] = float(value)
        return cls(**values)


@dataclass(frozen=True)
class Constraints:
    """Optional constraints on the team.

    ``same_country``: lead and members in one country; ``countries``: firms only from these;
    ``max_distance_to_lead_km``: every member within this distance of the lead;
    ``required``: package id -> firm id that must take it; ``required_lead``: firm id of the
    lead; ``integrators``: firm ids accepted as lead without final-assembly capability;
    ``regions``: firms only from these regions (ISO 3166-2, ``KR-47``) or blocks
    (``KR-DAEGYEONG``); ``max_distance_km``: firms only within this distance of ``origin``
    (lat, lon; from ``origin`` or the centroid of ``origin_region`` in the request).
    Firm ids are compared as strings.
    """

    same_country: bool = False
    countries: frozenset[str] | None = None
    max_distance_to_lead_km: float | None = None
    regions: frozenset[str] | None = None
    max_distance_km: float | None = None
    origin: tuple[float, float] | None = None
    required: Mapping[str, str] = field(default_factory=dict)
    required_lead: str | None = None
    integrators: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Firm:
    """A candidate firm, reduced to what the optimiser needs (the record is kept for output)."""

    key: str  # str(record id)
    record: Mapping[str, Any]
    lat: float
    lon: float
    country: str
    capacity: int  # packages it may take; the lead role takes none
    price_level: float
    reply_hours: float
    rating: float
    can_lead: bool


@dataclass(frozen=True)
class Offer:
    """What one firm would charge and need for one package (cost units, days)."""

    cost: float
    lead_time_days: int
    source: str  # quote | estimate | price_level


@dataclass
class Problem:
    """A prepared instance: packages, firms, the eligible and willing offers, integer points.

    ``firms`` holds only the firms that can take a package or lead (the others cannot matter).
    """

    packages: list[WorkPackage]
    firms: list[Firm]
    weights: Weights
    constraints: Constraints
    offers: list[dict[int, Offer]]  # per package: firm index -> offer (eligible and willing)
    lead_candidates: list[int]  # firm indices that may lead (capable, willing, allowed)
    declined: frozenset[str] = frozenset()
    willingness: Mapping[str, frozenset[str]] = field(default_factory=dict)
    stage: str | None = None
    certifications: tuple[str, ...] = ()
    client_country: str | None = None
    # Packages no firm can take: package id -> {"capable": firms kept out by the place
    # constraints, "<constraint>": how many of them that constraint alone keeps out}.
    excluded_by_place: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def blocking_constraint(self) -> dict[str, Any] | None:
        """The place constraint that empties packages, as ``{"code", "params"}``, or None.

        The constraint that alone keeps out the most capable firms of the empty packages;
        ``params``: the constraint, the packages and how many firms it keeps out.
        """
        totals: dict[str, int] = {}
        packages = []
        for package_id, counts in self.excluded_by_place.items():
            if counts.get("capable"):
                packages.append(package_id)
                for name in PLACE_CONSTRAINTS:
                    totals[name] = totals.get(name, 0) + counts.get(name, 0)
        if not packages:
            return None
        name = max(PLACE_CONSTRAINTS, key=lambda n: (totals.get(n, 0), -PLACE_CONSTRAINTS.index(n)))
        if not totals.get(name):
            name = "place"  # only several constraints together keep the firms out
        return {"code": "constraint_empties_packages",
                "params": {"constraint": name, "packages": sorted(packages),
                           "firms_kept_out": totals.get(name, 0)}}

    # ---- structure -------------------------------------------------------------------
    @cached_property
    def package_index(self) -> dict[str, int]:
        return {p.id: i for i, p in enumerate(self.packages)}

    @cached_property
    def deps(self) -> list[list[int]]:
        """Per package, the indices of the packages it depends on."""
        return [[self.package_index[d] for d in p.depends_on] for p in self.packages]

    @cached_property
    def topological_order(self) -> list[int]:
        order: list[int] = []
        done: set[int] = set()

        def visit(i: int) -> None:
            for d in self.deps[i]:
                if d not in done:
                    visit(d)
            done.add(i)
            order.append(i)

        for i in range(len(self.packages)):
            if i not in done:
                visit(i)
        return order

    @property
    def unavailable_packages(self) -> list[str]:
        """Packages that no eligible, willing, allowed firm can take (the cheap pre-check)."""
        return [p.id for p, offers in zip(self.packages, self.offers, strict=True) if not offers]

    # ---- integer points ----------------------------------------------------------------
    def _points(self, value: float) -> int:
        return round(value * POINTS_PER_UNIT)

    @cached_property
    def firm_points(self) -> int:
        """Points per distinct firm (coordination overhead)."""
        return self._points(self.weights.firm)

    @cached_property
    def day_points(self) -> int:
        """Points per day of the critical path."""
        return self._points(self.weights.lead_time_day)

    @cached_property
    def reply_points(self) -> IntArray:
        """Per firm, reply-time penalty points (applied per package taken, and for the lead)."""
        return np.array([self._points(self.weights.reply_hour * f.reply_hours)
                         for f in self.firms], dtype=np.int64)

    @cached_property
    def quality_points(self) -> IntArray:
        """Per firm, quality penalty points: weight x rating points below 5."""
        return np.array([self._points(self.weights.quality_point * (BEST_RATING - f.rating))
                         for f in self.firms], dtype=np.int64)

    def cost_points(self, package: int, firm: int) -> int:
        return self._points(self.weights.cost * self.offers[package][firm].cost)

    def lead_points(self, firm: int) -> int:
        """Points the lead role adds: its own reply and quality penalties, once."""
        return int(self.reply_points[firm] + self.quality_points[firm])

    @cached_property
    def _unit_vectors(self) -> FloatArray:
        """Each firm's position as a unit vector (N x 3), for fast great-circle distances."""
        lat = np.radians(np.array([f.lat for f in self.firms], dtype=np.float64))
        lon = np.radians(np.array([f.lon for f in self.firms], dtype=np.float64))
        return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)],
                        axis=1)

    def distances_km(self, lead: int, firms: IntArray | None = None) -> FloatArray:
        """Great-circle km from each firm (all, or the indices ``firms``) to firm ``lead``.

        The haversine distance (R = 6371.0088 km) in chord form, ``sin(d / 2R) = c / 2`` with
        ``c`` the straight line between unit vectors: no trigonometry per firm. Element-wise
        arithmetic only, so a firm's distance is the same whichever subset it is computed in.
        """
        vectors = self._unit_vectors if firms is None else self._unit_vectors[firms]
        u = self._unit_vectors[lead]
        dot = vectors[:, 0] * u[0] + vectors[:, 1] * u[1] + vectors[:, 2] * u[2]
        chord = np.sqrt(np.maximum(0.0, 2.0 - 2.0 * dot))
        return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, chord / 2)),
                          dtype=np.float64)

    def distance_points(self, lead: int, firms: IntArray | None = None) -> IntArray:
        """Logistics points for shipping one package from each firm (or ``firms``) to ``lead``."""
        km = self.distances_km(lead, firms)
        return np.rint(km * (self.weights.distance_km * POINTS_PER_UNIT)).astype(np.int64)

    def nearest_lead_points(self, leads: Sequence[int], firms: IntArray) -> IntArray:
        """A lower bound of the logistics points from each of ``firms`` to its nearest lead.

        Aligned with ``firms``. Exact minimum over the leads for small groups; for large ones
        the chord to the nearest lead from dot products of unit vectors (matrix products).
        """
        if len(leads) <= _NEAREST_BY_LOOP:
            best = self.distance_points(leads[0], firms)
            for lead in leads[1:]:
                np.minimum(best, self.distance_points(lead, firms), out=best)
            return best
        group = np.asarray(leads, dtype=np.int64)
        best_dot = np.full(len(firms), -1.0)
        for start in range(0, len(group), _LEAD_CHUNK):
            block = self._unit_vectors[firms] @ self._unit_vectors[group[start:start + _LEAD_CHUNK]].T
            np.maximum(best_dot, block.max(axis=1), out=best_dot)
        # The nearest lead has the largest dot product; its chord (at most 0.2 % shorter than
        # the great circle below 1,500 km), less one point for rounding, is a lower bound.
        chord = np.sqrt(np.maximum(0.0, 2.0 - 2.0 * best_dot))
        scale = EARTH_RADIUS_KM * self.weights.distance_km * POINTS_PER_UNIT
        return np.asarray(np.maximum(0, np.floor(chord * scale) - 1), dtype=np.int64)

    def distance_points_lower_block(self, firms: IntArray, leads: IntArray) -> FloatArray:
        """A lower bound of the logistics points, firms x leads, by one matrix product.

        Uses the chord (straight line through the Earth, at most 0.2 % shorter than the great
        circle below 1,500 km) and takes one point off for rounding: for bounds only.
        """
        dots = self._unit_vectors[firms] @ self._unit_vectors[leads].T
        chord = np.sqrt(np.maximum(0.0, 2.0 - 2.0 * dots))
        scale = EARTH_RADIUS_KM * self.weights.distance_km * POINTS_PER_UNIT
        return np.asarray(np.maximum(0.0, chord * scale - 1.0), dtype=np.float64)

    @cached_property
    def _country_codes(self) -> IntArray:
        codes: dict[str, int] = {}
        return np.array([codes.setdefault(f.country, len(codes)) for f in self.firms],
                        dtype=np.int64)

    def allowed_for_lead(self, lead: int) -> npt.NDArray[np.bool_]:
        """Per firm, may it be a member when ``lead`` leads (same country, max distance)."""
        allowed = np.ones(len(self.firms), dtype=bool)
        if self.constraints.same_country:
            allowed &= self._country_codes == self._country_codes[lead]
        if self.constraints.max_distance_to_lead_km is not None:
            allowed &= self.distances_km(lead) <= self.constraints.max_distance_to_lead_km
        return allowed


# ---- request parsing ---------------------------------------------------------------------

def _firm_from_record(record: object, index: int) -> Firm:
    where = f"manufacturers[{index}]"
    if not isinstance(record, Mapping):
        raise refuse(where, "firm_not_object")
    if record.get("id") is None:
        raise refuse(f"{where}.id", "firm_id_missing")
    lat, lon = record.get("lat"), record.get("lon")
    if lat is None or lon is None:
        region_code = record.get("region")
        if not isinstance(region_code, str):
            raise refuse(f"{where}.lat", "firm_no_place")
        lat, lon = taxonomy.region_centroid(region_code)
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lon)):
        raise refuse(f"{where}.lat", "firm_lat_lon_not_numbers")
    caps = record.get("capabilities")
    if caps is None:
        caps = []
    if not isinstance(caps, list) or not all(isinstance(c, Mapping) for c in caps):
        raise refuse(f"{where}.capabilities", "capabilities_not_list")
    for j, cap in enumerate(caps):
        _check_capability(cap, f"{where}.capabilities[{j}]")
    capacity = record.get("capacity_jobs")
    if capacity is not None and (isinstance(capacity, bool) or not isinstance(capacity, int)
                                 or capacity < 0):
        raise refuse(f"{where}.capacity_jobs", "capacity_not_integer")
    price_level = _number(record.get("price_level"), 1.0, f"{where}.price_level")
    reply = _number(record.get("reply_median_hours"), DEFAULT_REPLY_HOURS,
                    f"{where}.reply_median_hours")
    rating = _number(record.get("rating"), DEFAULT_RATING, f"{where}.rating")
    return Firm(
        key=str(record["id"]),
        record=record,
        lat=float(lat),
        lon=float(lon),
        country=str(record.get("country") or ""),
        capacity=capacity if capacity is not None else 1_000_000,
        price_level=price_level,
        reply_hours=reply,
        rating=min(BEST_RATING, max(1.0, rating)),
        can_lead=False,  # set by build_problem once the integrators are known
    )


_NUMBER = (int, float)


def _check_capability(cap: Mapping[str, Any], where: str) -> None:
    """Reject capabilities the eligibility check could not read (types only; codes are free)."""
    if type(cap.get("process")) is not str:
        raise refuse(f"{where}.process", "capability_process_missing")
    envelope = cap.get("max_part_mm")
    if envelope is not None and (
        type(envelope) not in (list, tuple) or len(envelope) != 3
        or type(envelope[0]) not in _NUMBER or type(envelope[1]) not in _NUMBER
        or type(envelope[2]) not in _NUMBER
    ):
        raise refuse(f"{where}.max_part_mm", "envelope_not_three")
    for key in ("min_lot", "max_lot", "lead_time_days"):
        value = cap.get(key)
        if value is not None and type(value) not in _NUMBER:
            raise refuse(f"{where}.{key}", "number_or_null")
    materials = cap.get("materials")
    if materials is not None and type(materials) is not list:
        raise refuse(f"{where}.materials", "materials_not_list")


def _number(value: object, default: float, field_name: str) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise refuse(field_name, "not_a_number")
    return float(value)


def _priced(items: object, field_name: str, packages: set[str]) -> dict[tuple[str, str], Offer]:
    """Quotes or estimates: [{"package", "manufacturer", "total_cost", "lead_time_days"?}]."""
    if items is None:
        return {}
    if not isinstance(items, list):
        raise refuse(field_name, "offers_not_list")
    source = "quote" if field_name == "quotes" else "estimate"
    out: dict[tuple[str, str], Offer] = {}
    for i, item in enumerate(items):
        where = f"{field_name}[{i}]"
        if not isinstance(item, Mapping):
            raise refuse(where, "not_an_object")
        package = item.get("package")
        if package not in packages:
            raise refuse(f"{where}.package", "offer_package_unknown", valid=sorted(packages))
        if item.get("manufacturer") is None:
            raise refuse(f"{where}.manufacturer", "offer_firm_missing")
        cost = item.get("total_cost")
        if isinstance(cost, bool) or not isinstance(cost, int | float) or cost < 0:
            raise refuse(f"{where}.total_cost", "cost_negative")
        days = item.get("lead_time_days")
        if days is not None and (isinstance(days, bool) or not isinstance(days, int | float)
                                 or days < 0):
            raise refuse(f"{where}.lead_time_days", "days_negative")
        out[(str(package), str(item["manufacturer"]))] = Offer(
            cost=float(cost), lead_time_days=-1 if days is None else math.ceil(days),
            source=source)
    return out


def _id_set(value: object, field_name: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        raise refuse(field_name, "firm_ids_not_list")
    return frozenset(str(v) for v in value)


def _constraints(data: object, package_ids: set[str]) -> Constraints:
    if data is None:
        return Constraints()
    if not isinstance(data, Mapping):
        raise refuse("constraints", "not_an_object")
    valid = ["same_country", "countries", "max_distance_to_lead_km", "required",
             "required_lead", "integrators", "regions", "max_distance_km", "origin",
             "origin_region"]
    unknown = sorted(set(data) - set(valid))
    if unknown:
        raise refuse("constraints", "constraints_unknown", valid=valid, names=', '.join(unknown))
    countries = data.get("countries")
    if countries is not None:
        if not isinstance(countries, list) or not all(isinstance(c, str) for c in countries):
            raise refuse("constraints.countries", "countries_not_list")
        known = set(taxonomy.COUNTRIES)
        bad = sorted(set(countries) - known)
        if bad:
            raise refuse("constraints.countries", "countries_unknown", valid=sorted(known), codes=', '.join(bad))
    max_km = data.get("max_distance_to_lead_km")
    if max_km is not None and (isinstance(max_km, bool) or not isinstance(max_km, int | float)
                               or max_km < 0):
        raise refuse("constraints.max_distance_to_lead_km", "km_negative")
    required = data.get("required") or {}
    if not isinstance(required, Mapping):
        raise refuse("constraints.required", "required_not_object")
    bad = sorted(set(required) - package_ids)
    if bad:
        raise refuse("constraints.required", "packages_unknown", valid=sorted(package_ids), ids=', '.join(bad))
    lead = data.get("required_lead")
    regions = _regions(data.get("regions"))
    max_distance_km, origin = _distance_limit(data)
    return Constraints(
        regions=regions, max_distance_km=max_distance_km, origin=origin,
        same_country=bool(data.get("same_country", False)),
        countries=frozenset(countries) if countries is not None else None,
        max_distance_to_lead_km=float(max_km) if max_km is not None else None,
        required={str(k): str(v) for k, v in required.items()},
        required_lead=str(lead) if lead is not None else None,
        integrators=_id_set(data.get("integrators"), "constraints.integrators"),
    )


def _regions(value: object) -> frozenset[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        raise refuse("constraints.regions", "regions_not_list")
    known = set(taxonomy.REGIONS) | set(taxonomy.BLOCKS)
    bad = sorted(set(value) - known)
    if bad:
        raise refuse("constraints.regions", "regions_unknown", valid=sorted(known), codes=', '.join(bad))
    return frozenset(value)


def _distance_limit(data: Mapping[str, Any]) -> tuple[float | None, tuple[float, float] | None]:
    max_km = data.get("max_distance_km")
    if max_km is None:
        return None, None
    if isinstance(max_km, bool) or not isinstance(max_km, int | float) or max_km < 0:
        raise refuse("constraints.max_distance_km", "km_negative")
    origin = data.get("origin")
    if isinstance(origin, Mapping):
        lat, lon = origin.get("lat"), origin.get("lon")
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lon)):
            raise refuse("constraints.origin", "origin_not_degrees")
        return float(max_km), (float(lat), float(lon))  # type: ignore[arg-type]
    code = data.get("origin_region")
    if not isinstance(code, str):
        raise refuse("constraints.origin_region", "distance_no_origin_region")
    try:
        return float(max_km), taxonomy.region_centroid(code)
    except (KeyError, ValueError, taxonomy.UnknownCodeError):
        raise refuse("constraints.origin_region", "region_unknown", code=code) from None


PLACE_CONSTRAINTS = ("countries", "regions", "max_distance_km")


def place_violations(firm: Firm, constraints: Constraints) -> frozenset[str]:
    """The place constraints (``PLACE_CONSTRAINTS``) that ``firm`` does not meet."""
    out = set()
    if constraints.countries is not None and firm.country not in constraints.countries:
        out.add("countries")
    if constraints.regions is not None:
        code = str(firm.record.get("region") or "")
        block = taxonomy.REGIONS[code].block if code in taxonomy.REGIONS else ""
        if code not in constraints.regions and block not in constraints.regions:
            out.add("regions")
    if constraints.max_distance_km is not None and constraints.origin is not None:
        lat, lon = constraints.origin
        if haversine_km(lat, lon, firm.lat, firm.lon) > constraints.max_distance_km:
            out.add("max_distance_km")
    return frozenset(out)


def _willingness(data: object, package_ids: set[str]) -> dict[str, frozenset[str]]:
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise refuse("willingness", "willingness_not_object")
    out: dict[str, frozenset[str]] = {}
    valid = [*sorted(package_ids), "lead"]
    for key, value in data.items():
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise refuse(f"willingness.{key}", "willingness_not_list")
        bad = sorted(set(value) - set(valid))
        if bad:
            raise refuse(f"willingness.{key}", "packages_unknown", valid=valid, ids=', '.join(bad))
        out[str(key)] = frozenset(value)
    return out


def build_problem(request: Mapping[str, Any], *, budget: Budget | None = None) -> Problem:
    """Parse and validate a plan request (see docs/CONSORTIUM.md) into a :class:`Problem`.

    Needs ``packages`` (work package dicts) or ``parts`` (split with
    :func:`split_work_packages`) and ``manufacturers`` (records). Raises InputError or
    UnknownCodeError on bad input, and :class:`TimeLimitReached` when ``budget`` runs out
    while reading the firms or checking their eligibility.
    """
    if not isinstance(request, Mapping):
        raise refuse("", "request_not_object")
    if request.get("packages") is not None:
        packages = packages_from_dicts(request["packages"])
    elif request.get("parts") is not None:
        parts = request["parts"]
        if not isinstance(parts, list) or not parts:
            raise refuse("parts", "parts_not_list")
        packages = split_work_packages(parts)
    else:
        raise refuse("packages", "packages_missing")
    package_ids = {p.id for p in packages}

    records = request.get("manufacturers")
    if not isinstance(records, list):
        raise refuse("manufacturers", "firms_not_list")
    firms = []
    for i, r in enumerate(records):
        if budget is not None and i % CHECK_EVERY == 0:
            budget.check("reading the manufacturers")
        firms.append(_firm_from_record(r, i))
    keys = [f.key for f in firms]
    if len(set(keys)) != len(keys):
        dup = sorted({k for k in keys if keys.count(k) > 1})
        raise refuse("manufacturers.id", "firm_ids_duplicate", ids=', '.join(dup[:10]))

    stage = request.get("stage")
    if stage is not None:
        taxonomy.validate_codes("stage", [stage])
    certifications = request.get("certifications") or []
    if not isinstance(certifications, list):
        raise refuse("certifications", "certifications_not_list")
    taxonomy.validate_codes("certification", certifications)
    client_country = request.get("client_country")
    if client_country is not None and not isinstance(client_country, str):
        raise refuse("client_country", "client_country_not_code")

    weights = Weights.from_dict(request.get("weights"))
    constraints = _constraints(request.get("constraints"), package_ids)
    known = set(keys)
    for name, ids in (("required", set(constraints.required.values())),
                      ("required_lead", {constraints.required_lead} - {None})):
        missing = sorted(str(i) for i in ids - known)
        if missing:
            raise refuse(f"constraints.{name}", "firms_not_among", ids=', '.join(missing))
    declined = _id_set(request.get("declined"), "declined")
    willingness = _willingness(request.get("willingness"), package_ids)
    quotes = _priced(request.get("quotes"), "quotes", package_ids)
    estimates = _priced(request.get("estimates"), "estimates", package_ids)

    firms = [
        Firm(**{**f.__dict__, "can_lead": can_lead(f.record, constraints.integrators)})
        for f in firms
    ]
    violations = [place_violations(f, constraints) for f in firms]
    # Per package: firms that could take it but for the place constraints, and how many of
    # them each constraint alone keeps out (to say which one empties a package).
    excluded: dict[str, dict[str, int]] = {}
    offers: list[dict[int, Offer]] = []
    for package in packages:
        required = constraints.required.get(package.id)
        per_firm: dict[int, Offer] = {}
        kept_out = {"capable": 0, **{name: 0 for name in PLACE_CONSTRAINTS}}
        for index, firm in enumerate(firms):
            if budget is not None and index % CHECK_EVERY == 0:
                budget.check("checking which firms can take each package")
            if firm.key in declined or firm.capacity < 1:
                continue
            if required is not None and firm.key != required:
                continue
            if firm.key in willingness and package.id not in willingness[firm.key]:
                continue
            if not is_eligible(firm.record, package, stage=stage, certifications=certifications,
                               client_country=client_country):
                continue
            if violations[index]:
                kept_out["capable"] += 1
                if len(violations[index]) == 1:
                    kept_out[next(iter(violations[index]))] += 1
                continue
            per_firm[index] = _offer(firm, package, quotes, estimates)
        offers.append(per_firm)
        if not per_firm:
            excluded[package.id] = kept_out

    lead_candidates = [
        i for i, f in enumerate(firms)
        if f.can_lead
        and f.key not in declined
        and (f.key not in willingness or "lead" in willingness[f.key])
        and (constraints.required_lead is None or f.key == constraints.required_lead)
        and not violations[i]
        and (client_country is None or client_country == f.country
             or f.record.get("accepts_foreign", True))
    ]
    if not lead_candidates:
        leads_out = [v for f, v in zip(firms, violations, strict=True)
                     if f.can_lead and f.key not in declined and v]
        if leads_out:
            excluded["lead"] = {"capable": len(leads_out), **{
                name: sum(1 for v in leads_out if v == {name}) for name in PLACE_CONSTRAINTS}}
    # Only firms that can take a package or lead matter: keep those (distances are per firm).
    relevant = sorted({i for per_firm in offers for i in per_firm} | set(lead_candidates))
    renumber = {old: new for new, old in enumerate(relevant)}
    firms = [firms[i] for i in relevant]
    offers = [{renumber[i]: offer for i, offer in per_firm.items()} for per_firm in offers]
    lead_candidates = [renumber[i] for i in lead_candidates]
    return Problem(
        packages=packages, firms=firms, weights=weights, constraints=constraints,
        offers=offers, lead_candidates=lead_candidates, declined=declined,
        willingness=willingness, stage=stage, certifications=tuple(certifications),
        client_country=client_country, excluded_by_place=excluded,
    )


def _offer(
    firm: Firm,
    package: WorkPackage,
    quotes: Mapping[tuple[str, str], Offer],
    estimates: Mapping[tuple[str, str], Offer],
) -> Offer:
    """Cost from the quote, else the estimate, else price_level x the package's base cost."""
    key = (package.id, firm.key)
    given = quotes.get(key) or estimates.get(key)
    if given is not None:
        days = given.lead_time_days
        if days < 0:
            days = package_lead_time_days(firm.record, package)
        return Offer(cost=given.cost, lead_time_days=days, source=given.source)
    return Offer(
        cost=firm.price_level * package.effective_base_cost,
        lead_time_days=package_lead_time_days(firm.record, package),
        source="price_level",
    )


def firms_by_key(problem: Problem) -> dict[str, int]:
    """Firm id (as a string) -> firm index."""
    return {f.key: i for i, f in enumerate(problem.firms)}
