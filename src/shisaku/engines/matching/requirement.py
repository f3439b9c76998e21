"""The matching requirement: parses and validates the JSON of ARCHITECTURE.md into a frozen value.

Every field is optional. Codes are checked against :mod:`shisaku.taxonomy` (unknown ones raise
:class:`~shisaku.taxonomy.UnknownCodeError`, which lists the valid codes); every other mistake
raises :class:`~shisaku.errors.InputError` naming the field.

Example::

    >>> req = parse_requirement({"processes": ["cnc_milling"], "quantity": 300,
    ...                          "origin_region": "KR-11", "max_distance_km": 500})
    >>> req.quantity, req.origin_point() is not None
    (300, True)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shisaku import taxonomy
from shisaku.engines.messages import refuse

__all__ = ["REQUIREMENT_FIELDS", "Requirement", "parse_requirement"]

# Field name -> taxonomy kind, for the list-valued code fields.
_CODE_LISTS: dict[str, str] = {
    "processes": "process",
    "materials": "material",
    "certifications": "certification",
    "countries": "country",
}
# Field name -> taxonomy kind, for the single-code fields.
_CODES: dict[str, str] = {
    "stage": "stage",
    "product_field": "product_field",
    "client_country": "country",
}

REQUIREMENT_FIELDS: tuple[str, ...] = (
    "processes", "materials", "quantity", "stage", "product_field", "certifications",
    "part_size_mm", "origin_region", "origin", "countries", "max_distance_km", "client_country",
)


@dataclass(frozen=True, slots=True)
class Requirement:
    """What a startup needs made; ``None`` / empty tuple means "no constraint".

    ``quantity`` is in units (pieces), ``part_size_mm`` the part's x, y, z extents in mm,
    ``origin`` a (lat, lon) pair in degrees, ``max_distance_km`` a great-circle distance in km.
    """

    processes: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()
    quantity: int | None = None
    stage: str | None = None
    product_field: str | None = None
    certifications: tuple[str, ...] = ()
    part_size_mm: tuple[float, float, float] | None = None
    origin_region: str | None = None
    origin: tuple[float, float] | None = None
    countries: tuple[str, ...] = ()
    max_distance_km: float | None = None
    client_country: str | None = None

    def origin_point(self) -> tuple[float, float] | None:
        """(lat, lon) in degrees that distances are measured from, or ``None``.

        ``origin`` when given, else the representative point of ``origin_region``.
        """
        if self.origin is not None:
            return self.origin
        if self.origin_region is not None:
            return taxonomy.region_centroid(self.origin_region)
        return None

    def as_dict(self) -> dict[str, Any]:
        """The requirement as JSON-able data (only the fields that are set)."""
        out: dict[str, Any] = {}
        for name in REQUIREMENT_FIELDS:
            value = getattr(self, name)
            if value is None or value == ():
                continue
            if name == "origin":
                out[name] = {"lat": value[0], "lon": value[1]}
            elif isinstance(value, tuple):
                out[name] = list(value)
            else:
                out[name] = value
        return out


def _number(field: str, value: object) -> float:
    # bool is an int in Python; a JSON true is not a number for us.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise refuse(field, "match_not_number")
    number = float(value)
    if not math.isfinite(number):
        raise refuse(field, "match_not_finite")
    return number


def _code_list(field: str, kind: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise refuse(field, "match_codes_not_list")
    taxonomy.validate_codes(kind, value)
    return tuple(dict.fromkeys(value))  # drop repeats, keep the order given


def _code(field: str, kind: str, value: object) -> str:
    if not isinstance(value, str):
        raise refuse(field, "match_code_not_string")
    taxonomy.validate_codes(kind, [value])
    return value


def _quantity(value: object) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise refuse("quantity", "quantity_not_whole")
    if value <= 0:
        raise refuse("quantity", "quantity_below_one")
    return value


def _part_size(value: object) -> tuple[float, float, float]:
    if not isinstance(value, list | tuple) or len(value) != 3:
        raise refuse("part_size_mm", "match_size_not_three")
    sizes = [_number("part_size_mm", v) for v in value]
    if any(s <= 0 for s in sizes):
        raise refuse("part_size_mm", "match_size_not_positive")
    return (sizes[0], sizes[1], sizes[2])


def _origin(value: object) -> tuple[float, float]:
    if not isinstance(value, Mapping):
        raise refuse("origin", "origin_not_object")
    extra = sorted(set(value) - {"lat", "lon"})
    if extra:
        raise refuse("origin", "origin_keys_unknown", valid=["lat", "lon"], names=', '.join(map(str, extra)))
    if "lat" not in value or "lon" not in value:
        raise refuse("origin", "origin_lat_lon_missing")
    lat = _number("origin.lat", value["lat"])
    lon = _number("origin.lon", value["lon"])
    if not -90.0 <= lat <= 90.0:
        raise refuse("origin.lat", "latitude_out_of_range")
    if not -180.0 <= lon <= 180.0:
        raise refuse("origin.lon", "longitude_out_of_range")
    return (lat, lon)


def parse_requirement(data: object) -> Requirement:
    """Validate a decoded JSON object and return the :class:`Requirement` it describes.

    Raises :class:`~shisaku.taxonomy.UnknownCodeError` for an unknown taxonomy code and
    :class:`~shisaku.errors.InputError` for anything else a user can fix (wrong type,
    unknown key, quantity ≤ 0, a size ≤ 0 mm, max_distance_km ≤ 0 or without an origin,
    latitude/longitude out of range, an origin region that does not exist).
    """
    if isinstance(data, Requirement):
        return data
    if not isinstance(data, Mapping):
        raise refuse("", "requirement_not_object")
    unknown = sorted(str(k) for k in data if k not in REQUIREMENT_FIELDS)
    if unknown:
        raise refuse(unknown[0], "requirement_fields_unknown", valid=list(REQUIREMENT_FIELDS), names=', '.join(unknown))
    values: dict[str, Any] = {}
    for name, raw in data.items():
        if raw is None:
            continue  # null is the same as leaving the field out
        if name in _CODE_LISTS:
            values[name] = _code_list(name, _CODE_LISTS[name], raw)
        elif name in _CODES:
            values[name] = _code(name, _CODES[name], raw)
        elif name == "quantity":
            values[name] = _quantity(raw)
        elif name == "part_size_mm":
            values[name] = _part_size(raw)
        elif name == "origin":
            values[name] = _origin(raw)
        elif name == "origin_region":
            if not isinstance(raw, str):
                raise refuse(name, "region_not_string")
            if raw not in taxonomy.REGIONS:
                raise refuse(name, "region_no_code", valid=sorted(taxonomy.REGIONS), code=raw)
            values[name] = raw
        elif name == "max_distance_km":
            distance = _number(name, raw)
            if distance <= 0:
                raise refuse(name, "distance_not_positive")
            values[name] = distance
    if "max_distance_km" in values and "origin" not in values and "origin_region" not in values:
        raise refuse("max_distance_km", "distance_no_origin")
    return Requirement(**values)
