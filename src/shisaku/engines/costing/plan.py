"""Sourcing plan: the cheapest sensible process × region at each quantity (landed unit cost to
the client's country), the quantities where the best process or region changes, and a target
unit-cost check with the drivers that would close the gap. Money in USD.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from shisaku.engines.costing.models import Estimate, PartFacts, estimate_process
from shisaku.engines.costing.params import Parameters
from shisaku.engines.messages import say

__all__ = [
    "Options",
    "choose_family",
    "crossovers",
    "material_family",
    "materials_in_family",
    "plan_rows",
    "target_check",
]

EstimateFn = Callable[[str, str, int], Estimate]


@dataclass
class Options:
    """Every (process, region) considered, with one estimate function for any quantity.

    ``materials`` fixes the material of each process (the part's material, or one of its
    family); ``max_lead_days`` is the longest lead time the plan accepts."""

    params: Parameters
    facts: PartFacts
    processes: Sequence[str]
    regions: Sequence[str]
    client_country: str
    material: str | None = None
    materials: dict[str, str] = field(default_factory=dict)
    max_lead_days: int | None = None
    _memo: dict[tuple[str, str, int], Estimate] = field(default_factory=dict, repr=False)

    def estimate(self, process: str, region: str, quantity: int) -> Estimate:
        key = (process, region, quantity)
        hit = self._memo.get(key)
        if hit is None:
            hit = estimate_process(
                self.params, self.facts, process,
                material=self.materials.get(process, self.material), region=region,
                quantity=quantity, client_country=self.client_country,
            )
            self._memo[key] = hit
        return hit

    def all(self, quantity: int) -> list[Estimate]:
        return [self.estimate(p, r, quantity) for p in self.processes for r in self.regions]

    def on_time(self, e: Estimate) -> bool:
        return self.max_lead_days is None or e.lead_time_days <= self.max_lead_days

    def best(self, quantity: int, *, process: str | None = None) -> Estimate | None:
        """The cheapest sensible option within the lead-time limit (ties: shorter lead time,
        then process and region code order), optionally for one process only; when nothing
        is on time, the fastest sensible option."""
        pool = [
            e for e in (self.all(quantity) if process is None
                        else [self.estimate(process, r, quantity) for r in self.regions])
            if e.sensible
        ]
        if not pool:
            return None
        timely = [e for e in pool if self.on_time(e)]
        if not timely:
            return min(pool, key=lambda e: (e.lead_time_days, e.unit_cost, e.process, e.region))
        return min(timely, key=lambda e: (e.unit_cost, e.lead_time_days, e.process, e.region))


PLASTIC_LIKE = {"photopolymer": "plastic"}  # a resin print stands in for a plastic part


def material_family(code: str) -> str:
    """The taxonomy family of a material, photopolymers counted with plastics."""
    from shisaku import taxonomy

    term = next((t for t in taxonomy.terms("material") if t.code == code), None)
    group = term.group if term else ""
    return PLASTIC_LIKE.get(group, group)


def materials_in_family(params: Parameters, processes: Sequence[str], family: str
                        ) -> dict[str, str]:
    """For each process that makes something of ``family``: its default material when that
    is of the family, else the first of its materials that is."""
    out: dict[str, str] = {}
    for p in processes:
        proc = params.process(p)
        default = str(proc["default_material"])
        if material_family(default) == family:
            out[p] = default
            continue
        other = next((m for m in proc.get("materials", []) if material_family(m) == family),
                     None)
        if other:
            out[p] = other
    return out


def choose_family(params: Parameters, facts: PartFacts, processes: Sequence[str],
                  regions: Sequence[str], client_country: str, quantities: Sequence[int],
                  max_lead_days: int | None) -> tuple[str, dict[str, str], Options | None]:
    """With no material given, the plan keeps one material family for every quantity: the
    family whose plan covers the most quantities at the least spend over all of them (ties:
    plastic first, as a housing or bracket is most often plastic)."""
    families = sorted({material_family(str(params.process(p)["default_material"]))
                       for p in processes} - {""})
    best: tuple[Any, ...] | None = None
    chosen: tuple[str, dict[str, str], Options | None] = ("", {}, None)
    for fam in families:
        mats = materials_in_family(params, processes, fam)
        if not mats:
            continue
        opts = Options(params, facts, list(mats), regions, client_country, None, mats,
                       max_lead_days)
        picks = [opts.best(q) for q in quantities]
        covered = sum(1 for b in picks if b is not None)
        spend = sum(b.unit_cost * q for b, q in zip(picks, quantities, strict=True) if b)
        key = (-covered, spend, fam != "plastic", fam)
        if best is None or key < best:
            best, chosen = key, (fam, mats, opts)
    return chosen  # with its Options, whose estimates are memoised for the plan


def plan_rows(options: Options, quantities: Sequence[int]) -> list[dict[str, Any]]:
    """One row per quantity: the best option with its material, landed unit cost, total,
    tooling, lead time, and the runner-up of a different process or region. A quantity no
    process can make gets a row with its reason (code, params, message) and no numbers."""
    rows: list[dict[str, Any]] = []
    for q in quantities:
        best = options.best(q)
        if best is None:
            said = say("no_sensible_process")
            rows.append({"quantity": q, "process": None, "region": None, "material": None,
                         "unit_cost": None, "lead_time_days": None, "note": said["message"],
                         "reason": said})
            continue
        pool = sorted(
            (e for e in options.all(q) if e.sensible and options.on_time(e)),
            key=lambda e: (e.unit_cost, e.lead_time_days, e.process, e.region),
        )
        row: dict[str, Any] = {
            "quantity": q,
            "process": best.process,
            "region": best.region,
            "material": best.material,
            "unit_cost": best.unit_cost,
            "total_cost": best.total_cost,
            "tooling_cost": best.tooling_cost,
            "lead_time_days": best.lead_time_days,
            "currency": best.currency,
            "on_time": options.on_time(best),
        }
        other = next((e for e in pool if e.process != best.process), None)
        if other:
            row["next_process"] = {"process": other.process, "region": other.region,
                                   "unit_cost": other.unit_cost,
                                   "lead_time_days": other.lead_time_days}
        abroad = next((e for e in pool if e.region != best.region), None)
        if abroad:
            row["next_region"] = {"process": abroad.process, "region": abroad.region,
                                  "unit_cost": abroad.unit_cost,
                                  "lead_time_days": abroad.lead_time_days}
        rows.append(row)
    return rows


def _grid(q_max: int, points: int = 25) -> list[int]:
    out = sorted({max(1, round(10 ** (i * math.log10(q_max) / (points - 1)))) for i in range(points)})
    return out


def _switch(lo: int, hi: int, key: Callable[[int], Any]) -> int:
    """Smallest quantity in (lo, hi] whose key differs from key(lo) (bisection)."""
    start = key(lo)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if key(mid) == start:
            lo = mid
        else:
            hi = mid
    return hi


TIE_PCT = 2.0  # a region change that reverts while the two regions stay this close is a tie


def _drop_ties(
    changes: list[dict[str, Any]], cost: Callable[[str, int], float], ties: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Remove back-and-forth region changes (A->B, then B->A) between near-equal regions."""
    out = list(changes)
    i = 0
    while i + 1 < len(out):
        a, b = out[i], out[i + 1]
        same = a.get("process") == b.get("process")
        if same and a["from"] == b["to"] and a["to"] == b["from"]:
            mid = (a["quantity"] + b["quantity"]) // 2
            ca, cb = cost(a["from"], mid), cost(a["to"], mid)
            if abs(ca - cb) <= TIE_PCT / 100 * max(ca, cb):
                ties.append({k: v for k, v in (("process", a.get("process")),) if v}
                            | {"regions": sorted([a["from"], a["to"]]),
                               "from_quantity": a["quantity"], "to_quantity": b["quantity"]})
                del out[i:i + 2]
                i = max(0, i - 1)
                continue
        i += 1
    return out


