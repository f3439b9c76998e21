"""PCB fabrication and assembly cost from board size, layers, component and joint counts (no
geometry). Board: a prototype area price by layer count (falling with the order's board area
towards volume prices) plus per-order engineering; assembly: SMT placements on a line, hand
or selective soldering of through-hole joints, inspection, a stencil per side and a set-up per
order. Money in USD; components themselves are not included."""

from __future__ import annotations

import math
from typing import Any

from shisaku.engines.costing.facts import Estimate, _Region
from shisaku.engines.costing.logistics import landed_costs
from shisaku.engines.costing.models import learning_factor
from shisaku.engines.costing.params import Parameters
from shisaku.engines.messages import refuse, said

__all__ = ["estimate_board", "estimate_pcb"]


def _area_price(params: Parameters, layers: str, order_m2: float) -> float:
    fab = params.process("pcb_fabrication")
    proto = float(fab["usd_per_cm2_by_layers"][layers])
    floor = float(fab["volume_floor_usd_per_cm2"][layers])
    if order_m2 <= 1.0:
        return proto
    return max(floor, proto * float(order_m2 ** -float(fab["volume_exponent"])))


def estimate_pcb(
    params: Parameters,
    *,
    board_area_mm2: float | None = None,
    width_mm: float | None = None,
    height_mm: float | None = None,
    layers: int,
    quantity: int,
    region: str,
    client_country: str,
    components: int = 0,
    smt_placements: int | None = None,
    smt_joints: int = 0,
    tht_joints: int = 0,
    sides: int = 1,
    assembly: bool = True,
) -> Estimate:
    """Bare board (``pcb_fabrication``) or board plus assembly (``pcb_assembly``) per unit.

    Give the board as ``width_mm`` × ``height_mm`` (or ``board_area_mm2``). ``components`` are
    parts placed by the SMT line (``smt_placements`` overrides the count of placements, e.g.
    when some parts are placed twice); ``tht_joints`` are soldered by hand or selectively;
    ``sides`` (1 or 2) sets the stencils and line passes.
    """
    if board_area_mm2 is None:
        if not width_mm or not height_mm or width_mm <= 0 or height_mm <= 0:
            raise refuse("board", "board_size_missing")
        board_area_mm2 = width_mm * height_mm
    if board_area_mm2 <= 0:
        raise refuse("board", "board_area_not_positive")
    width_mm = width_mm or math.sqrt(board_area_mm2)
    height_mm = height_mm or board_area_mm2 / width_mm
    if quantity < 1:
        raise refuse("qty", "quantities_not_positive")
    if sides not in (1, 2):
        raise refuse("sides", "board_sides")
    if min(components, smt_joints, tht_joints, smt_placements or 0) < 0:
        raise refuse("components", "counts_negative")
    fab = params.process("pcb_fabrication")
    key = str(layers)
    if key not in fab["usd_per_cm2_by_layers"]:
        raise refuse("layers", "layers_no_price", layers=int(layers),
                     valid=sorted(fab["usd_per_cm2_by_layers"]))
    reg = _Region(params, region)
    # scale the labour share of the board price by the region's labour rate against China,
    # where the published prototype prices come from
    ref = params.num("regions", "CN", "labour_usd_h")
    ref_capital = params.num("regions", "CN", "capital_factor")
    share = fab["labour_share"]
    factor = (1 - share) * reg.capital_factor / ref_capital + share * reg.labour / ref
    area_cm2 = board_area_mm2 / 100.0
    order_m2 = area_cm2 * quantity / 10_000.0
    board = area_cm2 * _area_price(params, key, order_m2) * factor
    setup = fab["engineering_usd"][key] * factor / quantity
    machine = labour = tooling = 0.0
    days = float(fab["base_lead_days"])
    process = "pcb_fabrication"
    assumptions = [said("pcb_board", layers=layers, width_mm=width_mm, height_mm=height_mm,
                       area_cm2=area_cm2,
                       usd_cm2=_area_price(params, key, order_m2), basis="CN")]
    placements = smt_placements if smt_placements is not None else components
    if assembly and (placements or tht_joints):
        asm = params.process("pcb_assembly")
        process = "pcb_assembly"
        learning = learning_factor(params, process, quantity)
        line_rate = reg.machine_rate(asm["line_capital_usd_h"], asm["line_operators"])
        machine = placements / asm["placements_per_h"] * line_rate * learning
        labour = (tht_joints / asm["thd_joints_per_h"] + asm["inspection_h_per_board"]) * (
            reg.labour * learning)
        setup += asm["setup_h"] * sides * line_rate / quantity
        tooling = asm["stencil_usd"] * sides
        days += asm["base_lead_days"]
        assumptions.append(said("pcb_assembly", placements=placements, components=components,
                               sides=sides, tht=tht_joints))
    production = board + machine + labour + setup + tooling / quantity
    margin = production * params.num("margin_pct") / 100.0
    logistics = landed_costs(
        params, origin=region, destination=client_country, quantity=quantity,
        unit_mass_kg=area_cm2 * 0.16 * 1.85 / 1000.0, unit_volume_cm3=area_cm2 * 0.5,
        unit_value=production + margin, process=process,
    )
    breakdown = {
        "material": round(board, 4),
        "machine": round(machine, 4),
        "labour": round(labour, 4),
        "finishing": 0.0,
        "setup": round(setup, 4),
        "tooling_amortised": round(tooling / quantity, 4),
        "margin": round(margin, 4),
        "shipping": round(logistics["shipping"], 4),
        "duty": round(logistics["duty"], 4),
        "cross_border": round(logistics["cross_border"], 4),
    }
    unit = round(sum(breakdown.values()), 4)
    assumptions += [said("region_rates", region=region, labour=reg.labour,
                        capital=reg.capital_factor), logistics["note"], said("pcb_overhead")]
    return Estimate(
        process=process,
        material="fr4",
        region=region,
        quantity=quantity,
        unit_cost=unit,
        tooling_cost=round(tooling, 2),
        total_cost=round(unit * quantity, 2),
        lead_time_days=math.ceil(days * reg.lead_factor) + logistics["days"],
        breakdown=breakdown,
        assumptions=assumptions,
        currency=str(params.get("currency")),
        details={"order_area_m2": round(order_m2, 4), "sides": sides},
    )


