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
from shisaku.engines.costing.plan import (
    Options,
    choose_family,
    crossovers,
    plan_rows,
    target_check,
)
from shisaku.engines.costing.plot import cost_curve_svg
from shisaku.engines.costing.processes import milling_extra_hours
from shisaku.engines.messages import refuse, say

__all__ = [
    "ENGINE_VERSION",
    "convert_target",
    "estimate_file",
    "estimate_geometry",
    "resolve_processes",
]

ENGINE_VERSION = "shisaku-estimate 2"


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
            pcb = any(p.startswith("pcb_") for p in unsupported)
            raise refuse("process", "process_pcb_from_file" if pcb else "process_no_file_model",
                         processes=", ".join(unsupported), valid=list(GEOMETRY_PROCESSES))
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
            raise refuse("material", "material_no_process", material=material)
        chosen = keep
    return chosen, skipped


def _check_place(params: Parameters, region: str, client_country: str) -> None:
    from shisaku import taxonomy

    if region not in params.regions:
        raise refuse("region", "region_no_rates", code=str(region), valid=params.regions)
    if client_country not in taxonomy.COUNTRIES:
        raise refuse("client_country", "country_unknown", code=str(client_country),
                     valid=sorted(taxonomy.COUNTRIES))


def convert_target(params: Parameters, amount: float, currency: str,
                   rates: Mapping[str, tuple[float, str, str]] | None = None
                   ) -> tuple[float, dict[str, Any]]:
    """``amount`` of ``currency`` in USD, with the dated rate used: from ``rates``
    ({currency: (USD per unit, as_of, source)}, e.g. the platform's rates table) or else the
    rates shipped in the parameter file."""
    currency = currency.upper()
    if currency == "USD":
        return amount, {"currency": "USD", "usd_per_unit": 1.0}
    if rates and currency in rates:
        rate, as_of, source = rates[currency]
    elif params.has("currency_rates_usd", currency):
        rate = params.num("currency_rates_usd", currency)
        as_of = str(params.get("currency_rates_usd", "as_of"))
        source = params.source("currency_rates_usd", currency)
    else:
        raise refuse("target_currency", "currency_no_rate", currency=currency,
                     valid=["USD", *sorted(k for k in params.tree["currency_rates_usd"]
                                               if k.isupper())])
    usd = amount * float(rate)
    return usd, {"currency": currency, "amount": amount, "usd_per_unit": float(rate),
                 "as_of": str(as_of), "source": source, "usd": round(usd, 4)}


