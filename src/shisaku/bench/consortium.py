"""Consortium optimiser on seeded random joint orders, against the greedy baseline in the same run.

`shisaku bench consortium --packages P --candidates C [--instances N] [--seed S] --json`
generates N instances with P work packages (the last one the integration package, depending on
all others) and about C eligible firms per package, located in KR, JP and CN, and reports the
optimiser's solve time, how often it proved optimality, its gap, and its improvement over the
greedy team (best firm per package, then best lead).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from typing import Any

__all__ = ["SAMPLE_PARTS", "add_arguments", "make_request", "run", "sample_request"]

# Process sets of the non-integration packages, cycled through as P grows.
_TEMPLATES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("mold_making", "injection_molding"), ("abs", "pc", "pp")),
    (("cnc_milling", "surface_finishing"), ("aluminum_6061", "stainless_304")),
    (("pcb_fabrication", "pcb_assembly"), ("fr4",)),
    (("sheet_metal", "welding"), ("mild_steel", "stainless_304")),
    (("cnc_turning",), ("brass", "aluminum_6061")),
    (("cable_harness",), ("copper",)),
    (("sla_printing",), ("resin_standard", "resin_tough")),
    (("die_casting",), ("aluminum_7075",)),
    (("laser_cutting",), ("stainless_316", "mild_steel")),
    (("urethane_casting",), ("silicone", "tpu")),
)
_COUNTRY_WEIGHTS = {"KR": 0.4, "JP": 0.4, "CN": 0.2}
# A fixed list (not all of taxonomy.REGIONS) so that the instances stay the same when the
# taxonomy gains regions: industrial regions of the three countries.
_REGIONS = (
    "KR-11", "KR-26", "KR-27", "KR-28", "KR-30", "KR-31", "KR-41", "KR-44", "KR-47", "KR-48",
    "JP-11", "JP-13", "JP-14", "JP-20", "JP-22", "JP-23", "JP-26", "JP-27", "JP-28", "JP-40",
    "CN-GD", "CN-SH", "CN-JS", "CN-ZJ", "CN-BJ",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--packages", type=int, default=6, help="work packages per instance")
    parser.add_argument("--candidates", type=int, default=50,
                        help="eligible firms per package (about)")
    parser.add_argument("--instances", type=int, default=10, help="random instances")
    parser.add_argument("--seed", type=int, default=1, help="seed of the first instance")
    parser.add_argument("--time-limit", type=float, default=10.0,
                        help="optimiser time limit per instance, seconds")
    parser.add_argument("--gap-limit", type=float, default=0.0,
                        help="stop when within this relative gap of the bound (0 = prove)")
    parser.add_argument("--sample-records", type=int, default=0, metavar="N",
                        help="instead of random instances: N records of the sample-data "
                             "generator (seed S + i) and a fixed four-package project")


def make_request(n_packages: int, candidates: int, seed: int) -> dict[str, Any]:
    """A seeded random plan request: packages, ~``candidates`` eligible firms each, quotes."""
    from shisaku import taxonomy

    rng = random.Random(seed)
    regions = [taxonomy.region(code) for code in _REGIONS]
    weights = [_COUNTRY_WEIGHTS[r.country] / sum(1 for x in regions if x.country == r.country)
               for r in regions]
    packages: list[dict[str, Any]] = []
    for i in range(max(1, n_packages - 1)):
        processes, materials = _TEMPLATES[i % len(_TEMPLATES)]
        depends = []
        if i >= 1 and rng.random() < 0.3:
            depends.append(f"wp{rng.randrange(i) + 1:02d}")
        packages.append({
            "id": f"wp{i + 1:02d}", "name": "+".join(processes), "processes": list(processes),
            "materials": [rng.choice(materials)], "quantity": rng.choice([50, 300, 1000, 3000]),
            "depends_on": depends, "base_cost": float(rng.randrange(1000, 8000, 100)),
        })
    if n_packages >= 2:
        packages.append({
            "id": "integration", "name": "final assembly and testing",
            "processes": ["final_assembly", "reliability_testing"],
            "quantity": max(p["quantity"] for p in packages),
            "depends_on": [p["id"] for p in packages], "base_cost": 3000.0,
        })
    n_firms = 2 * candidates
    firms: list[dict[str, Any]] = []
    quotes: list[dict[str, Any]] = []
    for k in range(n_firms):
        region = rng.choices(regions, weights)[0]
        firm_id = k + 1
        capabilities: list[dict[str, Any]] = []
        for package in packages:
            if rng.random() >= 0.5:
                continue
            for process in package["processes"]:
                capabilities.append({
                    "process": process, "materials": list(package.get("materials", [])),
                    "min_lot": 1, "max_lot": 10000, "max_part_mm": None,
                    "lead_time_days": rng.randrange(3, 25),
                })
            if rng.random() < 0.1:
                quotes.append({"package": package["id"], "manufacturer": firm_id,
                               "total_cost": round(package["base_cost"] * rng.uniform(0.6, 1.6)),
                               "lead_time_days": rng.randrange(5, 40)})
        firms.append({
            "id": firm_id, "slug": f"firm-{firm_id}", "name": f"Firm {firm_id}",
            "kind": "manufacturer", "country": region.country, "region": region.code,
            "block": region.block, "city": "",
            "lat": round(region.lat + rng.gauss(0, 0.25), 4),
            "lon": round(region.lon + rng.gauss(0, 0.25), 4),
            "capabilities": capabilities,
            "accepts_integrator": rng.random() < 0.05,
            "reply_median_hours": round(rng.lognormvariate(2.3, 0.9), 1),
            "rating": round(rng.uniform(3.0, 5.0), 1) if rng.random() < 0.8 else None,
            "price_level": round(rng.uniform(0.7, 1.5), 2),
            "capacity_jobs": rng.choice([1, 2, 2, 3, 5, None]),
            "synthetic": True, "source": f"shisaku bench consortium (seed {seed})",
        })
    return {"packages": packages, "manufacturers": firms, "quotes": quotes}


SAMPLE_PARTS: tuple[dict[str, Any], ...] = (
    {"name": "case", "processes": ["mold_making", "injection_molding"], "materials": ["abs"],
     "quantity": 1000, "part_size_mm": [120, 80, 30]},
    {"name": "frame", "processes": ["cnc_milling", "surface_finishing"],
     "materials": ["aluminum_6061"], "quantity": 1000, "part_size_mm": [100, 60, 10]},
    {"name": "board", "processes": ["pcb_fabrication", "pcb_assembly"], "materials": ["fr4"],
     "quantity": 1000},
)


def sample_request(n_records: int, seed: int) -> dict[str, Any]:
    """A housing + frame + board + integration project over sample-data records."""
    from shisaku.sampledata.generator import generate_manufacturers

    return {"parts": [dict(p) for p in SAMPLE_PARTS],
            "manufacturers": list(generate_manufacturers(n_records, seed=seed))}


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def _p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 3)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from shisaku.engines.consortium import build_problem, solve
    from shisaku.engines.consortium.budget import Budget, TimeLimitReached

    solve_ms: list[float] = []
    total_ms: list[float] = []
    cpu_ms: list[float] = []
    gaps: list[float] = []
    improvements: list[float] = []
    optimal = worse = no_team = 0
    leads_solved: list[float] = []
    for i in range(args.instances):
        if args.sample_records:
            request = sample_request(args.sample_records, args.seed + i)
        else:
            request = make_request(args.packages, args.candidates, args.seed + i)
        started = time.perf_counter()
        # The time limit covers the whole call, preparing the problem included.
        budget = Budget(args.time_limit, started=started)
        try:
            problem = build_problem(request, budget=budget)
        except TimeLimitReached:
            total_ms.append((time.perf_counter() - started) * 1000.0)
            no_team += 1
            continue
        cpu_started = time.process_time()
        result = solve(problem, time_limit_s=args.time_limit, seed=0, gap_limit=args.gap_limit,
                       budget=budget)
        cpu_ms.append((time.process_time() - cpu_started) * 1000.0)
        total_ms.append((time.perf_counter() - started) * 1000.0)
        solve_ms.append(result.solve_ms)
        leads_solved.append(result.stats.get("leads_solved", 0))
        if result.objective_points is None:
            no_team += 1
            continue
        optimal += result.status == "optimal"
        gaps.append(result.gap or 0.0)
        if result.greedy is not None:
            greedy = result.greedy[0]
            improvements.append((greedy - result.objective_points) / greedy)
            worse += result.objective_points > greedy
    sample = args.sample_records > 0
    return {
        "packages": len(SAMPLE_PARTS) + 1 if sample else args.packages,
        "candidates_per_package": None if sample else args.candidates,
        "sample_records": args.sample_records or None,
        "instances": args.instances,
        "seed": args.seed,
        "time_limit_s": args.time_limit,
        "gap_limit": args.gap_limit,
        "median_solve_ms": _median(solve_ms),
        "p95_solve_ms": _p95(solve_ms),
        "median_total_ms": _median(total_ms),
        "median_solve_cpu_ms": _median(cpu_ms),
        "optimal_fraction": optimal / args.instances if args.instances else None,
        "median_gap": _median(gaps),
        "max_gap": round(max(gaps), 6) if gaps else None,
        "mean_improvement_over_greedy": (round(statistics.fmean(improvements), 4)
                                         if improvements else None),
        "worse_than_greedy": worse,
        "without_team": no_team,
        "median_leads_solved": _median(leads_solved),
        "baseline": "greedy: best firm per package on its own points, then the best lead",
    }
