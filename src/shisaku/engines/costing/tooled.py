"""Cost models of tooled processes: vacuum (urethane) casting in silicone moulds, injection
moulding and die casting in steel tools (tool cost after Boothroyd, Dewhurst & Knight). USD."""

from __future__ import annotations

import math
from typing import Any

from shisaku.engines.costing.facts import (
    PartFacts,
    _Cost,
    _density,
    _price,
    _Region,
    cooling_time_s,
)
from shisaku.engines.costing.params import Parameters
from shisaku.engines.costing.processes import _sla
from shisaku.engines.messages import said


def _urethane(p: Parameters, f: PartFacts, m: str, r: _Region, q: int, proc: dict[str, Any]) -> _Cost:
    c = _Cost()
    sla = p.process("sla_printing")
    master = _sla(p, f, "resin_standard", r, 1, sla)
    master_cost = master.material + master.machine + master.finishing + master.setup
    master_cost += proc["master_finish_h"] * r.labour
    w = proc["mould_wall_mm"]
    box_cm3 = (f.bbox_mm[0] + 2 * w) * (f.bbox_mm[1] + 2 * w) * (f.bbox_mm[2] + 2 * w) / 1000.0
    silicone_kg = max(0.0, box_cm3 - f.volume_cm3) * _density(p, "silicone") / 1000.0
    mould = silicone_kg * _price(p, "silicone", "casting_resin") + proc["mould_labour_h"] * r.labour
    life = proc["mould_life_shots"]
    moulds = math.ceil(q / life)
    # The master and the first mould are tooling; later moulds wear out with the castings,
    # so they are charged per part (mould / life) and the unit cost never jumps up.
    c.tooling = master_cost + mould
    c.labour = proc["cast_labour_h"] * r.labour + mould * max(0, q - life) / life / q
    c.material = f.volume_cm3 * _density(p, m) * (1 + proc["waste_fraction"]) * _price(p, m, "casting_resin") / 1000.0
    c.machine = proc["cure_h"] * proc["machine_capital_usd_h"] * r.capital_factor
    c.setup = proc["setup_h"] * r.labour / q
    c.machine_hours_per_unit = proc["cure_h"]
    c.details = {"moulds": moulds, "mould_cost": round(mould, 2), "master_cost": round(master_cost, 2)}
    c.assumptions.append(said(
        "vacuum_casting", master_usd=master_cost, moulds=moulds, silicone_kg=silicone_kg,
        life=int(proc["mould_life_shots"]), material=m))
    return c


def _mould_cost(
    p: Parameters, f: PartFacts, r: _Region, proc: dict[str, Any], cavities: int
) -> tuple[float, dict[str, Any]]:
    """Mould cost (USD) after Boothroyd, Dewhurst & Knight: base + hours × toolmaker rate."""
    across = [f.bbox_mm[i] for i in range(3) if i != f.pull_axis]
    depth = f.bbox_mm[f.pull_axis]
    rows = math.ceil(math.sqrt(cavities))
    cols = math.ceil(cavities / rows)
    gap = 20.0
    margin = proc["mould_plate_margin_mm"]
    plate_x = cols * across[0] + (cols - 1) * gap + 2 * margin
    plate_y = rows * across[1] + (rows - 1) * gap + 2 * margin
    ac_cm2 = plate_x * plate_y / 100.0
    hp_cm = (depth + 2 * proc["mould_plate_depth_margin_mm"]) / 10.0
    base = (proc["mould_base_usd"] + proc["mould_base_area_coeff"] * ac_cm2 * hp_cm**0.4) * r.capital_factor
    ap_cm2 = (f.pull_projected_mm2 or across[0] * across[1]) / 100.0
    x = 0.1 * f.surface_patches
    hours_one = (
        proc["cavity_hours_base"]
        + proc["cavity_hours_area_coeff"] * ap_cm2**1.2
        + proc["complexity_hours_coeff"] * x**1.27
        + proc["side_action_hours"] * f.side_actions
    )
    hours = hours_one * cavities ** proc["multi_cavity_exponent"]
    cost = base + hours * r.toolmaker
    return cost, {
        "cavities": cavities,
        "mould_base_usd": round(base, 2),
        "mould_hours": round(hours, 1),
        "toolmaker_usd_h": r.toolmaker,
        "side_actions": f.side_actions,
    }