def crossovers(options: Options, q_max: int = 100_000) -> dict[str, list[dict[str, Any]]]:
    """Quantities where the best process changes (over all regions), where the best region
    changes in the plan, and for each process where its cheapest region changes. Back-and-forth
    changes between regions within 2 % of each other are listed under ``near_ties`` instead."""

    def best_key(q: int) -> tuple[str | None, str | None]:
        b = options.best(q)
        return (b.process, b.region) if b else (None, None)

    grid = _grid(q_max)
    process_x: list[dict[str, Any]] = []
    region_x: list[dict[str, Any]] = []
    keys = [best_key(q) for q in grid]
    for (q0, k0), (q1, k1) in zip(zip(grid, keys, strict=True), zip(grid[1:], keys[1:], strict=True), strict=False):
        if k0 == k1:
            continue
        if k0[0] != k1[0]:
            at = _switch(q0, q1, lambda q: best_key(q)[0])
            process_x.append({"from": k0[0], "to": best_key(at)[0], "quantity": at})
        if k0[1] != k1[1]:
            at = _switch(q0, q1, lambda q: best_key(q)[1])
            region_x.append({"from": k0[1], "to": best_key(at)[1], "quantity": at})
    per_process: list[dict[str, Any]] = []
    for proc in options.processes:
        def region_of(q: int, proc: str = proc) -> str | None:
            b = options.best(q, process=proc)
            return b.region if b else None

        regions = [region_of(q) for q in grid]
        for i in range(1, len(grid)):
            if regions[i] != regions[i - 1] and regions[i] and regions[i - 1]:
                at = _switch(grid[i - 1], grid[i], region_of)
                per_process.append({"process": proc, "from": regions[i - 1], "to": region_of(at),
                                    "quantity": at})
    ties: list[dict[str, Any]] = []

    def plan_cost(region: str, q: int) -> float:
        b = options.best(q)
        proc = b.process if b else options.processes[0]
        return options.estimate(proc, region, q).unit_cost

    region_x = _drop_ties(region_x, plan_cost, ties)
    by_process: list[dict[str, Any]] = []
    for proc in options.processes:
        mine = [x for x in per_process if x["process"] == proc]

        def proc_cost(region: str, q: int, proc: str = proc) -> float:
            return options.estimate(proc, region, q).unit_cost

        by_process += _drop_ties(mine, proc_cost, ties)
    return {"process": process_x, "region": region_x, "region_by_process": by_process,
            "near_ties": ties}


