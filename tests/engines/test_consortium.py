"""Work packages, request parsing and hand-made plans of the consortium optimiser."""

from __future__ import annotations

import pytest

from shisaku.engines import consortium
from shisaku.engines.consortium import (
    WorkPackage,
    build_problem,
    check_team,
    greedy_team,
    objective_points,
    packages_from_dicts,
    plan_consortium,
    solve,
    split_work_packages,
)
from shisaku.errors import InputError
from shisaku.taxonomy import UnknownCodeError

PARTS = [
    {"name": "front case", "processes": ["mold_making", "injection_molding"],
     "materials": ["abs"], "quantity": 1000, "part_size_mm": [120, 80, 30]},
    {"name": "back case", "processes": ["injection_molding"], "materials": ["pc"],
     "quantity": 1000, "part_size_mm": [60, 130, 20]},
    {"name": "frame", "processes": ["cnc_milling", "surface_finishing"],
     "materials": ["aluminum_6061"], "quantity": 1000, "part_size_mm": [100, 60, 10]},
    {"name": "main board", "processes": ["pcb_fabrication", "pcb_assembly"],
     "materials": ["fr4"], "quantity": 1000},
    {"name": "enclosure design", "processes": ["industrial_design"]},
]


def test_public_api_is_explicit() -> None:
    assert sorted(consortium.__all__) == sorted(set(consortium.__all__))
    for name in consortium.__all__:
        assert hasattr(consortium, name), name


def test_split_groups_processes_like_a_coordinator() -> None:
    packages = split_work_packages(PARTS)
    assert [p.id for p in packages] == ["design", "housing", "frame", "board", "integration"]
    by_id = {p.id: p for p in packages}
    assert by_id["housing"].processes == ("mold_making", "injection_molding")
    assert by_id["housing"].materials == ("abs", "pc")
    # both cases must fit the moulder's envelope: sorted dimensions, element-wise maximum
    assert by_id["housing"].part_size_mm == (130.0, 80.0, 30.0)
    assert by_id["frame"].processes == ("cnc_milling", "surface_finishing")
    assert by_id["board"].processes == ("pcb_fabrication", "pcb_assembly")
    assert by_id["integration"].processes == ("final_assembly", "reliability_testing")
    assert set(by_id["integration"].depends_on) == {"design", "housing", "frame", "board"}
    assert by_id["housing"].depends_on == ("design",)
    assert by_id["design"].depends_on == ()
    assert by_id["integration"].quantity == 1000
    assert by_id["housing"].parts == ("front case", "back case")


def test_split_is_deterministic_and_editable() -> None:
    first = split_work_packages(PARTS)
    assert split_work_packages(list(reversed(PARTS))) == first
    edited = [p.to_dict() for p in first]
    edited[1]["name"] = "Plastic shells"
    again = packages_from_dicts(edited)
    assert again[1].name == "Plastic shells"
    assert [p.to_dict() for p in again][2:] == [p.to_dict() for p in first][2:]


def test_single_part_needs_no_integration_and_finishing_follows_its_part() -> None:
    packages = split_work_packages(
        [{"name": "bracket", "processes": ["sheet_metal", "surface_finishing"]}])
    assert [(p.id, p.processes) for p in packages] == [
        ("sheet_metal", ("sheet_metal", "surface_finishing"))]


def test_split_rejects_unknown_codes() -> None:
    with pytest.raises(UnknownCodeError):
        split_work_packages([{"name": "x", "processes": ["plasma_welding"]}])


def test_packages_reject_cycles_and_unknown_dependencies() -> None:
    a = {"id": "a", "processes": ["cnc_milling"], "depends_on": ["b"]}
    b = {"id": "b", "processes": ["cnc_turning"], "depends_on": ["a"]}
    with pytest.raises(InputError, match="cycle"):
        packages_from_dicts([a, b])
    with pytest.raises(InputError, match="unknown package"):
        packages_from_dicts([{**a, "depends_on": ["zz"]}])
    with pytest.raises(InputError):
        packages_from_dicts([{**a, "id": "lead", "depends_on": []}])


