"""Scores a team and checks it against every rule: the reference the optimiser is tested against.

``objective_points`` adds the terms up package by package with plain loops; ``check_team``
re-derives every constraint from the manufacturer records rather than from the optimiser's
prepared tables, so a bug in the model's set-up shows up as a violation.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from shisaku.engines.consortium.eligibility import can_lead, haversine_km, is_eligible
from shisaku.engines.consortium.problem import POINTS_PER_UNIT, Problem

__all__ = [
    "TERMS",
    "Team",
    "check_team",
    "critical_path_days",
    "objective_points",
    "team_terms",
]

# Objective terms in report order: (name, unit).
TERMS: tuple[tuple[str, str], ...] = (
    ("cost", "cost units"),
    ("lead_time", "days on the critical path"),
    ("logistics", "km from members to the lead, summed over packages"),
    ("firms", "distinct firms (lead included)"),
    ("reply_time", "median reply hours, per package and for the lead"),
    ("quality", "rating points below 5, per package and for the lead"),
)


@dataclass(frozen=True, order=True)
class Team:
    """A lead (firm index) and one firm index per package, in package order."""

    lead: int
    assignment: tuple[int, ...]


def critical_path_days(problem: Problem, team: Team) -> int:
    """Days until the last package finishes when each starts after the ones it depends on."""
    finish: dict[int, int] = {}
    for p in problem.topological_order:
        start = max((finish[d] for d in problem.deps[p]), default=0)
        finish[p] = start + problem.offers[p][team.assignment[p]].lead_time_days
    return max(finish.values(), default=0)


def _term_points(problem: Problem, team: Team) -> dict[str, int]:
    members = np.array(team.assignment, dtype=np.int64)
    distance = problem.distance_points(team.lead, members)
    cost = reply = quality = logistics = 0
    for p, firm in enumerate(team.assignment):
        cost += problem.cost_points(p, firm)
        reply += int(problem.reply_points[firm])
        quality += int(problem.quality_points[firm])
        logistics += int(distance[p])
    reply += int(problem.reply_points[team.lead])
    quality += int(problem.quality_points[team.lead])
    firms = len({*team.assignment, team.lead})
    return {
        "cost": cost,
        "lead_time": problem.day_points * critical_path_days(problem, team),
        "logistics": logistics,
        "firms": problem.firm_points * firms,
        "reply_time": reply,
        "quality": quality,
    }


def objective_points(problem: Problem, team: Team) -> int:
    """The weighted objective in integer points (``POINTS_PER_UNIT`` per objective unit)."""
    return sum(_term_points(problem, team).values())


def team_terms(problem: Problem, team: Team) -> dict[str, dict[str, float | str]]:
    """Each term's raw value (in its unit), weight and weighted contribution to the objective."""
    points = _term_points(problem, team)
    distances = problem.distances_km(team.lead)
    raw: dict[str, float] = {
        "cost": sum(problem.offers[p][f].cost for p, f in enumerate(team.assignment)),
        "lead_time": float(critical_path_days(problem, team)),
        "logistics": float(sum(float(distances[f]) for f in team.assignment)),
        "firms": float(len({*team.assignment, team.lead})),
        "reply_time": sum(problem.firms[f].reply_hours for f in (*team.assignment, team.lead)),
        "quality": sum(5.0 - problem.firms[f].rating for f in (*team.assignment, team.lead)),
    }
    w = problem.weights
    weights = {"cost": w.cost, "lead_time": w.lead_time_day, "logistics": w.distance_km,
               "firms": w.firm, "reply_time": w.reply_hour, "quality": w.quality_point}
    return {
        name: {
            "value": round(raw[name], 3),
            "unit": unit,
            "weight": weights[name],
            "weighted": points[name] / POINTS_PER_UNIT,
        }
        for name, unit in TERMS
    }


def check_team(problem: Problem, team: Team) -> list[str]:
    """Every rule the team breaks, re-checked from the records (empty list: feasible)."""
    violations: list[str] = []
    c = problem.constraints
    firms = problem.firms
    if len(team.assignment) != len(problem.packages):
        return [f"{len(team.assignment)} assignments for {len(problem.packages)} packages"]
    lead = firms[team.lead]
    if not can_lead(lead.record, c.integrators):
        violations.append(f"lead {lead.key} neither assembles nor is accepted as integrator")
    if lead.key in problem.declined:
        violations.append(f"lead {lead.key} declined the job")
    if lead.key in problem.willingness and "lead" not in problem.willingness[lead.key]:
        violations.append(f"lead {lead.key} is not willing to lead")
    if c.required_lead is not None and lead.key != c.required_lead:
        violations.append(f"lead must be {c.required_lead}, not {lead.key}")
    for package, index in zip(problem.packages, team.assignment, strict=True):
        firm = firms[index]
        where = f"package {package.id} -> {firm.key}"
        if firm.key in problem.declined:
            violations.append(f"{where}: declined the job")
        if firm.key in problem.willingness and package.id not in problem.willingness[firm.key]:
            violations.append(f"{where}: not willing to take it")
        if c.required.get(package.id, firm.key) != firm.key:
            violations.append(f"{where}: required firm is {c.required[package.id]}")
        if not is_eligible(firm.record, package, stage=problem.stage,
                           certifications=problem.certifications,
                           client_country=problem.client_country, countries=c.countries):
            violations.append(f"{where}: not eligible")
        if c.max_distance_to_lead_km is not None:
            km = haversine_km(firm.lat, firm.lon, lead.lat, lead.lon)
            if km > c.max_distance_to_lead_km + 1e-6:
                violations.append(f"{where}: {km:.1f} km from the lead")
    for index, taken in Counter(team.assignment).items():
        capacity = firms[index].record.get("capacity_jobs")
        if capacity is not None and taken > capacity:
            violations.append(f"firm {firms[index].key}: {taken} packages, capacity {capacity}")
    team_countries = {firms[i].country for i in (*team.assignment, team.lead)}
    if c.same_country and len(team_countries) > 1:
        violations.append(f"team spans countries {sorted(team_countries)}")
    if c.countries is not None and not team_countries <= c.countries:
        violations.append(f"team includes countries outside {sorted(c.countries)}")
    if (problem.client_country is not None and lead.country != problem.client_country
            and not lead.record.get("accepts_foreign", True)):
        violations.append(f"lead {lead.key} does not accept foreign clients")
    return violations