def target_check(
    options: Options, plan: Sequence[dict[str, Any]], target_unit_cost: float
) -> list[dict[str, Any]]:
    """Compare each plan row with the target unit cost (USD): the gap, the largest cost drivers
    of the chosen option, and what would close the gap (a quantity, a region or a process)."""
    grid = _grid(1_000_000, 30)
    reach = next((q for q in grid if (b := options.best(q)) and b.unit_cost <= target_unit_cost), None)
    out: list[dict[str, Any]] = []
    for row in plan:
        if row.get("process") is None:
            continue
        q = int(row["quantity"])
        est = options.estimate(row["process"], row["region"], q)
        gap = est.unit_cost - target_unit_cost
        drivers = sorted(
            ((k, v) for k, v in est.breakdown.items() if v > 0), key=lambda kv: -kv[1]
        )[:3]
        entry: dict[str, Any] = {
            "quantity": q,
            "unit_cost": est.unit_cost,
            "target_unit_cost": target_unit_cost,
            "gap": round(gap, 4),
            "gap_pct": round(100 * gap / target_unit_cost, 1) if target_unit_cost else None,
            "met": gap <= 0,
            "drivers": [{"item": k, "unit_cost": v, "share_pct": round(100 * v / est.unit_cost, 1)}
                        for k, v in drivers],
            "levers": [],
        }
        if gap > 0:
            levers = entry["levers"]
            if reach is not None and reach > q:
                levers.append(say("lever_quantity", target=target_unit_cost, quantity=reach))
            top = drivers[0][0] if drivers else ""
            if top == "tooling_amortised":
                levers.append(say("lever_tooling"))
            elif top == "material":
                levers.append(say("lever_material"))
            elif top in ("machine", "labour", "finishing"):
                levers.append(say("lever_time", item=top))
            elif top in ("shipping", "cross_border", "duty"):
                levers.append(say("lever_landed"))
            elif top == "setup":
                levers.append(say("lever_setup"))
        out.append(entry)
    return out