def _firm(firm_id: int, processes: list[str], *, lat: float = 35.0, lon: float = 129.0,
          country: str = "KR", capacity: int | None = None, price: float = 1.0,
          **extra: object) -> dict[str, object]:
    return {
        "id": firm_id, "name": f"firm {firm_id}", "country": country, "region": "KR-26",
        "lat": lat, "lon": lon, "price_level": price, "capacity_jobs": capacity,
        "reply_median_hours": 4.0, "rating": 4.5,
        "capabilities": [{"process": p, "materials": ["abs", "aluminum_6061", "fr4"],
                          "min_lot": 1, "max_lot": 5000, "max_part_mm": None,
                          "lead_time_days": 10} for p in processes],
        **extra,
    }


PACKAGES = [
    {"id": "housing", "processes": ["injection_molding"], "materials": ["abs"], "quantity": 100},
    {"id": "frame", "processes": ["cnc_milling"], "quantity": 100},
    {"id": "integration", "processes": ["final_assembly"], "depends_on": ["housing", "frame"]},
]


def test_plan_prefers_a_close_cheap_team_with_a_capable_lead() -> None:
    firms = [
        _firm(1, ["injection_molding"], price=0.8),
        _firm(2, ["cnc_milling"], price=0.9),
        _firm(3, ["final_assembly", "cnc_milling"], price=1.0),
        _firm(4, ["injection_molding", "final_assembly"], lat=43.0, lon=141.3, country="JP",
              price=0.7, capacity=1),  # cheapest but 1,000 km away and takes one package
    ]
    plan = plan_consortium({"packages": PACKAGES, "manufacturers": firms})
    assert plan["status"] == "optimal"
    assert plan["lead"]["id"] == 3
    assert plan["members"]["housing"]["manufacturer"]["id"] == 1
    assert plan["members"]["integration"]["manufacturer"]["id"] == 3
    terms = plan["terms"]
    assert set(terms) == {"cost", "lead_time", "logistics", "firms", "reply_time", "quality"}
    assert sum(t["weighted"] for t in terms.values()) == pytest.approx(plan["objective"])
    assert plan["objective"] <= plan["greedy"]["objective"]
    assert len(plan["alternatives"]) == 1  # only one other firm can lead
    assert plan["alternatives"][0]["lead"]["id"] == 4
    assert plan["solve_ms"] >= 0


def test_quotes_override_price_levels() -> None:
    firms = [_firm(1, ["injection_molding"], price=0.8), _firm(2, ["injection_molding"]),
             _firm(3, ["final_assembly", "cnc_milling"])]
    request = {"packages": PACKAGES, "manufacturers": firms,
               "quotes": [{"package": "housing", "manufacturer": 2, "total_cost": 100}]}
    plan = plan_consortium(request)
    assert plan["members"]["housing"]["manufacturer"]["id"] == 2
    assert plan["members"]["housing"]["cost_source"] == "quote"


def test_infeasible_names_the_packages_nobody_can_take() -> None:
    firms = [_firm(1, ["injection_molding"]), _firm(2, ["final_assembly"])]
    plan = plan_consortium({"packages": PACKAGES, "manufacturers": firms})
    assert plan["status"] == "infeasible"
    assert plan["infeasible_packages"] == ["frame"]
    assert plan["lead"] is None


def test_declines_willingness_and_required_firms_are_respected() -> None:
    firms = [_firm(1, ["injection_molding"], price=0.7), _firm(5, ["injection_molding"]),
             _firm(2, ["cnc_milling"]), _firm(3, ["final_assembly", "cnc_milling"]),
             _firm(6, ["final_assembly"])]
    base = {"packages": PACKAGES, "manufacturers": firms}
    assert plan_consortium(base)["members"]["housing"]["manufacturer"]["id"] == 1
    declined = plan_consortium({**base, "declined": [1]})
    assert declined["members"]["housing"]["manufacturer"]["id"] == 5
    unwilling = plan_consortium({**base, "willingness": {"1": ["frame"]}})
    assert unwilling["members"]["housing"]["manufacturer"]["id"] == 5
    required = plan_consortium({**base, "constraints": {"required_lead": 6,
                                                        "required": {"frame": 2}}})
    assert required["lead"]["id"] == 6
    assert required["members"]["frame"]["manufacturer"]["id"] == 2


def test_capacity_limits_how_many_packages_a_firm_takes() -> None:
    firms = [_firm(1, ["injection_molding", "cnc_milling", "final_assembly"], capacity=1,
                   price=0.5),
             _firm(2, ["injection_molding", "cnc_milling", "final_assembly"], price=1.4)]
    problem = build_problem({"packages": PACKAGES, "manufacturers": firms})
    result = solve(problem)
    assert result.team is not None
    assert result.team.assignment.count(0) == 1
    assert check_team(problem, result.team) == []


