"""PCB fabrication and assembly cost from board area, layers, component and joint counts (no
geometry): a per-area board price and per-order engineering, then SMT placement time, hand
soldering of through-hole joints, stencil and set-up. Money in USD."""

from __future__ import annotations

import math

from shisaku.engines.costing.logistics import landed_costs
from shisaku.engines.costing.models import Estimate, _Region
from shisaku.engines.costing.params import Parameters
from shisaku.errors import InputError

__all__ = ["estimate_pcb"]


def estimate_pcb(
    params: Parameters,
    *,
    board_area_mm2: float,
    layers: int,
    quantity: int,
    region: str,
    client_country: str,
    components: int = 0,
    smt_joints: int = 0,
    tht_joints: int = 0,
    assembly: bool = True,
) -> Estimate:
    """Bare board (``pcb_fabrication``) or board plus assembly (``pcb_assembly``) per unit.

    ``components`` are SMT placements; ``smt_joints`` only inform the assumptions (placement,
    not joints, drives SMT time); ``tht_joints`` are soldered by hand or selectively.
    """
    if board_area_mm2 <= 0:
        raise InputError("board_area_mm2", "the board area must be positive")
    if quantity < 1:
        raise InputError("qty", "quantities must be positive integers")
    fab = params.process("pcb_fabrication")
    prices = fab["usd_per_cm2_by_layers"]
    key = str(layers)
    if key not in prices:
        raise InputError("layers", f"no price for {layers} layers", valid=sorted(prices))
    reg = _Region(params, region)
    # scale the labour share of the board price by the region's labour rate against KR
    ref = params.num("regions", "KR", "labour_usd_h")
    share = fab["labour_share"]
    factor = (1 - share) * reg.capital_factor + share * reg.labour / ref
    area_cm2 = board_area_mm2 / 100.0
    board = area_cm2 * prices[key] * factor
    setup = fab["engineering_usd"][key] * factor / quantity
    machine = labour = tooling = 0.0
    days = float(fab["base_lead_days"])
    process = "pcb_fabrication"
    assumptions = [f"{layers}-layer FR-4 board, {area_cm2:.1f} cm², {prices[key]} USD/cm² (KR basis)"]
    if assembly and (components or tht_joints):
        asm = params.process("pcb_assembly")
        process = "pcb_assembly"
        line_rate = reg.machine_rate(asm["line_capital_usd_h"], asm["line_operators"])
        machine = components / asm["placements_per_h"] * line_rate
        labour = (tht_joints / asm["thd_joints_per_h"] + asm["inspection_h_per_board"]) * reg.labour
        setup += asm["setup_h"] * line_rate / quantity
        tooling = asm["stencil_usd"]
        days += asm["base_lead_days"]
        assumptions.append(
            f"{components} SMT placements at {asm['placements_per_h']:g}/h, {tht_joints} "
            f"through-hole joints, {smt_joints} SMT joints; components not included"
        )
    production = board + machine + labour + setup + tooling / quantity
    margin = production * params.num("margin_pct") / 100.0
    logistics = landed_costs(
        params, origin=region, destination=client_country, quantity=quantity,
        unit_mass_kg=area_cm2 * 0.16 * 1.85 / 1000.0, unit_volume_cm3=area_cm2 * 0.5,
        unit_value=production + margin,
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
    assumptions += [logistics["note"], "board price includes the fabricator's own overhead"]
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
    )
