"""Property tests: the optimiser against an independent checker, greedy and brute force."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shisaku.bench.consortium import make_request
from shisaku.engines.consortium import (
    Problem,
    Team,
    build_problem,
    check_team,
    format_plan,
    greedy_team,
    is_eligible,
    objective_points,
    plan_consortium,
    solve,
)
from shisaku.engines.consortium.solver import _solve_lead

PROCESS_SETS = [
    ["injection_molding"], ["cnc_milling", "surface_finishing"], ["pcb_assembly"],
    ["final_assembly"],
]
LOCATIONS = [("KR", 35.1, 129.0), ("KR", 37.5, 127.0), ("JP", 34.7, 135.5), ("JP", 35.0, 135.8)]


@st.composite
def instances(draw: st.DrawFn) -> dict[str, Any]:
    """Tiny random requests: up to 3 packages and 4 firms, random constraints and weights."""
    n_packages = draw(st.integers(1, 3))
    packages = []
    for i in range(n_packages):
        processes = draw(st.sampled_from(PROCESS_SETS))
        depends = [f"p{j}" for j in range(i) if draw(st.booleans())]
        packages.append({"id": f"p{i}", "processes": processes,
                         "quantity": draw(st.sampled_from([None, 10, 500])),
                         "depends_on": depends})
    firms = []
    for k in range(draw(st.integers(1, 4))):
        country, lat, lon = draw(st.sampled_from(LOCATIONS))
        caps = []
        for process in sorted({p for pk in packages for p in pk["processes"]} |
                              {"final_assembly"}):
            if draw(st.integers(0, 3)) > 0:
                caps.append({"process": process, "materials": [],
                             "min_lot": 1, "max_lot": draw(st.sampled_from([100, 1000])),
                             "lead_time_days": draw(st.integers(1, 20))})
        firms.append({
            "id": k + 1, "country": country, "lat": lat, "lon": lon, "capabilities": caps,
            "capacity_jobs": draw(st.sampled_from([None, 0, 1, 2])),
            "price_level": draw(st.sampled_from([0.7, 1.0, 1.3])),
            "reply_median_hours": draw(st.sampled_from([None, 2.0, 30.0])),
            "rating": draw(st.sampled_from([None, 3.5, 5.0])),
            "accepts_integrator": draw(st.booleans()) and draw(st.booleans()),
        })
    request: dict[str, Any] = {"packages": packages, "manufacturers": firms}
    ids = [f["id"] for f in firms]
    if draw(st.booleans()):
        request["declined"] = draw(st.lists(st.sampled_from(ids), max_size=1))
    constraints: dict[str, Any] = {}
    if draw(st.booleans()):
        constraints["same_country"] = True
    if draw(st.booleans()):
        constraints["max_distance_to_lead_km"] = draw(st.sampled_from([50, 400]))
    if draw(st.integers(0, 4)) == 0:
        constraints["required"] = {"p0": draw(st.sampled_from(ids))}
    request["constraints"] = constraints
    request["weights"] = {
        "cost": 1.0, "lead_time_day": draw(st.sampled_from([0, 50, 400])),
        "distance_km": draw(st.sampled_from([0, 0.5, 3])),
        "firm": draw(st.sampled_from([0, 300, 2000])), "reply_hour": 5, "quality_point": 100,
    }
    return request


def brute_force(request: dict[str, Any]) -> int | None:
    """The best objective over every lead and every assignment the checker accepts."""
    problem = build_problem(request)
    n_firms, n_packages = len(problem.firms), len(problem.packages)
    best: int | None = None
    for lead in range(n_firms):
        for assignment in itertools.product(range(n_firms), repeat=n_packages):
            team = Team(lead, tuple(assignment))
            if check_team(problem, team):
                continue
            value = objective_points(problem, team)
            best = value if best is None else min(best, value)
    return best


FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(instances())
def test_optimiser_is_feasible_optimal_and_never_worse_than_greedy(request: dict[str, Any]) -> None:
    problem = build_problem(request)
    result = solve(problem, time_limit_s=5.0)
    reference = brute_force(request)
    if reference is None:
        assert result.status == "infeasible"
        assert result.team is None
        return
    assert result.status == "optimal"
    assert result.team is not None
    assert check_team(problem, result.team) == []
    assert result.objective_points == objective_points(problem, result.team) == reference
    greedy = greedy_team(problem)
    if greedy is not None:
        assert check_team(problem, greedy) == []
        assert result.objective_points <= objective_points(problem, greedy)
    for value, team in result.alternatives:
        assert check_team(problem, team) == []
        assert value == objective_points(problem, team) >= reference
        assert team.lead != result.team.lead


@FAST
@given(instances())
def test_infeasible_plans_name_exactly_the_packages_nobody_can_take(
    request: dict[str, Any],
) -> None:
    problem = build_problem(request)
    declined = {str(i) for i in request.get("declined", [])}
    required = request["constraints"].get("required", {})
    expected = []
    for package in problem.packages:
        takers = [
            f for f in problem.firms
            if f.key not in declined
            and (f.record.get("capacity_jobs") is None or f.record["capacity_jobs"] > 0)
            and str(required.get(package.id, f.key)) == f.key
            and is_eligible(f.record, package)
        ]
        if not takers:
            expected.append(package.id)
    result = solve(problem, time_limit_s=5.0)
    assert result.infeasible_packages == expected
    if expected:
        assert result.status == "infeasible"


@settings(max_examples=30, deadline=None)
@given(instances())
def test_plans_are_deterministic(request: dict[str, Any]) -> None:
    first = plan_consortium(request)
    second = plan_consortium(request)
    for plan in (first, second):
        plan.pop("solve_ms")
    assert first == second


def test_format_plan_reports_every_alternative() -> None:
    request = {
        "packages": [{"id": "a", "processes": ["final_assembly"]}],
        "manufacturers": [
            {"id": i, "country": "KR", "lat": 35.0 + i / 10, "lon": 129.0,
             "capabilities": [{"process": "final_assembly", "lead_time_days": 5}]}
            for i in range(1, 5)
        ],
    }
    problem = build_problem(request)
    plan = format_plan(problem, solve(problem))
    assert plan["status"] == "optimal"
    assert len(plan["alternatives"]) == 2
    leads = {plan["lead"]["id"], *(a["lead"]["id"] for a in plan["alternatives"])}
    assert len(leads) == 3


def direct_optimum(problem: Problem) -> int | None:
    """Reference for the search: every lead solved exactly with all its candidates (no
    dominance pruning, no bounds, no groups), the best kept."""
    best: int | None = None
    for lead in problem.lead_candidates:
        distance = problem.distance_points(lead)
        allowed = problem.allowed_for_lead(lead)
        rows = []
        for p, offers in enumerate(problem.offers):
            cand = np.array([f for f in sorted(offers) if allowed[f]], dtype=np.int64)
            if not len(cand):
                break
            own = np.array([problem.cost_points(p, int(f)) + int(problem.reply_points[f])
                            + int(problem.quality_points[f]) + int(distance[f]) for f in cand],
                           dtype=np.int64)
            days = np.array([offers[int(f)].lead_time_days for f in cand], dtype=np.int64)
            rows.append((cand, own, days))
        else:
            _, _, value, _ = _solve_lead(problem, lead, rows, cutoff=None, time_limit_s=20,
                                         seed=0, num_workers=1)
            if value is not None and (best is None or value < best):
                best = value
    return best


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 6), st.integers(3, 12), st.integers(0, 10_000),
       st.sampled_from([{}, {"same_country": True}, {"max_distance_to_lead_km": 600}]))
def test_search_finds_the_direct_optimum(
    n_packages: int, candidates: int, seed: int, constraints: dict[str, Any]
) -> None:
    request = make_request(n_packages, candidates, seed)
    request["constraints"] = constraints
    problem = build_problem(request)
    result = solve(problem, time_limit_s=30)
    reference = direct_optimum(problem)
    if reference is None:
        assert result.team is None
        return
    assert result.status == "optimal"
    assert result.team is not None
    assert check_team(problem, result.team) == []
    assert result.objective_points == reference


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10_000))
def test_gap_limit_is_honoured_and_never_worse_than_greedy(seed: int) -> None:
    problem = build_problem(make_request(8, 40, seed))
    result = solve(problem, time_limit_s=30, gap_limit=0.03)
    assert result.team is not None and result.objective_points is not None
    assert result.gap is not None and result.gap <= 0.03
    assert result.bound_points <= result.objective_points
    assert check_team(problem, result.team) == []
    greedy = greedy_team(problem)
    if greedy is not None:
        assert result.objective_points <= objective_points(problem, greedy)
