"""Cost models per process: from part facts, material, region and quantity to a unit cost
with its breakdown, tooling, lead time and the assumptions behind it (USD).

Every model follows the same activity-based pattern: material + machine time x machine rate
+ labour + set-up / quantity + tooling / quantity, a margin, then shipping, duty and
cross-border costs to the client's country (:mod:`shisaku.engines.costing.logistics`).
A machine rate is its capital cost per hour (x the region's capital factor) plus the share of
an operator it needs (x the region's labour rate).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from shisaku.engines.costing.facts import (
    GEOMETRY_PROCESSES,
    Estimate,
    PartFacts,
    _Cost,
    _density,
    _Region,
    cooling_time_s,
    material_for,
)
from shisaku.engines.costing.logistics import landed_costs
from shisaku.engines.costing.params import Parameters
from shisaku.engines.costing.processes import (
    _cnc_milling,
    _cnc_turning,
    _fdm,
    _powder,
    _sheet,
    _sla,
)
from shisaku.engines.costing.tooled import _die_casting, _moulding, _urethane
from shisaku.engines.messages import refuse, said

__all__ = [
    "GEOMETRY_PROCESSES",
    "Estimate",
    "PartFacts",
    "cooling_time_s",
    "estimate_process",
    "learning_factor",
    "material_for",
]

_MODELS: dict[str, Callable[[Parameters, PartFacts, str, _Region, int, dict[str, Any]], _Cost]] = {
    "fdm_printing": _fdm,
    "sla_printing": _sla,
    "sls_printing": _powder,
    "mjf_printing": _powder,
    "cnc_milling": _cnc_milling,
    "cnc_turning": _cnc_turning,
    "sheet_metal": _sheet,
    "urethane_casting": _urethane,
    "injection_molding": _moulding,
    "die_casting": _die_casting,
}


def _learning_rate(params: Parameters, process: str) -> float:
    rates = params.get("learning_curve", "rates")
    return float(rates.get(process, rates["default"]))


def learning_factor(params: Parameters, process: str, quantity: int) -> float:
    """Average time per part of a lot of ``quantity`` against the models' time (that of a
    first lot of ``reference_qty``), by Wright's cumulative-average learning curve:
    (q / q_ref) ** log2(rate), never above 1 and never below ``floor``."""
    q_ref = params.num("learning_curve", "reference_qty")
    if quantity <= q_ref:
        return 1.0
    b = math.log2(_learning_rate(params, process))
    return max(params.num("learning_curve", "floor"), float((quantity / q_ref) ** b))


def _fits(extents: tuple[float, float, float], envelope: list[float]) -> bool:
    return all(a <= b for a, b in zip(sorted(extents), sorted(envelope), strict=True))


def estimate_process(
    params: Parameters,
    facts: PartFacts,
    process: str,
    *,
    material: str | None = None,
    region: str,
    quantity: int,
    client_country: str,
) -> Estimate:
    """Cost of making ``quantity`` parts by ``process`` in ``region`` delivered to
    ``client_country``. Money in USD; the breakdown is per unit and sums to ``unit_cost``."""
    if process not in _MODELS:
        raise refuse("process", "process_no_model", code=str(process),
                     valid=list(GEOMETRY_PROCESSES))
    if quantity < 1:
        raise refuse("qty", "quantities_not_positive")
    proc = params.process(process)
    mat = material_for(params, process, material)
    reg = params.region(region)
    if reg is None:
        reg = _Region(params, region)
        params.remember_region(region, reg)
    c = _MODELS[process](params, facts, mat, reg, quantity, proc)
    learning = learning_factor(params, process, quantity)
    if learning < 1.0:
        c.machine *= learning
        c.labour *= learning
        c.finishing *= learning
        c.machine_hours_per_unit *= learning
    if not _fits(facts.bbox_mm, proc["envelope_mm"]):
        c.sensible = False
        c.notes.append(said("exceeds_envelope"))
    max_q = proc.get("max_practical_qty")
    if max_q and quantity > max_q:
        c.sensible = False
        c.notes.append(said("above_max_qty", qty=int(max_q)))
    production = c.material + c.machine + c.labour + c.finishing + c.setup + c.tooling / quantity
    margin = production * params.num("margin_pct") / 100.0
    mass_kg = facts.volume_cm3 * _density(params, mat) / 1000.0
    logistics = landed_costs(
        params,
        origin=region,
        destination=client_country,
        quantity=quantity,
        unit_mass_kg=mass_kg,
        unit_volume_cm3=facts.bbox_volume_cm3,
        unit_value=production + margin,
    )
    breakdown = {
        "material": c.material,
        "machine": c.machine,
        "labour": c.labour,
        "finishing": c.finishing,
        "setup": c.setup,
        "tooling_amortised": c.tooling / quantity,
        "margin": margin,
        "shipping": logistics["shipping"],
        "duty": logistics["duty"],
        "cross_border": logistics["cross_border"],
    }
    rounded = {k: round(v, 4) for k, v in breakdown.items()}
    unit = round(sum(rounded.values()), 4)
    machines = proc.get("machines_in_parallel", 1)
    per_day = proc.get("hours_per_day", 16)
    production_days = c.machine_hours_per_unit * quantity / (machines * per_day)
    days = reg.lead_factor * (proc["base_lead_days"] + c.tooling_days + production_days)
    lead = math.ceil(days) + int(logistics["days"])
    assumptions = [
        *c.assumptions,
        said("region_rates", region=region, labour=reg.labour, capital=reg.capital_factor),
        said("margin", pct=params.num("margin_pct")),
        logistics["note"],
    ]
    if learning < 1.0:
        assumptions.append(said(
            "learning_curve", rate_pct=100 * _learning_rate(params, process),
            # a short citation (names and year read the same in every language); the full
            # one is the parameter's source
            factor_pct=100 * learning, source="T. P. Wright 1936"))
    details = dict(c.details, unit_mass_kg=round(mass_kg, 5), shipping_mode=logistics["mode"],
                   learning_factor=round(learning, 4))
    return Estimate(
        process=process,
        material=mat,
        region=region,
        quantity=quantity,
        unit_cost=unit,
        tooling_cost=round(c.tooling, 2),
        total_cost=round(unit * quantity, 2),
        lead_time_days=lead,
        breakdown=rounded,
        assumptions=assumptions,
        sensible=c.sensible,
        notes=c.notes,
        currency=str(params.get("currency")),
        details=details,
    )
