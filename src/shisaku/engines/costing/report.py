"""The whole estimate of one CAD file as one JSON-able dict — geometry, DFM findings, estimates
per process and quantity, sourcing plan, crossovers, target check and plot — shared by the CLI
(`shisaku estimate`) and the web API, so that they agree by construction."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from shisaku.engines.costing.models import GEOMETRY_PROCESSES, PartFacts, estimate_process
from shisaku.engines.costing.params import Parameters, default_parameters
from shisaku.engines.costing.plan import Options, crossovers, plan_rows, target_check
from shisaku.engines.costing.plot import cost_curve_svg
from shisaku.errors import InputError

__all__ = ["ENGINE_VERSION", "estimate_file", "estimate_geometry", "resolve_processes"]

ENGINE_VERSION = "shisaku-estimate 1"


def resolve_processes(
    params: Parameters, processes: Sequence[str] | None, material: str | None
) -> tuple[list[str], list[dict[str, str]]]:
    """Validate process and material codes; return the processes to cost and those skipped
    because they do not make ``material``. Raises UnknownCodeError / InputError."""
    from shisaku import taxonomy

    if processes:
        taxonomy.validate_codes("process", list(processes))
        unsupported = [p for p in processes if p not in GEOMETRY_PROCESSES]
        if unsupported:
            raise InputError(
                "process",
                f"no cost model from a CAD file for {', '.join(unsupported)}"
                + (" (PCBs are costed from board data, not a file)"
                   if any(p.startswith("pcb_") for p in unsupported) else ""),
                valid=list(GEOMETRY_PROCESSES),
            )
        chosen = list(dict.fromkeys(processes))
    else:
        chosen = list(GEOMETRY_PROCESSES)
    skipped: list[dict[str, str]] = []
    if material is not None:
        taxonomy.validate_codes("material", [material])
        keep = []
        for p in chosen:
            if material in params.process(p).get("materials", []):
                keep.append(p)
            else:
                skipped.append({"process": p, "reason": f"does not make {material}"})
        if not keep:
            raise InputError("material", f"none of the processes makes {material}")
        chosen = keep
    return chosen, skipped


def _check_place(params: Parameters, region: str, client_country: str) -> None:
    from shisaku import taxonomy

    if region not in params.regions:
        raise InputError("region", f"no rate table for {region!r}", valid=params.regions)
    if client_country not in taxonomy.COUNTRIES:
        raise InputError(
            "client_country", f"unknown country {client_country!r}",
            valid=sorted(taxonomy.COUNTRIES),
        )


def estimate_geometry(
    geometry: Mapping[str, Any],
    *,
    processes: Sequence[str] | None = None,
    material: str | None = None,
    quantities: Sequence[int] | None = None,
    region: str = "KR",
    client_country: str = "KR",
    target_unit_cost: float | None = None,
    include_plot: bool = False,
    params: Parameters | None = None,
) -> dict[str, Any]:
    """Costs for an analysed part (the dict of :func:`shisaku.engines.geometry.analyse`).

    ``region`` is where the listed estimates are made; the plan considers every region of the
    parameter file. Returns {dfm, estimates, plan, crossovers, target?, plot_svg?, skipped}.
    """
    from shisaku.engines.geometry import dfm_findings

    params = params or default_parameters()
    chosen, skipped = resolve_processes(params, processes, material)
    _check_place(params, region, client_country)
    qs = [int(q) for q in (quantities or params.get("quantities"))]
    if not qs or any(q < 1 for q in qs):
        raise InputError("qty", "quantities must be positive integers")
    qs = sorted(set(qs))
    facts = PartFacts.from_geometry(geometry)
    rules = {
        p: {"min_wall_mm": params.process(p).get("min_wall_mm"),
            "envelope_mm": params.process(p).get("envelope_mm")}
        for p in chosen
    }
    estimates = [
        estimate_process(
            params, facts, p, material=material, region=region, quantity=q,
            client_country=client_country,
        ).as_dict()
        for p in chosen
        for q in qs
    ]
    options = Options(params, facts, chosen, params.regions, client_country, material)
    plan = plan_rows(options, qs)
    out: dict[str, Any] = {
        "dfm": dfm_findings(geometry, rules),
        "estimates": estimates,
        "plan": plan,
        "crossovers": crossovers(options, q_max=max(100_000, max(qs))),
        "skipped": skipped,
    }
    if target_unit_cost is not None:
        if target_unit_cost <= 0:
            raise InputError("target_unit_cost", "the target unit cost must be positive")
        out["target"] = target_check(options, plan, float(target_unit_cost))
    if include_plot:
        series: dict[str, list[tuple[float, float]]] = {}
        for p in chosen:
            pts = []
            for q in qs:
                best = options.best(q, process=p)
                if best is not None:
                    pts.append((float(q), best.unit_cost))
            if pts:
                series[p] = pts
        out["plot_svg"] = cost_curve_svg(series, title="Landed unit cost (USD, best region)")
    return out


def estimate_file(
    source: str | Path | bytes,
    *,
    filename: str | None = None,
    units: str = "auto",
    processes: Sequence[str] | None = None,
    material: str | None = None,
    quantities: Sequence[int] | None = None,
    region: str = "KR",
    client_country: str = "KR",
    target_unit_cost: float | None = None,
    include_plot: bool = False,
    max_triangles: int | None = None,
    params: Parameters | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Load, measure and cost a CAD file: the JSON of `shisaku estimate --json`.

    Keys: geometry, dfm, estimates, plan (quantity, process, region, unit_cost, …),
    crossovers, skipped, engine (versions for storing the estimate), timings_ms, and
    target / plot_svg when asked. Money in USD. Raises InputError / UnknownCodeError for bad
    input (checked before the file is parsed where possible).
    """
    from shisaku.engines.geometry import LoadLimits, analyse, load_part

    params = params or default_parameters()
    resolve_processes(params, processes, material)  # fail fast, before parsing
    _check_place(params, region, client_country)
    t0 = time.perf_counter()
    limits = LoadLimits(max_triangles=max_triangles) if max_triangles else LoadLimits()
    part = load_part(source, filename=filename, units=units, limits=limits, progress=progress)
    if progress:
        progress("analysing")
    geometry = analyse(part)
    t1 = time.perf_counter()
    if progress:
        progress("costing")
    costs = estimate_geometry(
        geometry, processes=processes, material=material, quantities=quantities, region=region,
        client_country=client_country, target_unit_cost=target_unit_cost,
        include_plot=include_plot, params=params,
    )
    t2 = time.perf_counter()
    out: dict[str, Any] = {"geometry": geometry}
    out.update(costs)
    out["engine"] = {
        "version": ENGINE_VERSION,
        "parameters_version": params.version,
        "parameters_sha256": params.digest,
        "currency": str(params.get("currency")),
        "currency_note": "all money in USD (internal currency)",
    }
    out["timings_ms"] = {
        "geometry": round((t1 - t0) * 1000, 1),
        "costing": round((t2 - t1) * 1000, 1),
    }
    return out
