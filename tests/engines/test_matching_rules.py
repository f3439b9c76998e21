"""Each eligibility rule of ARCHITECTURE.md on hand-made records, through the index and the reference."""

from __future__ import annotations

from typing import Any

import pytest

from shisaku import taxonomy
from shisaku.engines.matching import (
    MatchIndex,
    haversine_km,
    reference_eligible_ids,
)

SEOUL = (37.5665, 126.9780)
BUSAN = (35.1796, 129.0756)
OSAKA = (34.6937, 135.5023)


def cap(process: str = "cnc_milling", *, materials: list[str] | None = None,
        min_lot: int | None = 1, max_lot: int | None = 1000,
        max_part_mm: list[float] | None = None, lead_time_days: float | None = 10) -> dict[str, Any]:
    return {"process": process, "materials": materials or [], "min_lot": min_lot,
            "max_lot": max_lot, "max_part_mm": max_part_mm, "tolerance_mm": None,
            "lead_time_days": lead_time_days}


def firm(id: int, *caps: dict[str, Any], at: tuple[float, float] = SEOUL, country: str = "KR",
         stages: list[str] | None = None, certifications: list[str] | None = None,
         accepts_foreign: bool = True, **extra: Any) -> dict[str, Any]:
    record = {"id": id, "slug": f"firm-{id}", "name": f"Firm {id}", "country": country,
              "lat": at[0], "lon": at[1],
              "stages": stages if stages is not None else list(taxonomy.codes("stage")),
              "product_fields": [], "certifications": certifications or [],
              "accepts_foreign": accepts_foreign, "capabilities": list(caps),
              "reply_median_hours": None, "rating": None, "rating_count": 0,
              "startup_projects": 0}
    record.update(extra)
    return record


def eligible(records: list[dict[str, Any]], requirement: dict[str, Any]) -> list[int]:
    """Eligible ids; the index and the reference must agree on every hand-made case."""
    from_index = MatchIndex.build(records).eligible_ids(requirement).tolist()
    assert from_index == reference_eligible_ids(records, requirement)
    return from_index


def test_haversine_seoul_busan_is_about_325_km() -> None:
    assert haversine_km(*SEOUL, *BUSAN) == pytest.approx(325, abs=2)
    assert haversine_km(*SEOUL, *SEOUL) == 0.0


def test_a_required_process_needs_a_capability_of_that_process() -> None:
    records = [firm(1, cap("cnc_milling")), firm(2, cap("cnc_turning"))]
    assert eligible(records, {"processes": ["cnc_milling"]}) == [1]
    assert eligible(records, {"processes": ["cnc_milling", "cnc_turning"]}) == []
    assert eligible(records, {}) == [1, 2]


def test_lot_bounds_are_inclusive() -> None:
    records = [firm(1, cap(min_lot=10, max_lot=100))]
    for quantity, ok in ((9, False), (10, True), (100, True), (101, False)):
        assert eligible(records, {"processes": ["cnc_milling"], "quantity": quantity}) == (
            [1] if ok else [])


def test_null_lots_mean_no_limit() -> None:
    records = [firm(1, cap(min_lot=None, max_lot=None))]
    assert eligible(records, {"processes": ["cnc_milling"], "quantity": 1}) == [1]
    assert eligible(records, {"processes": ["cnc_milling"], "quantity": 10**12}) == [1]


def test_the_part_fits_after_sorting_both_sizes() -> None:
    records = [firm(1, cap(max_part_mm=[50, 200, 150]))]
    assert eligible(records, {"processes": ["cnc_milling"], "part_size_mm": [120, 80, 30]}) == [1]
    assert eligible(records, {"processes": ["cnc_milling"], "part_size_mm": [30, 50, 200]}) == [1]
    assert eligible(records, {"processes": ["cnc_milling"], "part_size_mm": [201, 1, 1]}) == []
    assert eligible(records, {"processes": ["cnc_milling"], "part_size_mm": [60, 60, 60]}) == []


def test_an_unstated_envelope_takes_any_part() -> None:
    records = [firm(1, cap(max_part_mm=None))]
    assert eligible(records, {"processes": ["cnc_milling"], "part_size_mm": [5000, 5000, 9]}) == [1]


def test_an_envelope_that_is_not_exact_in_float32_compares_exactly() -> None:
    records = [firm(1, cap(max_part_mm=[100.1, 100.1, 100.1]))]
    assert eligible(records, {"processes": ["cnc_milling"], "part_size_mm": [100.1] * 3}) == [1]
    just_over = 100.10000000000001
    assert just_over > 100.1
    assert eligible(records, {"processes": ["cnc_milling"], "part_size_mm": [just_over, 1, 1]}) == []


def test_a_float32_envelope_compares_exactly_against_a_part_between_floats() -> None:
    records = [firm(1, cap(max_part_mm=[0.5, 100, 100]))]
    assert eligible(records, {"processes": ["cnc_milling"], "part_size_mm": [0.5, 1, 1]}) == [1]
    assert eligible(records, {"processes": ["cnc_milling"],
                              "part_size_mm": [0.5000000001, 1, 1]}) == []


