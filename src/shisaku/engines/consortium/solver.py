"""The consortium optimiser: decomposition by lead candidate, bounds, dominance pruning, CP-SAT.

For a fixed lead every member's distance to the lead is a constant, so the problem splits
into one small assignment model per lead. Groups of leads are searched best-first (a spatial
branch and bound): a group is bounded by one relaxed model (distances to its nearest lead),
then halved; single leads are solved exactly, and the search stops as soon as no bound can
beat the incumbent (which starts as the greedy team). Before a model is built, candidates
dominated by others holding P package slots (worse even after paying for one more firm and
any extra lead time) are dropped: a swap to a free dominator never makes a team worse, so an
optimal team survives. See docs/CONSORTIUM.md.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from shisaku.engines.consortium.budget import CHECK_EVERY, Budget
from shisaku.engines.consortium.evaluate import Team, objective_points
from shisaku.engines.consortium.greedy import greedy_team
from shisaku.engines.consortium.problem import Problem

__all__ = ["SolveResult", "solve"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
_INF = float("inf")
_MIN_GROUP = 3  # groups this small are split into single leads without a relaxed model
_GROUP_GAP = 0.002  # a group relaxation only needs a bound: stop it within 0.2 %
_LEAD_CHUNK = 256  # leads per matrix product in the cheap bounds
_LEADS_TRIED = 8  # leads tried with a group relaxation's members for a quick incumbent


class _Model(cp_model.CpModel):
    """A CP-SAT model without the camelCase aliases (adding them costs ~2 ms per model)."""

    def _add_pre_pep8_methods(self) -> None:
        return None


@dataclass
class SolveResult:
    """The optimiser's answer; objective and bound in integer points (see problem.py).

    ``status``: ``optimal`` (proven within ``gap_limit``), ``feasible`` (time ran out; ``gap``
    says how far from the proven bound), ``infeasible`` (``infeasible_packages`` names the
    packages no firm can take; empty when only the combination fails, see ``reason``) or
    ``unknown`` (time ran out before any team was found).
    """

    status: str
    team: Team | None
    objective_points: int | None
    bound_points: float
    gap: float | None
    alternatives: list[tuple[int, Team]]
    greedy: tuple[int, Team] | None
    infeasible_packages: list[str] = field(default_factory=list)
    reason: str = ""
    solve_ms: float = 0.0
    stats: dict[str, float] = field(default_factory=dict)


@dataclass
class _Tables:
    """Per package: candidate firm indices, own points (cost + reply + quality), days."""

    candidates: list[IntArray]
    own_points: list[IntArray]
    days: list[IntArray]
    share_points: list[FloatArray]  # a lower bound on each candidate's share of its firm cost
    min_days_path: int  # critical path with every package at its fastest candidate
    capacity: IntArray  # per firm, packages it may take
    packages_per_firm: IntArray  # per firm, packages it is a candidate for
    union: IntArray  # every firm that is a candidate for some package, ascending
    positions: list[IntArray]  # per package, where its candidates sit in ``union``


def _tables(problem: Problem) -> _Tables:
    n_packages = len(problem.packages)
    count = np.zeros(len(problem.firms), dtype=np.int64)
    candidates, own, days = [], [], []
    for p, offers in enumerate(problem.offers):
        cand = np.array(sorted(offers), dtype=np.int64)
        candidates.append(cand)
        own.append(np.array([problem.cost_points(p, int(f)) for f in cand], dtype=np.int64)
                   + problem.reply_points[cand] + problem.quality_points[cand])
        days.append(np.array([offers[int(f)].lead_time_days for f in cand], dtype=np.int64))
        count[cand] += 1
    capacity = np.array([f.capacity for f in problem.firms], dtype=np.int64)
    # A firm takes at most this many packages, so each carries at least 1/k of its firm cost.
    most = np.maximum(1, np.minimum(np.minimum(capacity, count), n_packages))
    share = [problem.firm_points / most[c].astype(np.float64) for c in candidates]
    finish: dict[int, int] = {}
    for p in problem.topological_order:
        fastest = int(days[p].min()) if len(days[p]) else 0
        finish[p] = max((finish[d] for d in problem.deps[p]), default=0) + fastest
    union = np.flatnonzero(count > 0).astype(np.int64)
    positions = [np.searchsorted(union, c).astype(np.int64) for c in candidates]
    return _Tables(candidates, own, days, share, max(finish.values(), default=0), capacity,
                   count, union, positions)


def _lead_bounds(
    problem: Problem,
    tables: _Tables,
    distance_of: Callable[[int, IntArray], IntArray],
    allowed_of: Callable[[int], npt.NDArray[np.bool_]],
    budget: Budget,
) -> dict[int, float]:
    """A cheap lower bound of the best objective per lead (inf when a package has no member).

    Per package the cheapest allowed candidate counting its distance to the lead and a share
    of its firm cost (1/k for a firm that can take at most k packages), plus the firm cost of
    the lead, its own penalties and the critical path with every package at its fastest.
    Leads not reached when ``budget`` runs out keep the trivial bound (no package counted).
    """
    bounds: dict[int, float] = {}
    base = problem.firm_points + problem.day_points * tables.min_days_path
    c = problem.constraints
    if not c.same_country and c.max_distance_to_lead_km is None:
        return _lead_bounds_block(problem, tables, base, budget)
    for tried, lead in enumerate(problem.lead_candidates):
        if tried % CHECK_EVERY == 0 and budget.expired():
            for rest in problem.lead_candidates[tried:]:
                bounds[rest] = float(base + problem.lead_points(rest))
            break
        distance = distance_of(lead, tables.union)
        allowed = allowed_of(lead)
        total = float(base + problem.lead_points(lead))
        for cand, where, own, share in zip(tables.candidates, tables.positions,
                                           tables.own_points, tables.share_points, strict=True):
            ok = allowed[cand]
            if not ok.any():
                total = _INF
                break
            value = own + distance[where] + np.where(cand == lead, 0.0, share)
            total += float(value[ok].min())
        bounds[lead] = total
    return bounds


def _lead_bounds_block(problem: Problem, tables: _Tables, base: int,
                       budget: Budget) -> dict[int, float]:
    """The cheap bounds of :func:`_lead_bounds` for all leads at once (no per-lead filter);
    chunks of leads not reached when ``budget`` runs out keep the trivial bound."""
    leads = np.array(problem.lead_candidates, dtype=np.int64)
    totals = np.array([base + problem.lead_points(int(lead)) for lead in leads], dtype=np.float64)
    own_as_lead = [dict(zip(cand.tolist(), own.tolist(), strict=True))
                   for cand, own in zip(tables.candidates, tables.own_points, strict=True)]
    for start in range(0, len(leads), _LEAD_CHUNK):
        if budget.expired():
            break
        chunk = leads[start:start + _LEAD_CHUNK]
        distance = problem.distance_points_lower_block(tables.union, chunk)
        for p, (where, own, share) in enumerate(zip(
                tables.positions, tables.own_points, tables.share_points, strict=True)):
            best = ((own + share)[:, None] + distance[where]).min(axis=0)
            for k, lead in enumerate(chunk.tolist()):
                as_member = own_as_lead[p].get(lead)
                if as_member is not None and as_member < best[k]:
                    best[k] = as_member
            totals[start:start + len(chunk)] += best
    return dict(zip(leads.tolist(), totals.tolist(), strict=True))


def _survivors(
    problem: Problem,
    tables: _Tables,
    distance: IntArray,
    allowed: npt.NDArray[np.bool_],
    lead: int | None,
) -> list[tuple[IntArray, IntArray, IntArray]] | None:
    """Per package (firms, points incl. distance, days) after the dominance test; None if empty.

    ``distance`` holds each firm's logistics points, ``allowed`` which firms may be members.
    Candidate f is dropped when the candidates g ranked before it that satisfy
    points(g) + firm cost + day cost x max(0, days(g) - days(f)) <= points(f)
    hold at least P package slots between them (capacities, each counted up to P). The firm
    cost is waived when f can take no other package (and is not the lead): swapping it out
    then removes it from the team.
    """
    n_packages = len(problem.packages)
    out = []
    firm_cost, day_cost = problem.firm_points, problem.day_points
    capacity = tables.capacity
    for cand, own, days in zip(tables.candidates, tables.own_points, tables.days, strict=True):
        mask = allowed[cand]
        cand, own, days = cand[mask], own[mask], days[mask]
        if not len(cand):
            return None
        points = own + distance[cand]
        order = np.lexsort((cand, days, points))
        cand, points, days = cand[order], points[order], days[order]
        n = len(cand)
        if n > 1:
            pool = min(n, max(4 * n_packages, 32))
            slower = np.maximum(0, days[:pool, None] - days[None, :])
            extra_firm = np.where((tables.packages_per_firm[cand] > 1) | (cand == lead),
                                  firm_cost, 0)
            beats = (points[:pool, None] + extra_firm[None, :] + day_cost * slower
                     ) <= points[None, :]
            beats &= np.arange(pool)[:, None] < np.arange(n)[None, :]
            # The other P - 1 packages fill at most P - 1 of the dominators' slots, so once
            # the dominators hold P slots one of them is free to take this package instead.
            slots = np.minimum(capacity[cand[:pool]], n_packages)
            keep = (beats * slots[:, None]).sum(axis=0) < n_packages
            cand, points, days = cand[keep], points[keep], days[keep]
        out.append((cand, points, days))
    return out


def _solve_lead(
    problem: Problem,
    lead: int | None,
    survivors: list[tuple[IntArray, IntArray, IntArray]],
    *,
    cutoff: int | None,
    time_limit_s: float,
    seed: int,
    num_workers: int,
    gap_limit: float = 0.0,
    constant: int = 0,
    group: frozenset[int] | None = None,
) -> tuple[str, Team | None, int | None, float]:
    """Solve one lead's model; returns (status, team, objective, bound) in points.

    ``lead=None`` solves a group relaxation: every member firm counted, plus one firm for the
    lead unless a member belongs to ``group`` (the group's leads), ``constant`` added; its
    team has lead -1.
    """
    model = _Model()
    if lead is not None:
        constant = problem.firm_points + problem.lead_points(lead)
    objective: list[tuple[cp_model.IntVar, int]] = []
    choice: list[list[tuple[int, cp_model.IntVar]]] = []
    by_firm: dict[int, list[cp_model.IntVar]] = {}
    for p, (cand, points, _) in enumerate(survivors):
        row = []
        for f, pts in zip(cand.tolist(), points.tolist(), strict=True):
            var = model.new_bool_var(f"x{p}_{f}")
            row.append((f, var))
            by_firm.setdefault(f, []).append(var)
            objective.append((var, pts))
        model.add_exactly_one(v for _, v in row)
        choice.append(row)
    leads_used: list[cp_model.IntVar] = []
    for f, variables in by_firm.items():
        if len(variables) > problem.firms[f].capacity:
            model.add(sum(variables) <= problem.firms[f].capacity)
        if f != lead and problem.firm_points > 0:
            used = model.new_bool_var(f"u{f}")
            for var in variables:
                model.add_implication(var, used)
            objective.append((used, problem.firm_points))
            if group is not None and f in group:
                leads_used.append(used)
    if group is not None and problem.firm_points > 0:
        # The lead comes from the group: unless a member is one of the group's leads, the
        # team has one more firm than its members.
        constant += problem.firm_points
        if leads_used:
            member_leads = model.new_bool_var("member_is_lead")
            model.add(member_leads <= sum(leads_used))
            objective.append((member_leads, -problem.firm_points))
    expression = cp_model.LinearExpr.weighted_sum([v for v, _ in objective],
                                                  [c for _, c in objective])
    if problem.day_points > 0:
        horizon = sum(int(days.max()) for _, _, days in survivors)
        finish = [model.new_int_var(0, horizon, f"t{p}") for p in range(len(survivors))]
        makespan = model.new_int_var(0, horizon, "makespan")
        for p, (_, _, days) in enumerate(survivors):
            duration = cp_model.LinearExpr.weighted_sum([v for _, v in choice[p]], days.tolist())
            model.add(finish[p] >= duration)
            for d in problem.deps[p]:
                model.add(finish[p] >= finish[d] + duration)
            model.add(makespan >= finish[p])
        expression = expression + problem.day_points * makespan
    if cutoff is not None:
        model.add(expression <= cutoff - 1 - constant)
    model.minimize(expression)
    solver = cp_model.CpSolver()
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = num_workers
    solver.parameters.max_time_in_seconds = max(0.001, time_limit_s)
    # Measured on these small models (docs/CONSORTIUM.md): a full LP relaxation without the
    # cut families, presolve, probing and symmetry detection solves them 3x faster.
    params = solver.parameters
    params.linearization_level = 2
    params.cp_model_presolve = False
    params.cp_model_probing_level = 0
    params.symmetry_level = 0
    params.add_cg_cuts = False
    params.add_mir_cuts = False
    params.add_zero_half_cuts = False
    if gap_limit > 0:
        solver.parameters.relative_gap_limit = gap_limit
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        assignment = tuple(
            next(f for f, var in row if solver.boolean_value(var)) for row in choice
        )
        value = round(solver.objective_value) + constant
        bound = float(math.ceil(solver.best_objective_bound - 1e-6) + constant)
        name = "optimal" if status == cp_model.OPTIMAL else "feasible"
        team = Team(-1 if lead is None else lead, assignment)
        return name, team, value, (float(value) if name == "optimal" else bound)
    if status == cp_model.INFEASIBLE:
        return "infeasible", None, None, float(cutoff) if cutoff is not None else _INF
    return "unknown", None, None, -_INF


def solve(
    problem: Problem,
    *,
    time_limit_s: float = 10.0,
    seed: int = 0,
    num_workers: int = 1,
    gap_limit: float = 0.0,
    alternatives: int = 2,
    budget: Budget | None = None,
) -> SolveResult:
    """Find the team with the fewest objective points, plus alternatives with other leads.

    ``time_limit_s`` bounds the whole search (wall clock); ``gap_limit`` (0-1) stops once the
    incumbent is within that relative gap of the bound; ``seed`` and ``num_workers`` go to
    CP-SAT (one worker per lead model keeps runs deterministic when they finish in time).
    ``alternatives`` teams are the best found under other leads, in objective order.
    ``budget`` (default: ``time_limit_s`` from now) is the call's whole time budget, already
    partly spent when the caller prepared the problem on it (``plan_consortium``).
    """
    if budget is None:
        budget = Budget(time_limit_s)
    # Keep a little of the budget for the alternatives and the answer itself.
    deadline = budget.deadline - min(0.25, 0.05 * budget.limit_s)
    clock = budget.now
    elapsed_ms = budget.elapsed_ms

    unavailable = problem.unavailable_packages
    if unavailable or not problem.lead_candidates:
        reason = ("no eligible, willing firm for: " + ", ".join(unavailable) if unavailable
                  else "no eligible, willing firm can lead (final assembly or integrator)")
        return SolveResult("infeasible", None, None, _INF, None, [], None, unavailable,
                           reason, elapsed_ms(), {})

    tables = _tables(problem)
    allowed_cache: dict[int, npt.NDArray[np.bool_]] = {}

    def allowed_of(lead: int) -> npt.NDArray[np.bool_]:
        if lead not in allowed_cache:
            allowed_cache[lead] = problem.allowed_for_lead(lead)
        return allowed_cache[lead]

    bounds = _lead_bounds(problem, tables, problem.distance_points, allowed_of, budget)
    order = sorted((b, lead) for lead, b in bounds.items() if b < _INF)
    stats: dict[str, float] = {
        "leads": len(problem.lead_candidates),
        "candidates": int(sum(len(c) for c in tables.candidates)),
        "leads_solved": 0,
        "groups_solved": 0,
        "candidates_kept": 0,
    }
    if not order:
        return SolveResult("infeasible", None, None, _INF, None, [], None, [],
                           "no lead has an allowed firm for every package under the "
                           "constraints (same country / max distance)", elapsed_ms(), stats)

    best_per_lead: dict[int, tuple[int, Team]] = {}
    lead_bound: dict[int, float] = {}
    greedy = greedy_team(problem, budget=budget)
    greedy_entry = (objective_points(problem, greedy), greedy) if greedy is not None else None
    if greedy_entry is not None:
        best_per_lead[greedy_entry[1].lead] = greedy_entry

    def ranked() -> list[tuple[int, Team]]:
        return sorted(best_per_lead.values())

    def incumbent() -> int | None:
        r = ranked()
        return r[0][0] if r else None

    def stop_bound() -> float:
        value = incumbent()
        return _INF if value is None else value * (1.0 - gap_limit)

    def explore(lead: int, cutoff: int | None) -> None:
        survivors = _survivors(problem, tables, problem.distance_points(lead), allowed_of(lead),
                               lead)
        stats["leads_solved"] += 1
        if survivors is None:
            lead_bound[lead] = _INF
            return
        stats["candidates_kept"] += sum(len(c) for c, _, _ in survivors)
        _, team, value, bound = _solve_lead(
            problem, lead, survivors, cutoff=cutoff, seed=seed, num_workers=num_workers,
            gap_limit=gap_limit, time_limit_s=deadline - clock())
        lead_bound[lead] = max(bound, bounds[lead])
        bounds[lead] = lead_bound[lead]
        if team is not None and value is not None:
            known = best_per_lead.get(lead)
            if known is None or value < known[0]:
                best_per_lead[lead] = (value, team)

    def relax_group(group: tuple[int, ...]) -> None:
        """Bound every lead of a group with one model: distances to the group's nearest lead."""
        distance = np.zeros(len(problem.firms), dtype=np.int64)
        distance[tables.union] = problem.nearest_lead_points(group, tables.union)
        allowed = allowed_of(group[0]).copy()
        if not allowed.all():
            for lead in group[1:]:
                allowed |= allowed_of(lead)
        survivors = _survivors(problem, tables, distance, allowed, None)
        stats["groups_solved"] += 1
        if survivors is None:
            for lead in group:
                bounds[lead] = _INF
            return
        _, members, _, relaxed = _solve_lead(
            problem, None, survivors, cutoff=None, seed=seed, num_workers=num_workers,
            group=frozenset(group),
            gap_limit=max(gap_limit / 2, _GROUP_GAP),
            time_limit_s=(deadline - clock()) / 10)
        for lead in group:
            bounds[lead] = max(bounds[lead], relaxed + problem.lead_points(lead))
        if members is not None:
            # The relaxation's members under the group's most promising leads: a cheap team.
            for lead in sorted(group, key=lambda g: (bounds[g], g))[:_LEADS_TRIED]:
                if allowed_of(lead)[list(members.assignment)].all():
                    team = Team(lead, members.assignment)
                    value = objective_points(problem, team)
                    known = best_per_lead.get(lead)
                    if known is None or value < known[0]:
                        best_per_lead[lead] = (value, team)

    lat = np.array([problem.firms[lead].lat for lead in problem.lead_candidates])
    lon = np.array([problem.firms[lead].lon for lead in problem.lead_candidates])
    position = {lead: i for i, lead in enumerate(problem.lead_candidates)}

    def split(group: tuple[int, ...]) -> list[tuple[int, ...]]:
        """Halve a group of leads along its longer side (km), at the median."""
        rows = np.array([position[lead] for lead in group])
        ys, xs = lat[rows], lon[rows] * math.cos(math.radians(float(lat[rows].mean())))
        key = ys if np.ptp(ys) >= np.ptp(xs) else xs
        ordered = [group[i] for i in np.lexsort((np.array(group), key))]
        half = len(ordered) // 2
        return [tuple(sorted(ordered[:half])), tuple(sorted(ordered[half:]))]

    # Best-first search over groups of leads (a spatial branch and bound): a group's bound is
    # the least bound of its leads; a group is first bounded by one relaxed model, then split;
    # single leads are solved exactly.
    counter = itertools.count()
    root = tuple(sorted(lead for _, lead in order))
    heap: list[tuple[float, int, tuple[int, ...], bool]] = [
        (min(bounds[lead] for lead in root), next(counter), root, len(root) == 1)]
    timed_out = False
    while heap:
        bound, _, group, relaxed = heapq.heappop(heap)
        if bound == _INF:  # no lead of the group can have a team: nothing left to search
            continue
        if math.ceil(bound - 1e-6) >= stop_bound():
            heapq.heappush(heap, (bound, next(counter), group, relaxed))
            break
        if clock() >= deadline:
            heapq.heappush(heap, (bound, next(counter), group, relaxed))
            timed_out = True
            break
        if len(group) == 1:
            explore(group[0], incumbent())
            continue
        if not relaxed and len(group) > _MIN_GROUP:
            relax_group(group)
            if group == root:
                # One exact lead early (the best bound) gives a strong incumbent to prune with.
                first = min(group, key=lambda g: (bounds[g], g))
                if bounds[first] < _INF:
                    explore(first, incumbent())
            heapq.heappush(heap, (min(bounds[lead] for lead in group), next(counter), group,
                                  True))
            continue
        children = split(group) if len(group) > _MIN_GROUP else [(lead,) for lead in group]
        for child in children:
            child_bound = min(bounds[lead] for lead in child)
            if child_bound < _INF:
                heapq.heappush(heap, (child_bound, next(counter), child, len(child) == 1))

    best = ranked()[0] if best_per_lead else None
    # Alternatives: the best teams under the next leads in bound order (solved without cutoff).
    others = [e for e in ranked() if best is None or e[1].lead != best[1].lead]
    for _, lead in sorted((bounds[lead], lead) for _, lead in order):
        if best is None or len(others) >= alternatives or clock() >= deadline:
            break
        if lead == best[1].lead or lead in best_per_lead or bounds[lead] == _INF:
            continue
        explore(lead, None)
        best = ranked()[0]  # with a gap limit, a lead solved here may beat the incumbent
        others = [e for e in ranked() if e[1].lead != best[1].lead]

    unexplored = [bounds[lead] for _, lead in order if lead not in lead_bound]
    if timed_out or clock() >= deadline:
        timed_out = True
    bound_points = min([*lead_bound.values(), *unexplored, *(b for b, *_ in heap)],
                       default=_INF)
    stats["leads_pruned"] = len(unexplored)
    if best is None:
        if not timed_out:
            return SolveResult("infeasible", None, None, _INF, None, [], greedy_entry, [],
                               "no team satisfies the capacities and constraints together",
                               elapsed_ms(), stats)
        return SolveResult("unknown", None, None, bound_points, None, [], greedy_entry, [],
                           "time limit reached before any team was found", elapsed_ms(), stats)
    value, team = best
    if bound_points < _INF:  # objectives are integers: a bound of 99.2 proves 100
        bound_points = float(math.ceil(bound_points - 1e-6))
    bound_points = min(bound_points, float(value))
    gap = 0.0 if value <= 0 else max(0.0, (value - bound_points) / value)
    status = "optimal" if value <= bound_points else "feasible"
    return SolveResult(status, team, value, bound_points, gap, others[:alternatives],
                       greedy_entry, [], "", elapsed_ms(), stats)
