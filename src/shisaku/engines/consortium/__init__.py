"""Joint orders: split a project into work packages and choose one firm per package and a lead.

Pure (no Django): OR-Tools CP-SAT, decomposed by lead candidate (docs/CONSORTIUM.md).

Example::

    >>> from shisaku.engines.consortium import plan_consortium
    >>> plan = plan_consortium({"parts": [...], "manufacturers": [...]})  # doctest: +SKIP
    >>> plan["status"], plan["lead"]["id"], plan["members"]["housing"]["manufacturer"]["id"]
"""

from __future__ import annotations

from shisaku.engines.consortium.eligibility import (
    can_lead,
    haversine_km,
    is_eligible,
    package_lead_time_days,
)
from shisaku.engines.consortium.evaluate import (
    TERMS,
    Team,
    check_team,
    critical_path_days,
    objective_points,
    team_terms,
)
from shisaku.engines.consortium.greedy import greedy_team
from shisaku.engines.consortium.packages import (
    WorkPackage,
    packages_from_dicts,
    split_work_packages,
)
from shisaku.engines.consortium.plan import format_plan, plan_consortium
from shisaku.engines.consortium.problem import (
    POINTS_PER_UNIT,
    Constraints,
    Firm,
    Offer,
    Problem,
    Weights,
    build_problem,
)
from shisaku.engines.consortium.solver import SolveResult, solve

__all__ = [
    "POINTS_PER_UNIT",
    "TERMS",
    "Constraints",
    "Firm",
    "Offer",
    "Problem",
    "SolveResult",
    "Team",
    "Weights",
    "WorkPackage",
    "build_problem",
    "can_lead",
    "check_team",
    "critical_path_days",
    "format_plan",
    "greedy_team",
    "haversine_km",
    "is_eligible",
    "objective_points",
    "package_lead_time_days",
    "packages_from_dicts",
    "plan_consortium",
    "solve",
    "split_work_packages",
    "team_terms",
]
