"""Place constraints of a joint order (issue #12): a coordinator asking for Gyeonggi and
Gyeongbuk firms gets no Chinese firms; a distance from an origin is honoured; when a
constraint leaves a package without firms, the plan says which constraint."""

from __future__ import annotations

from typing import Any

import pytest

from shisaku.engines.consortium import plan_consortium
from shisaku.errors import InputError

PACKAGES = [
    {"id": "housing", "name": "Housing", "processes": ["injection_molding"],
     "materials": ["abs"], "quantity": 1000},
    {"id": "integration", "name": "Assembly", "processes": ["final_assembly"],
     "depends_on": ["housing"], "quantity": 1000},
]


def firm(i: int, region: str, country: str, price: float, *processes: str) -> dict[str, Any]:
    return {"id": i, "name": f"firm {i}", "country": country, "region": region,
            "price_level": price, "accepts_foreign": True,
            "capabilities": [{"process": p, "materials": ["abs"], "min_lot": 1,
                              "max_lot": 100_000} for p in processes]}


FIRMS = [
    # Chinese firms are the cheapest: an unconstrained plan takes them.
    firm(1, "CN-GD", "CN", 0.4, "injection_molding", "final_assembly"),
    firm(2, "CN-GD", "CN", 0.5, "injection_molding"),
    firm(3, "KR-41", "KR", 1.0, "injection_molding"),                    # Gyeonggi
    firm(4, "KR-47", "KR", 1.1, "final_assembly", "injection_molding"),  # Gyeongbuk
    firm(5, "KR-26", "KR", 0.9, "final_assembly"),                       # Busan
]


def plan(constraints: dict[str, Any] | None = None) -> dict[str, Any]:
    request: dict[str, Any] = {"packages": PACKAGES, "manufacturers": FIRMS, "seed": 0}
    if constraints is not None:
        request["constraints"] = constraints
    return plan_consortium(request, time_limit_s=5)


def team_regions(result: dict[str, Any]) -> set[str]:
    firms = [result["lead"], *(m["manufacturer"] for m in result["members"].values())]
    return {f["region"] for f in firms}


def test_unconstrained_plan_goes_to_china() -> None:
    assert "CN-GD" in team_regions(plan())


def test_gyeonggi_and_gyeongbuk_only() -> None:
    """The issue's case: the coordinator asked for Gyeonggi/Gyeongbuk firms."""
    result = plan({"regions": ["KR-41", "KR-47"]})
    assert result["status"] == "optimal"
    assert team_regions(result) <= {"KR-41", "KR-47"}


def test_a_block_stands_for_its_regions() -> None:
    """Ours: the Daegu-Gyeongbuk block admits Gyeongbuk (KR-47) but not Busan (KR-26)."""
    result = plan({"regions": ["KR-DAEGYEONG"]})
    assert result["status"] == "optimal" and team_regions(result) == {"KR-47"}


def test_distance_from_an_origin() -> None:
    # 150 km around Suwon (Gyeonggi): Gyeongbuk (~200 km away) and China are out.
    result = plan({"max_distance_km": 150, "origin": {"lat": 37.26, "lon": 127.03},
                   "regions": None})
    assert result["status"] == "infeasible"  # nobody near Suwon assembles
    assert result["reason_code"]["params"]["constraint"] == "max_distance_km"
    result = plan({"max_distance_km": 300, "origin_region": "KR-41"})
    assert result["status"] == "optimal" and "CN-GD" not in team_regions(result)


def test_infeasible_names_the_constraint() -> None:
    result = plan({"regions": ["KR-41"]})  # Gyeonggi moulds but nobody there assembles
    assert result["status"] == "infeasible"
    code = result["reason_code"]
    assert code["code"] == "constraint_empties_packages"
    assert code["params"]["constraint"] == "regions"
    assert "integration" in code["params"]["packages"] or "lead" in code["params"]["packages"]
    assert "regions constraint" in result["reason"]


def test_countries_constraint_is_named_too() -> None:
    result = plan({"countries": ["JP"]})
    assert result["status"] == "infeasible"
    assert result["reason_code"]["params"]["constraint"] == "countries"


@pytest.mark.parametrize("constraints, field", [
    ({"regions": ["KR-99"]}, "constraints.regions"),
    ({"max_distance_km": 50}, "constraints.origin_region"),
    ({"max_distance_km": -1, "origin_region": "KR-41"}, "constraints.max_distance_km"),
])
def test_bad_place_constraints_name_the_field(constraints: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as caught:
        plan(constraints)
    assert caught.value.field == field