def _moulding_for(
    p: Parameters, f: PartFacts, m: str, r: _Region, q: int, proc: dict[str, Any], cavities: int
) -> _Cost:
    c = _Cost()
    th = p.get("moulding_thermal", m)
    wall = f.wall_p90_mm or f.wall_p50_mm
    if not wall:
        wall = 2.5
        c.assumptions.append(said("no_wall_measured", wall_mm=2.5))
    wall = min(float(wall), 12.0)
    t_cool = cooling_time_s(
        wall, th["alpha_mm2_s"]["value"], th["t_melt_c"]["value"], th["t_mould_c"]["value"],
        th["t_eject_c"]["value"],
    )
    shot_cm3 = f.volume_cm3 * cavities * (1 + proc["runner_fraction"])
    depth = f.bbox_mm[f.pull_axis]
    cycle = (
        proc["fill_s"] + proc["fill_s_per_cm3"] * shot_cm3 + t_cool
        + proc["reset_s"] + proc["reset_s_per_mm_depth"] * depth
    )
    ap_mm2 = f.pull_projected_mm2 or f.bbox_mm[0] * f.bbox_mm[1]
    tonnes = max(proc["min_press_t"], ap_mm2 * cavities * proc["cavity_pressure_mpa"] / 1000.0 / 9.80665)
    rate = r.machine_rate(
        proc["press_capital_usd_h_base"] + proc["press_capital_usd_h_per_t"] * tonnes,
        proc["operator_fraction"],
    )
    good = 1.0 - proc["scrap_fraction"]
    c.material = f.volume_cm3 * _density(p, m) * (1 + proc["runner_fraction"]) / good * _price(p, m, "pellet") / 1000.0
    c.machine = cycle / 3600.0 * rate / cavities / good
    c.setup = proc["run_setup_h"] * (rate + r.labour) / q
    mould, info = _mould_cost(p, f, r, proc, cavities)
    shots = q / cavities
    moulds = max(1, math.ceil(shots / proc["mould_life_shots"]))
    c.tooling = mould
    # replacement moulds beyond the first one's life are charged per part (wear)
    c.machine += mould * max(0.0, shots - proc["mould_life_shots"]) / proc["mould_life_shots"] / q
    c.tooling_days = proc["tooling_lead_days"]
    c.machine_hours_per_unit = cycle / 3600.0 / cavities
    c.details = dict(info, cycle_s=round(cycle, 2), cooling_s=round(t_cool, 2),
                     wall_mm=round(wall, 3), press_t=round(tonnes, 1), moulds=moulds,
                     mould_cost=round(mould, 2))
    c.assumptions.append(said(
        "moulding", cavities=cavities, wall_mm=wall, cooling_s=t_cool, cycle_s=cycle,
        press_t=tonnes, mould_usd=mould, mould_h=info["mould_hours"], toolmaker=r.toolmaker,
        base_usd=info["mould_base_usd"], side_actions=f.side_actions))
    if q < proc["min_practical_qty"]:
        c.sensible = False
        c.notes.append(said("below_min_qty", qty=int(proc["min_practical_qty"])))
    return c


def _moulding(p: Parameters, f: PartFacts, m: str, r: _Region, q: int, proc: dict[str, Any]) -> _Cost:
    best: _Cost | None = None
    best_unit = math.inf
    for cav in proc["cavity_options"]:
        if cav > max(1, q):
            continue
        c = _moulding_for(p, f, m, r, q, proc, int(cav))
        unit = c.material + c.machine + c.setup + c.tooling / q
        if unit < best_unit - 1e-12:
            best, best_unit = c, unit
    assert best is not None
    return best