def estimate_geometry(
    geometry: Mapping[str, Any],
    *,
    processes: Sequence[str] | None = None,
    material: str | None = None,
    quantities: Sequence[int] | None = None,
    region: str = "KR",
    client_country: str = "KR",
    target_unit_cost: float | None = None,
    target_currency: str = "USD",
    currency_rates: Mapping[str, tuple[float, str, str]] | None = None,
    max_lead_days: int | None = None,
    include_plot: bool = False,
    params: Parameters | None = None,
) -> dict[str, Any]:
    """Costs for an analysed part (the dict of :func:`shisaku.engines.geometry.analyse`).

    ``region`` is where the listed estimates are made; the plan considers every region of the
    parameter file, keeps the part's ``material`` (or, when none is given, one material family
    for every quantity) and lead times within ``max_lead_days`` (default from the parameter
    file). ``target_unit_cost`` is in ``target_currency`` (converted with dated rates).
    Returns {dfm, estimates, plan, plan_basis, crossovers, target?, plot_svg?, skipped}.
    """
    from shisaku.engines.geometry import dfm_findings

    params = params or default_parameters()
    chosen, skipped_codes = resolve_processes(params, processes, material)
    skipped: list[dict[str, Any]] = list(skipped_codes)
    _check_place(params, region, client_country)
    qs = [int(q) for q in (quantities or params.get("quantities"))]
    if not qs or any(q < 1 for q in qs):
        raise refuse("qty", "quantities_not_positive")
    qs = sorted(set(qs))
    if max_lead_days is None:
        max_lead_days = int(params.num("max_lead_days"))
    elif max_lead_days < 1:
        raise refuse("max_lead_days", "lead_days_below_one")
    facts = PartFacts.from_geometry(geometry)
    family_options: Options | None = None
    if material is not None:
        mats = {p: material for p in chosen}
        basis = say("plan_material", material=material)
    else:
        family, mats, family_options = choose_family(params, facts, chosen, params.regions,
                                                     client_country, qs, max_lead_days)
        basis = say("plan_family", family=family)
        for p in chosen:
            if p not in mats:
                skipped.append({"process": p, "reason": f"makes no {family} material"})
    planned = [p for p in chosen if p in mats]
    rules = {
        p: {"min_wall_mm": params.process(p).get("min_wall_mm"),
            "envelope_mm": params.process(p).get("envelope_mm")}
        for p in chosen
    }
    estimates = [
        estimate_process(
            params, facts, p, material=mats.get(p, material), region=region, quantity=q,
            client_country=client_country,
        ).as_dict()
        for p in chosen
        for q in qs
    ]
    options = family_options or Options(params, facts, planned, params.regions, client_country,
                                        material, mats, max_lead_days)
    plan = plan_rows(options, qs)
    listed = {(e["process"], e["region"], e["quantity"]) for e in estimates}
    for row in plan:  # the numbers of every region the plan chooses
        key = (row.get("process"), row.get("region"), row["quantity"])
        if row.get("process") and key not in listed:
            estimates.append(options.estimate(*key).as_dict())  # type: ignore[arg-type]
            listed.add(key)  # type: ignore[arg-type]
    chosen_keys = {(r.get("process"), r.get("region"), r["quantity"]) for r in plan}
    for e in estimates:
        e["in_plan"] = (e["process"], e["region"], e["quantity"]) in chosen_keys
    out: dict[str, Any] = {
        "dfm": dfm_findings(_with_milling_hours(geometry, params, facts, mats, material), rules),
        "estimates": estimates,
        "plan": plan,
        "plan_basis": basis,
        "max_lead_days": max_lead_days,
        "crossovers": crossovers(options, q_max=max(100_000, max(qs))) if planned else {
            "process": [], "region": [], "region_by_process": [], "near_ties": []},
        "skipped": skipped,
    }
    if target_unit_cost is not None:
        if target_unit_cost <= 0:
            raise refuse("target_unit_cost", "target_not_positive")
        usd, rate = convert_target(params, float(target_unit_cost), target_currency,
                                   currency_rates)
        out["target"] = target_check(options, plan, usd)
        out["target_rate"] = rate
    series: dict[str, list[tuple[float, float]]] = {}
    for p in planned:
        pts = []
        for q in qs:
            best = options.best(q, process=p)
            if best is not None:
                pts.append((float(q), best.unit_cost))
        if pts:
            series[p] = pts
    out["plot_series"] = {p: [list(pt) for pt in pts] for p, pts in series.items()}
    if include_plot:
        out["plot_svg"] = cost_curve_svg(series, title="Landed unit cost (USD, best region)")
    return out


def _with_milling_hours(geometry: Mapping[str, Any], params: Parameters, facts: PartFacts,
                        mats: Mapping[str, str], material: str | None) -> Mapping[str, Any]:
    """The geometry with the extra milling hours of its deep pockets and sharp corners, so
    that the DFM finding quotes what the CNC estimate charges (one analysis, one number)."""
    if "milling" not in geometry or "cnc_milling" not in params.tree["processes"]:
        return geometry
    proc = params.process("cnc_milling")
    mat = mats.get("cnc_milling", material) or str(proc["default_material"])
    classes: Mapping[str, str] = params.get("material_classes")
    mrr = float(proc["mrr_cm3_min"][classes.get(mat, "plastic")])
    extra = milling_extra_hours(proc, facts, mrr)
    milling = dict(geometry["milling"], deep_pocket_extra_h=round(extra["deep_pocket"], 3),
                   sharp_corner_extra_h=round(extra["sharp_corners"], 3))
    return {**geometry, "milling": milling}


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
    target_currency: str = "USD",
    currency_rates: Mapping[str, tuple[float, str, str]] | None = None,
    max_lead_days: int | None = None,
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
        target_currency=target_currency, currency_rates=currency_rates,
        max_lead_days=max_lead_days, include_plot=include_plot, params=params,
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
