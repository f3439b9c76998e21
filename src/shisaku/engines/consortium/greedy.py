"""The greedy baseline: the best firm per package on its own, then the best lead for that team.

Used by the tests and the benchmark as the yardstick, and by the optimiser as its first
incumbent (so the optimiser's team is never worse than greedy's).
"""

from __future__ import annotations

from shisaku.engines.consortium.budget import CHECK_EVERY, Budget
from shisaku.engines.consortium.evaluate import Team, objective_points
from shisaku.engines.consortium.problem import Problem

__all__ = ["greedy_team"]


def greedy_team(problem: Problem, *, budget: Budget | None = None) -> Team | None:
    """Pick per package (in package order) the firm with the fewest points of its own.

    A package's own points are its cost, the firm's reply and quality penalties and its lead
    time in days (weighted as if on the critical path); distance and team size are ignored. A
    firm at capacity is skipped. The lead is then the allowed lead candidate giving the lowest
    full objective for that team. ``None`` when a package or the lead cannot be filled.
    When ``budget`` runs out, the best lead tried so far is kept (``None`` if none was).
    """
    remaining = {i: f.capacity for i, f in enumerate(problem.firms)}
    assignment: list[int] = []
    for p, offers in enumerate(problem.offers):
        if budget is not None and budget.expired():
            return None
        best: tuple[int, int] | None = None
        for firm, offer in offers.items():
            if remaining[firm] < 1:
                continue
            own = (problem.cost_points(p, firm) + int(problem.reply_points[firm])
                   + int(problem.quality_points[firm])
                   + problem.day_points * offer.lead_time_days)
            if best is None or (own, firm) < best:
                best = (own, firm)
        if best is None:
            return None
        assignment.append(best[1])
        remaining[best[1]] -= 1
    members = tuple(assignment)
    chosen: tuple[int, Team] | None = None
    for tried, lead in enumerate(problem.lead_candidates):
        if budget is not None and tried % CHECK_EVERY == 0 and budget.expired():
            break
        allowed = problem.allowed_for_lead(lead)
        if not all(allowed[f] for f in members):
            continue
        team = Team(lead=lead, assignment=members)
        score = objective_points(problem, team)
        if chosen is None or (score, lead) < (chosen[0], chosen[1].lead):
            chosen = (score, team)
    return chosen[1] if chosen is not None else None