def _die_casting_for(
    p: Parameters, f: PartFacts, m: str, r: _Region, q: int, proc: dict[str, Any], cavities: int
) -> _Cost:
    """High-pressure die casting of aluminium or zinc: shot = parts + overflows and runner,
    cycle = dwell + solidification ∝ wall² + die spray and extraction, machine sized by the
    projected area at the intensification pressure, a hardened (H13) die costed like a mould
    (Boothroyd, Dewhurst & Knight) times a die factor, trimming per part."""
    c = _Cost()
    wall = float(f.wall_p90_mm or f.wall_p50_mm or 2.5)
    wall = min(wall, 10.0)
    density = _density(p, m)
    shot_kg = f.volume_cm3 * cavities * (1 + proc["overflow_fraction"]) * density / 1000.0
    cycle = proc["base_cycle_s"] + proc["solidify_s_per_mm2"] * wall**2 + proc[
        "cycle_s_per_kg"] * shot_kg
    ap_mm2 = f.pull_projected_mm2 or f.bbox_mm[0] * f.bbox_mm[1]
    tonnes = max(proc["min_machine_t"],
                 ap_mm2 * cavities * (1 + proc["overflow_fraction"]) * proc["cast_pressure_mpa"]
                 / 1000.0 / 9.80665)
    rate = r.machine_rate(proc["machine_capital_usd_h_base"]
                          + proc["machine_capital_usd_h_per_t"] * tonnes,
                          proc["operator_fraction"])
    good = 1.0 - proc["scrap_fraction"]
    # overflows and runners are remelted: only the melt loss is paid on them
    melt_kg = f.volume_cm3 * density / 1000.0 * (1 + proc["overflow_fraction"] * proc["melt_loss"])
    c.material = melt_kg / good * _price(p, m, "ingot")
    c.machine = cycle / 3600.0 * rate / cavities / good
    c.labour = proc["trim_s"] / 3600.0 * r.labour
    c.setup = proc["run_setup_h"] * (rate + r.labour) / q
    mould, info = _mould_cost(p, f, r, p.process("injection_molding"), cavities)
    die = mould * proc["die_factor"]
    shots = q / cavities
    c.tooling = die
    c.machine += die * max(0.0, shots - proc["die_life_shots"]) / proc["die_life_shots"] / q
    c.tooling_days = proc["tooling_lead_days"]
    c.machine_hours_per_unit = cycle / 3600.0 / cavities
    c.details = dict(info, cycle_s=round(cycle, 2), machine_t=round(tonnes, 1),
                     die_cost=round(die, 2), shot_kg=round(shot_kg, 4))
    c.assumptions.append(said(
        "die_casting", cavities=cavities, shot_kg=shot_kg, cycle_s=cycle, machine_t=tonnes,
        die_usd=die, die_h=info["mould_hours"] * proc["die_factor"], toolmaker=r.toolmaker,
        side_actions=f.side_actions, trim_s=proc["trim_s"]))
    if q < proc["min_practical_qty"]:
        c.sensible = False
        c.notes.append(said("below_min_qty", qty=int(proc["min_practical_qty"])))
    return c


def _die_casting(p: Parameters, f: PartFacts, m: str, r: _Region, q: int,
                 proc: dict[str, Any]) -> _Cost:
    best: _Cost | None = None
    best_unit = math.inf
    for cav in proc["cavity_options"]:
        if cav > max(1, q):
            continue
        c = _die_casting_for(p, f, m, r, q, proc, int(cav))
        unit = c.material + c.machine + c.labour + c.setup + c.tooling / q
        if unit < best_unit - 1e-12:
            best, best_unit = c, unit
    assert best is not None
    return best