def test_same_country_and_max_distance_constraints() -> None:
    firms = [_firm(1, ["injection_molding"], price=0.5, lat=35.6, lon=139.7, country="JP"),
             _firm(2, ["injection_molding"], price=1.2),
             _firm(3, ["final_assembly", "cnc_milling"])]
    base = {"packages": PACKAGES, "manufacturers": firms,
            "weights": {"distance_km": 0.0}}
    assert plan_consortium(base)["members"]["housing"]["manufacturer"]["id"] == 1
    for constraints in ({"same_country": True}, {"max_distance_to_lead_km": 300}):
        plan = plan_consortium({**base, "constraints": constraints})
        assert plan["members"]["housing"]["manufacturer"]["id"] == 2, constraints


def test_greedy_baseline_picks_cheapest_per_package() -> None:
    firms = [_firm(1, ["injection_molding"], price=0.8), _firm(2, ["injection_molding"]),
             _firm(3, ["final_assembly", "cnc_milling"])]
    problem = build_problem({"packages": PACKAGES, "manufacturers": firms})
    team = greedy_team(problem)
    assert team is not None
    assert [problem.firms[i].key for i in team.assignment] == ["1", "3", "3"]
    assert objective_points(problem, team) >= (solve(problem).objective_points or 0)


@pytest.mark.parametrize(
    ("request_patch", "error"),
    [
        ({"manufacturers": None}, InputError),
        ({"packages": [{"id": "x", "processes": ["laser_welding"]}]}, UnknownCodeError),
        ({"weights": {"speed": 1}}, InputError),
        ({"weights": {"cost": -1}}, InputError),
        ({"constraints": {"required": {"nope": 1}}}, InputError),
        ({"constraints": {"required": {"frame": 99}}}, InputError),
        ({"constraints": {"required_lead": 99}}, InputError),
        ({"quotes": [{"package": "housing", "manufacturer": 1}]}, InputError),
        ({"willingness": {"1": ["roof"]}}, InputError),
        ({"stage": "launch"}, UnknownCodeError),
        ({"manufacturers_file": "x.json", "manufacturers": None}, InputError),
        ({"manufacturers": [{"id": 1, "lat": 1, "lon": 2, "capabilities": [
            {"process": "final_assembly", "max_part_mm": [10, 20]}]}]}, InputError),
        ({"manufacturers": [{"id": 1, "capabilities": []}]}, InputError),
    ],
)
def test_bad_requests_name_the_field(request_patch: dict[str, object], error: type) -> None:
    request = {"packages": PACKAGES, "manufacturers": [_firm(1, ["final_assembly"])]}
    request.update(request_patch)
    if request.get("manufacturers") is None and "manufacturers_file" in request:
        del request["manufacturers"]
    with pytest.raises(error):
        plan_consortium(request)


def test_work_package_round_trip() -> None:
    package = WorkPackage(id="frame", name="Frame", processes=("cnc_milling",),
                          part_size_mm=(10.0, 20.0, 30.0), quantity=5)
    assert WorkPackage.from_dict(package.to_dict()) == package


def test_nearest_lead_distance_is_a_tight_lower_bound() -> None:
    import random

    import numpy as np

    rng = random.Random(3)
    firms = [{"id": i, "lat": rng.uniform(20, 45), "lon": rng.uniform(100, 145),
              "capabilities": [{"process": "final_assembly"}]} for i in range(400)]
    problem = build_problem({"packages": [{"id": "a", "processes": ["final_assembly"]}],
                             "manufacturers": firms})
    for leads in ([5], list(range(0, 400, 7)), list(range(1, 400, 2))):
        everyone = np.arange(len(problem.firms), dtype=np.int64)
        fast = problem.nearest_lead_points(leads, everyone)
        exact = np.min([problem.distance_points(lead) for lead in leads], axis=0)
        assert (fast <= exact).all()
        # the chord is shorter than the arc by (d / R)^2 / 24: under 3 % below 5,000 km
        assert (fast >= exact * 0.97 - 2).all()
        # a firm's distance does not depend on the subset it is computed in
        subset = np.array(leads[:3], dtype=np.int64)
        assert (problem.distance_points(9, subset) == problem.distance_points(9)[subset]).all()
