"""The planning entry point shared by the CLI and the web API: request dict in, plan dict out."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from shisaku.engines.consortium.budget import Budget, TimeLimitReached
from shisaku.engines.consortium.evaluate import Team, team_terms
from shisaku.engines.consortium.packages import packages_from_dicts, split_work_packages
from shisaku.engines.consortium.problem import POINTS_PER_UNIT, Problem, build_problem
from shisaku.engines.consortium.solver import SolveResult, solve
from shisaku.engines.messages import refuse

__all__ = ["DEFAULT_TIME_LIMIT_S", "format_plan", "plan_consortium"]

DEFAULT_TIME_LIMIT_S = 10.0


def _firm_summary(problem: Problem, index: int) -> dict[str, Any]:
    record = problem.firms[index].record
    return {key: record.get(key) for key in ("id", "slug", "name", "country", "region", "city")}


def _team_dict(problem: Problem, points: int, team: Team) -> dict[str, Any]:
    distances = problem.distances_km(team.lead)
    members: dict[str, Any] = {}
    for package, index in zip(problem.packages, team.assignment, strict=True):
        offer = problem.offers[problem.package_index[package.id]][index]
        members[package.id] = {
            "package_name": package.name,
            "manufacturer": _firm_summary(problem, index),
            "cost": round(offer.cost, 2),
            "cost_source": offer.source,
            "lead_time_days": offer.lead_time_days,
            "distance_to_lead_km": round(float(distances[index]), 1),
        }
    return {
        "lead": _firm_summary(problem, team.lead),
        "members": members,
        "objective": points / POINTS_PER_UNIT,
        "terms": team_terms(problem, team),
    }


def format_plan(problem: Problem, result: SolveResult) -> dict[str, Any]:
    """The plan as JSON-able data (the CLI's ``--json`` output and the API's response)."""
    plan: dict[str, Any] = {"status": result.status}
    if result.team is not None and result.objective_points is not None:
        plan.update(_team_dict(problem, result.objective_points, result.team))
        plan["bound"] = round(result.bound_points / POINTS_PER_UNIT, 2)
        plan["gap"] = round(result.gap or 0.0, 6)
    else:
        plan.update({"lead": None, "members": {}, "objective": None, "terms": {}})
    plan["alternatives"] = [_team_dict(problem, pts, team) for pts, team in result.alternatives]
    plan["greedy"] = (
        {"objective": result.greedy[0] / POINTS_PER_UNIT,
         "lead": _firm_summary(problem, result.greedy[1].lead)}
        if result.greedy is not None else None
    )
    plan["infeasible_packages"] = result.infeasible_packages
    if result.reason:
        plan["reason"] = result.reason
    blocking = problem.blocking_constraint() if result.status == "infeasible" else None
    if blocking is not None:
        params = blocking["params"]
        plan["reason_code"] = blocking
        plan["reason"] = (f"{result.reason}; the {params['constraint']} constraint keeps out "
                          f"{params['firms_kept_out']} firm(s) that could take "
                          f"{', '.join(params['packages'])}")
    plan["packages"] = [p.to_dict() for p in problem.packages]
    plan["solve_ms"] = round(result.solve_ms, 1)
    plan["stats"] = result.stats
    return plan


def plan_consortium(
    request: Mapping[str, Any], *, time_limit_s: float | None = None,
    started: float | None = None, clock: Callable[[], float] = time.perf_counter,
) -> dict[str, Any]:
    """Plan a joint order: parse the request, optimise, and return the plan dict.

    ``time_limit_s`` overrides the request's ``time_limit_s`` (default 10 s) and covers the
    whole call: reading the firms and every step of the search draw on one budget, counted
    from ``started`` (a reading of ``clock``; default: now), so a caller that loaded the
    firms first can count that too. When the budget runs out before a team is found the
    status is ``unknown`` and ``reason`` says where. Manufacturer records must be inline
    (``manufacturers``); the CLI resolves ``manufacturers_file``. Raises InputError /
    UnknownCodeError for bad input.
    """
    if not isinstance(request, Mapping):
        raise refuse("", "request_not_object")
    if "manufacturers_file" in request and "manufacturers" not in request:
        raise refuse("manufacturers_file", "manufacturers_file_refused")
    limit = time_limit_s if time_limit_s is not None else request.get("time_limit_s",
                                                                        DEFAULT_TIME_LIMIT_S)
    seed = request.get("seed", 0)
    gap_limit = request.get("gap_limit", 0.0)
    for name, value in (("time_limit_s", limit), ("gap_limit", gap_limit)):
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise refuse(name, "not_non_negative")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise refuse("seed", "not_integer")
    budget = Budget(float(limit), clock=clock, started=started)
    try:
        problem = build_problem(request, budget=budget)
    except TimeLimitReached as exc:
        return _out_of_time(request, exc.stage, budget)
    result = solve(problem, time_limit_s=float(limit), seed=seed, gap_limit=float(gap_limit),
                   budget=budget)
    return format_plan(problem, result)


def _out_of_time(request: Mapping[str, Any], stage: str, budget: Budget) -> dict[str, Any]:
    """The answer when the time limit ran out while the problem was being prepared."""
    packages = (packages_from_dicts(request["packages"]) if request.get("packages") is not None
                else split_work_packages(request["parts"]))
    return {"status": "unknown", "lead": None, "members": {}, "objective": None, "terms": {},
            "alternatives": [], "greedy": None, "infeasible_packages": [],
            "reason": f"time limit reached while {stage}",
            "reason_code": {"code": "time_limit", "params": {"stage": stage,
                                                             "limit_s": budget.limit_s}},
            "packages": [p.to_dict() for p in packages],
            "solve_ms": round(budget.elapsed_ms(), 1), "stats": {}}
