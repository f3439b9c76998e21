"""Parsing and validating the matching requirement (ARCHITECTURE.md "Requirement")."""

from __future__ import annotations

import pytest

from shisaku import taxonomy
from shisaku.engines.matching import REQUIREMENT_FIELDS, Requirement, parse_requirement
from shisaku.errors import InputError
from shisaku.taxonomy import UnknownCodeError

FULL = {
    "processes": ["cnc_milling"], "materials": ["aluminum_6061"], "quantity": 300,
    "stage": "dfm", "product_field": "medical_welfare", "certifications": ["iso_13485"],
    "part_size_mm": [120, 80, 30], "origin_region": "KR-11",
    "origin": {"lat": 37.55, "lon": 126.99}, "countries": ["KR", "JP"],
    "max_distance_km": 500, "client_country": "KR",
}


def test_the_architecture_example_parses_into_a_frozen_value() -> None:
    req = parse_requirement(FULL)
    assert req.processes == ("cnc_milling",)
    assert req.quantity == 300
    assert req.part_size_mm == (120.0, 80.0, 30.0)
    assert req.origin == (37.55, 126.99)
    assert req.countries == ("KR", "JP")
    assert req.max_distance_km == 500.0
    with pytest.raises(AttributeError):
        req.quantity = 5  # type: ignore[misc]
    assert set(req.as_dict()) == set(REQUIREMENT_FIELDS)
    assert parse_requirement(req.as_dict()) == req


def test_every_field_is_optional_and_null_means_absent() -> None:
    assert parse_requirement({}) == Requirement()
    assert parse_requirement({"quantity": None, "stage": None}) == Requirement()


def test_origin_wins_over_origin_region_and_the_region_centroid_stands_in() -> None:
    both = parse_requirement({"origin_region": "KR-26", "origin": {"lat": 1.0, "lon": 2.0}})
    assert both.origin_point() == (1.0, 2.0)
    region_only = parse_requirement({"origin_region": "KR-26"})
    assert region_only.origin_point() == taxonomy.region_centroid("KR-26")
    assert parse_requirement({}).origin_point() is None


@pytest.mark.parametrize(("field", "value"), [
    ("processes", ["cnc_milling", "laser_welding_x"]),
    ("materials", ["unobtainium"]),
    ("stage", "launch"),
    ("product_field", "toys"),
    ("certifications", ["iso_99999"]),
    ("countries", ["XX"]),
    ("client_country", "ZZ"),
])
def test_unknown_codes_are_refused_with_the_valid_ones(field: str, value: object) -> None:
    with pytest.raises(UnknownCodeError) as caught:
        parse_requirement({field: value})
    assert caught.value.valid  # the message lists what would have been accepted
    assert all(code not in caught.value.valid for code in caught.value.unknown)


@pytest.mark.parametrize(("data", "field"), [
    ({"quantity": 0}, "quantity"),
    ({"quantity": -5}, "quantity"),
    ({"quantity": 2.5}, "quantity"),
    ({"quantity": "300"}, "quantity"),
    ({"quantity": True}, "quantity"),
    ({"part_size_mm": [120, -80, 30]}, "part_size_mm"),
    ({"part_size_mm": [120, 0, 30]}, "part_size_mm"),
    ({"part_size_mm": [120, 80]}, "part_size_mm"),
    ({"part_size_mm": "120x80x30"}, "part_size_mm"),
    ({"part_size_mm": [120, float("nan"), 30]}, "part_size_mm"),
    ({"max_distance_km": 0, "origin_region": "KR-11"}, "max_distance_km"),
    ({"max_distance_km": -1, "origin_region": "KR-11"}, "max_distance_km"),
    ({"max_distance_km": 100}, "max_distance_km"),
    ({"origin": {"lat": 91, "lon": 0}}, "origin.lat"),
    ({"origin": {"lat": 0, "lon": -180.5}}, "origin.lon"),
    ({"origin": {"lat": 0}}, "origin"),
    ({"origin": {"lat": 0, "lon": 0, "alt": 3}}, "origin"),
    ({"origin": [37.5, 127.0]}, "origin"),
    ({"origin_region": "KR-99"}, "origin_region"),
    ({"origin_region": 11}, "origin_region"),
    ({"processes": "cnc_milling"}, "processes"),
    ({"stage": ["dfm"]}, "stage"),
    ({"budget": 1000}, "budget"),
])
def test_mistakes_name_the_field(data: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_requirement(data)
    assert caught.value.field == field


def test_an_unknown_region_lists_the_valid_regions() -> None:
    with pytest.raises(InputError) as caught:
        parse_requirement({"origin_region": "KR-99"})
    assert "KR-11" in caught.value.valid


def test_a_requirement_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(InputError):
        parse_requirement(["cnc_milling"])


def test_repeated_codes_collapse_and_whole_float_quantities_are_accepted() -> None:
    req = parse_requirement({"processes": ["cnc_milling", "cnc_milling"], "quantity": 300.0})
    assert req.processes == ("cnc_milling",)
    assert req.quantity == 300