def test_lot_and_envelope_are_checked_on_the_same_capability() -> None:
    big_but_prototype_only = cap(max_lot=10, max_part_mm=[1000, 1000, 1000])
    mass_but_small = cap(min_lot=100, max_lot=100_000, max_part_mm=[50, 50, 50])
    records = [firm(1, big_but_prototype_only, mass_but_small)]
    requirement = {"processes": ["cnc_milling"], "quantity": 500, "part_size_mm": [300, 200, 100]}
    assert eligible(records, requirement) == []
    assert eligible(records, {**requirement, "part_size_mm": [40, 40, 40]}) == [1]
    assert eligible(records, {**requirement, "quantity": 5}) == [1]


def test_the_lot_of_another_process_does_not_count() -> None:
    records = [firm(1, cap("cnc_milling", max_lot=10), cap("cnc_turning", max_lot=10_000))]
    assert eligible(records, {"processes": ["cnc_milling"], "quantity": 500}) == []
    assert eligible(records, {"processes": ["cnc_turning"], "quantity": 500}) == [1]


def test_materials_must_be_listed_by_a_capability_of_a_required_process() -> None:
    records = [firm(1, cap("cnc_milling", materials=["aluminum_6061"]),
                    cap("cnc_turning", materials=["brass"]))]
    assert eligible(records, {"processes": ["cnc_milling"], "materials": ["brass"]}) == []
    assert eligible(records, {"processes": ["cnc_milling"], "materials": ["aluminum_6061"]}) == [1]
    # spread over two required processes is fine: each material on one of them
    assert eligible(records, {"processes": ["cnc_milling", "cnc_turning"],
                              "materials": ["aluminum_6061", "brass"]}) == [1]


def test_without_a_process_any_capability_lists_the_material() -> None:
    records = [firm(1, cap("cnc_milling", materials=["aluminum_6061"]),
                    cap("cnc_turning", materials=["brass"])), firm(2)]
    assert eligible(records, {"materials": ["aluminum_6061", "brass"]}) == [1]
    assert eligible(records, {"materials": ["pom"]}) == []


def test_a_material_counts_even_on_a_capability_that_fails_the_lot() -> None:
    # Rule 2 is about the capabilities for the required processes, not only qualifying ones.
    records = [firm(1, cap(materials=[], max_lot=1000), cap(materials=["pom"], max_lot=5))]
    assert eligible(records, {"processes": ["cnc_milling"], "quantity": 100,
                              "materials": ["pom"]}) == [1]


def test_the_stage_must_be_supported() -> None:
    records = [firm(1, cap(), stages=["prototyping"]), firm(2, cap(), stages=["mass_production"])]
    assert eligible(records, {"stage": "prototyping"}) == [1]


def test_every_certification_must_be_held() -> None:
    records = [firm(1, certifications=["iso_9001", "iso_13485"]), firm(2, certifications=["iso_9001"])]
    assert eligible(records, {"certifications": ["iso_9001", "iso_13485"]}) == [1]
    assert eligible(records, {"certifications": ["iso_9001"]}) == [1, 2]


def test_the_country_must_be_listed() -> None:
    records = [firm(1, country="KR"), firm(2, country="JP", at=OSAKA), firm(3, country="CN")]
    assert eligible(records, {"countries": ["KR", "JP"]}) == [1, 2]


def test_the_distance_limit_measures_from_the_origin_or_the_region_centroid() -> None:
    records = [firm(1, at=SEOUL), firm(2, at=BUSAN), firm(3, at=OSAKA, country="JP")]
    assert eligible(records, {"origin": {"lat": SEOUL[0], "lon": SEOUL[1]},
                              "max_distance_km": 330}) == [1, 2]
    assert eligible(records, {"origin": {"lat": SEOUL[0], "lon": SEOUL[1]},
                              "max_distance_km": 320}) == [1]
    seoul_region = taxonomy.region_centroid("KR-11")
    limit = haversine_km(*seoul_region, *BUSAN)
    assert eligible(records, {"origin_region": "KR-11", "max_distance_km": limit}) == [1, 2]
    assert eligible(records, {"origin_region": "KR-11", "max_distance_km": limit * 0.999}) == [1]


def test_foreign_clients_need_a_firm_that_accepts_them() -> None:
    records = [firm(1, accepts_foreign=False), firm(2, accepts_foreign=True)]
    assert eligible(records, {"client_country": "KR"}) == [1, 2]
    assert eligible(records, {"client_country": "JP"}) == [2]
    assert eligible(records, {}) == [1, 2]


def test_a_firm_without_capabilities_only_passes_requirements_without_processes() -> None:
    records = [firm(1)]
    assert eligible(records, {"quantity": 50, "part_size_mm": [1, 2, 3]}) == [1]
    assert eligible(records, {"processes": ["cnc_milling"]}) == []


def test_an_empty_directory_has_no_matches() -> None:
    index = MatchIndex.build([])
    result = index.query({"processes": ["cnc_milling"]})
    assert (result.considered, result.eligible, result.results) == (0, 0, ())