def estimate_board(
    params: Parameters,
    *,
    width_mm: float,
    height_mm: float,
    layers: int,
    quantities: list[int],
    region: str,
    client_country: str,
    components: int = 0,
    smt_placements: int | None = None,
    tht_joints: int = 0,
    sides: int = 1,
    max_lead_days: int | None = None,
) -> dict[str, Any]:
    """The board's whole estimate in the shape of ``estimate_file``: ``pcb`` (the inputs),
    ``estimates`` (made in ``region``, plus the plan's choices elsewhere) and ``plan`` (the
    cheapest region within the lead-time limit per quantity)."""
    if not quantities or any(q < 1 for q in quantities):
        raise refuse("qty", "quantities_not_positive")
    limit = int(max_lead_days or params.num("max_lead_days"))
    kw: dict[str, Any] = {"width_mm": width_mm, "height_mm": height_mm, "layers": layers,
                          "components": components, "smt_placements": smt_placements,
                          "tht_joints": tht_joints, "sides": sides,
                          "client_country": client_country}
    if region not in params.regions:
        raise refuse("region", "region_no_rates", code=str(region), valid=params.regions)
    home = [estimate_pcb(params, region=region, quantity=q, **kw) for q in sorted(set(quantities))]
    estimates = [e.as_dict() for e in home]
    plan: list[dict[str, Any]] = []
    for q in sorted(set(quantities)):
        options = [estimate_pcb(params, region=r, quantity=q, **kw) for r in params.regions]
        timely = [e for e in options if e.lead_time_days <= limit] or options
        best = min(timely, key=lambda e: (e.unit_cost, e.lead_time_days, e.region))
        plan.append({"quantity": q, "process": best.process, "region": best.region,
                     "material": best.material, "unit_cost": best.unit_cost,
                     "total_cost": best.total_cost, "tooling_cost": best.tooling_cost,
                     "lead_time_days": best.lead_time_days, "currency": best.currency,
                     "on_time": best.lead_time_days <= limit})
        if best.region != region:
            estimates.append(dict(best.as_dict(), in_plan=True))
    for e in estimates:
        e.setdefault("in_plan", any(p["region"] == e["region"] and p["quantity"] == e["quantity"]
                                    for p in plan))
    return {"pcb": {"width_mm": width_mm, "height_mm": height_mm, "layers": layers,
                    "components": components, "smt_placements": smt_placements,
                    "tht_joints": tht_joints, "sides": sides},
            "dfm": [], "estimates": estimates, "plan": plan, "max_lead_days": limit}
