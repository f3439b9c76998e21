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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shisaku.engines.costing.logistics import landed_costs
from shisaku.engines.costing.params import Parameters
from shisaku.errors import InputError

__all__ = [
    "GEOMETRY_PROCESSES",
    "Estimate",
    "PartFacts",
    "cooling_time_s",
    "estimate_process",
    "material_for",
]

GEOMETRY_PROCESSES = (
    "fdm_printing",
    "sla_printing",
    "sls_printing",
    "mjf_printing",
    "cnc_milling",
    "cnc_turning",
    "sheet_metal",
    "urethane_casting",
    "injection_molding",
)


@dataclass(frozen=True)
class PartFacts:
    """What the cost models need from the geometry (mm, mm², mm³)."""

    volume_mm3: float
    area_mm2: float
    bbox_mm: tuple[float, float, float]
    wall_p5_mm: float | None = None
    wall_p50_mm: float | None = None
    wall_p90_mm: float | None = None
    stock_mm: tuple[float, float, float] | None = None
    removal_volume_mm3: float | None = None
    surface_patches: int = 6
    through_holes: int = 0
    pull_axis: int = 2
    pull_projected_mm2: float | None = None
    side_actions: int = 0
    sheet: Mapping[str, Any] = field(default_factory=dict)
    turning: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_geometry(cls, g: Mapping[str, Any]) -> PartFacts:
        """Build from the dict of :func:`shisaku.engines.geometry.analyse`."""
        wall = g.get("wall_thickness_mm", {})
        mach = g.get("machining", {})
        mould = g.get("moulding", {})
        axis = "xyz".index(mould.get("pull_axis", "z"))
        bbox = tuple(float(x) for x in g["bbox_mm"])
        stock = mach.get("stock_mm")
        return cls(
            volume_mm3=float(g["volume_mm3"]),
            area_mm2=float(g["area_mm2"]),
            bbox_mm=(bbox[0], bbox[1], bbox[2]),
            wall_p5_mm=wall.get("p5"),
            wall_p50_mm=wall.get("p50"),
            wall_p90_mm=wall.get("p90"),
            stock_mm=(float(stock[0]), float(stock[1]), float(stock[2])) if stock else None,
            removal_volume_mm3=mach.get("removal_volume_mm3"),
            surface_patches=int(g.get("surface_patches", 6)),
            through_holes=int(g.get("through_holes", 0)),
            pull_axis=axis,
            pull_projected_mm2=mould.get("projected_area_mm2"),
            side_actions=int(mould.get("side_actions", 0)),
            sheet=g.get("sheet_metal", {}),
            turning=g.get("turning", {}),
        )

    @classmethod
    def box(cls, x: float, y: float, z: float, wall: float | None = None) -> PartFacts:
        """Facts of a closed box x × y × z mm, solid or hollow with a uniform ``wall``
        (for tests and quick what-ifs without a file)."""
        outer = x * y * z
        area = 2 * (x * y + y * z + x * z)
        if wall:
            ix, iy, iz = x - 2 * wall, y - 2 * wall, z - 2 * wall
            volume = outer - ix * iy * iz
            area += 2 * (ix * iy + iy * iz + ix * iz)
        else:
            volume = outer
        t = wall or min(x, y, z)
        allowance = 2.0
        stock = (x + 2 * allowance, y + 2 * allowance, z + 2 * allowance)
        return cls(
            volume_mm3=volume,
            area_mm2=area,
            bbox_mm=(x, y, z),
            wall_p5_mm=t,
            wall_p50_mm=t,
            wall_p90_mm=t,
            stock_mm=stock,
            removal_volume_mm3=stock[0] * stock[1] * stock[2] - volume,
            surface_patches=12 if wall else 6,
            pull_axis=2,
            pull_projected_mm2=x * y,
        )

    @property
    def volume_cm3(self) -> float:
        return self.volume_mm3 / 1000.0

    @property
    def area_cm2(self) -> float:
        return self.area_mm2 / 100.0

    @property
    def bbox_volume_cm3(self) -> float:
        return self.bbox_mm[0] * self.bbox_mm[1] * self.bbox_mm[2] / 1000.0


@dataclass
class Estimate:
    """One process × material × region × quantity. Money in USD; breakdown per unit."""

    process: str
    material: str
    region: str
    quantity: int
    unit_cost: float
    tooling_cost: float
    total_cost: float
    lead_time_days: int
    breakdown: dict[str, float]
    assumptions: list[str]
    sensible: bool = True
    notes: list[str] = field(default_factory=list)
    currency: str = "USD"
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "process": self.process,
            "material": self.material,
            "region": self.region,
            "quantity": self.quantity,
            "unit_cost": self.unit_cost,
            "tooling_cost": self.tooling_cost,
            "total_cost": self.total_cost,
            "currency": self.currency,
            "lead_time_days": self.lead_time_days,
            "breakdown": dict(self.breakdown),
            "assumptions": list(self.assumptions),
            "sensible": self.sensible,
            "notes": list(self.notes),
            "details": dict(self.details),
        }


def cooling_time_s(
    wall_mm: float, alpha_mm2_s: float, t_melt_c: float, t_mould_c: float, t_eject_c: float
) -> float:
    """Cooling time (s) of a moulded wall of full thickness ``wall_mm``:
    t = s² / (π² α) · ln[(4/π) (T_melt − T_mould) / (T_eject − T_mould)]."""
    if wall_mm <= 0 or alpha_mm2_s <= 0 or t_eject_c <= t_mould_c:
        raise ValueError("cooling time needs s > 0, alpha > 0 and T_eject > T_mould")
    ratio = (4.0 / math.pi) * (t_melt_c - t_mould_c) / (t_eject_c - t_mould_c)
    return wall_mm**2 / (math.pi**2 * alpha_mm2_s) * math.log(ratio)


@dataclass
class _Cost:
    """Per-unit production costs before margin and logistics, plus what the lead time needs."""

    material: float = 0.0
    machine: float = 0.0
    labour: float = 0.0
    finishing: float = 0.0
    setup: float = 0.0
    tooling: float = 0.0  # total tooling for the order (amortised over the quantity)
    machine_hours_per_unit: float = 0.0
    tooling_days: float = 0.0
    sensible: bool = True
    notes: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


class _Region:
    def __init__(self, params: Parameters, code: str) -> None:
        if code not in params.regions:
            raise InputError("region", f"no rate table for region {code!r}", valid=params.regions)
        self.code = code
        self.labour = params.num("regions", code, "labour_usd_h")
        self.capital_factor = params.num("regions", code, "capital_factor")
        self.toolmaker = params.num("regions", code, "toolmaker_usd_h")
        self.lead_factor = params.num("regions", code, "lead_time_factor")
        self.engineer = self.labour * params.num("engineer_factor")

    def machine_rate(self, capital_usd_h: float, operator_fraction: float) -> float:
        return capital_usd_h * self.capital_factor + operator_fraction * self.labour


def material_for(params: Parameters, process: str, material: str | None) -> str:
    """The material a process uses: ``material`` if the process can make it, else its default.

    Raises InputError("material", …) when ``material`` is given but not made by the process.
    """
    proc = params.process(process)
    allowed = list(proc.get("materials", []))
    if material is None:
        return str(proc["default_material"])
    if material not in allowed:
        raise InputError(
            "material", f"{process} does not make {material!r}", valid=allowed
        )
    return material


def _price(params: Parameters, material: str, form: str) -> float:
    key = f"{form}_usd_kg"
    if not params.has("materials", material, key):
        raise InputError("material", f"no {form} price for {material!r}")
    return params.num("materials", material, key)


def _density(params: Parameters, material: str) -> float:
    return params.num("materials", material, "density_g_cm3")


def _machinability(params: Parameters, material: str) -> str:
    classes: Mapping[str, str] = params.get("material_classes")
    return classes.get(material, "plastic")


# --- process models -------------------------------------------------------------------------


def _fdm(p: Parameters, f: PartFacts, m: str, r: _Region, q: int, proc: dict[str, Any]) -> _Cost:
    c = _Cost()
    shell = min(f.volume_cm3, f.area_cm2 * proc["shell_mm"] / 10.0)
    printed = (shell + proc["infill"] * (f.volume_cm3 - shell)) * (1 + proc["support_fraction"])
    hours = printed / proc["deposition_cm3_h"]
    c.material = printed * _density(p, m) * _price(p, m, "filament") / 1000.0
    c.machine = hours * r.machine_rate(proc["machine_capital_usd_h"], proc["operator_fraction"])
    c.finishing = proc["post_h"] * r.labour
    c.setup = proc["setup_h"] * r.labour / q
    c.machine_hours_per_unit = hours
    c.assumptions.append(
        f"FDM: {proc['shell_mm']} mm shell, {proc['infill']:.0%} infill, "
        f"{proc['support_fraction']:.0%} support: {printed:.1f} cm³ printed at "
        f"{proc['deposition_cm3_h']} cm³/h"
    )
    return c


def _sla(p: Parameters, f: PartFacts, m: str, r: _Region, q: int, proc: dict[str, Any]) -> _Cost:
    c = _Cost()
    dims = sorted(f.bbox_mm)
    height, footprint = dims[0], dims[1] * dims[2]
    platform = proc["platform_mm"][0] * proc["platform_mm"][1] * proc["nesting"]
    per_build = max(1, int(platform // max(footprint, 1e-9)))
    printed = f.volume_cm3 * (1 + proc["support_fraction"])
    hours = (height / proc["z_mm_h"]) / per_build + printed / proc["volume_cm3_h"]
    c.material = printed * _density(p, m) * _price(p, m, "liquid_resin") / 1000.0
    c.machine = hours * r.machine_rate(proc["machine_capital_usd_h"], proc["operator_fraction"])
    c.finishing = proc["post_h"] * r.labour
    c.setup = proc["setup_h"] * r.labour / q
    c.machine_hours_per_unit = hours
    c.assumptions.append(
        f"SLA: laid flat ({height:.0f} mm tall), {per_build} per platform; builds shared with "
        "other jobs"
    )
    return c


def _powder(p: Parameters, f: PartFacts, m: str, r: _Region, q: int, proc: dict[str, Any]) -> _Cost:
    c = _Cost()
    bx, by, bz = proc["build_mm"]
    build_cm3 = bx * by * bz / 1000.0
    per_build = max(
        1.0,
        min(build_cm3 * proc["packing"] / max(f.volume_cm3, 1e-9),
            build_cm3 * 0.35 / max(f.bbox_volume_cm3, 1e-9)),
    )
    build_h = bz / proc["z_mm_h"] + proc["cooldown_h"]
    rate = r.machine_rate(proc["machine_capital_usd_h"], proc["operator_fraction"])
    mass = f.volume_cm3 * _density(p, m)  # g
    unfused = max(0.0, build_cm3 * proc["bulk_density_g_cm3"] / per_build - mass)
    used_g = mass + proc["refresh"] * unfused
    c.material = used_g * _price(p, m, "powder") / 1000.0
    c.machine = build_h * rate / per_build
    c.finishing = proc["post_h"] * r.labour
    c.setup = proc["setup_h"] * r.labour / q
    c.machine_hours_per_unit = build_h / per_build
    c.assumptions.append(
        f"powder bed: {per_build:.0f} parts per full build ({proc['packing']:.0%} packing), "
        f"{build_h:.0f} h per build incl. cool-down, {proc['refresh']:.0%} powder refresh; "
        "builds shared with other jobs"
    )
    return c


def _cnc_milling(p: Parameters, f: PartFacts, m: str, r: _Region, q: int, proc: dict[str, Any]) -> _Cost:
    c = _Cost()
    cls = _machinability(p, m)
    stock = f.stock_mm or tuple(x + 4.0 for x in f.bbox_mm)
    stock_cm3 = stock[0] * stock[1] * stock[2] / 1000.0
    removal_cm3 = (f.removal_volume_mm3 if f.removal_volume_mm3 is not None
                   else stock_cm3 * 1000.0 - f.volume_mm3) / 1000.0
    setups = min(6, 2 + f.side_actions)
    cut_h = removal_cm3 / proc["mrr_cm3_min"][cls] / 60.0 + f.area_cm2 / proc["finish_cm2_min"][cls] / 60.0
    hours = cut_h + setups * proc["load_h_per_setup"]
    rate = r.machine_rate(proc["machine_capital_usd_h"], proc["operator_fraction"])
    programming = min(
        proc["programming_h_max"],
        proc["programming_h"] + proc["programming_h_per_patch"] * f.surface_patches,
    )
    c.material = stock_cm3 * _density(p, m) * _price(p, m, "stock") / 1000.0
    c.machine = hours * rate
    c.finishing = proc["post_h"] * r.labour
    c.setup = (programming * r.engineer + setups * proc["setup_h_per_setup"] * rate) / q
    c.machine_hours_per_unit = hours
    c.assumptions.append(
        f"CNC milling ({cls}): {removal_cm3:.1f} cm³ removed at {proc['mrr_cm3_min'][cls]} "
        f"cm³/min, {f.area_cm2:.0f} cm² finished at {proc['finish_cm2_min'][cls]} cm²/min, "
        f"{setups} set-ups, {programming:.1f} h CAM programming"
    )
    return c


def _cnc_turning(p: Parameters, f: PartFacts, m: str, r: _Region, q: int, proc: dict[str, Any]) -> _Cost:
    c = _Cost()
    cls = _machinability(p, m)
    mill = p.process("cnc_milling")
    if f.turning.get("candidate"):
        d = float(f.turning["diameter_mm"])
        length = float(f.turning["length_mm"])
    else:
        dims = sorted(f.bbox_mm)
        d, length = dims[2], dims[0]
        c.sensible = False
        c.notes.append("the part is not a solid of revolution: turning alone cannot make it")
    bar_d = d + proc["bar_allowance_mm"]
    bar_l = length + proc["bar_allowance_mm"]
    stock_cm3 = math.pi / 4 * bar_d**2 * bar_l / 1000.0
    removal = max(0.0, stock_cm3 - f.volume_cm3)
    hours = (
        removal / (mill["mrr_cm3_min"][cls] * proc["mrr_factor"]) / 60.0
        + f.area_cm2 / (mill["finish_cm2_min"][cls] * 2.0) / 60.0
        + proc["load_h"]
    )
    rate = r.machine_rate(proc["machine_capital_usd_h"], proc["operator_fraction"])
    c.material = stock_cm3 * _density(p, m) * _price(p, m, "stock") / 1000.0
    c.machine = hours * rate
    c.finishing = proc["post_h"] * r.labour
    c.setup = (proc["programming_h"] * r.engineer + proc["setup_h"] * rate) / q
    c.machine_hours_per_unit = hours
    c.assumptions.append(f"turning from Ø{bar_d:.1f} x {bar_l:.1f} mm bar, {removal:.1f} cm³ removed")
    return c


def _sheet(p: Parameters, f: PartFacts, m: str, r: _Region, q: int, proc: dict[str, Any]) -> _Cost:
    c = _Cost()
    sheet = f.sheet
    if sheet.get("thickness_mm"):
        t = float(sheet["thickness_mm"])
        blank = float(sheet["blank_area_mm2"])
        cut = float(sheet["cut_length_mm"])
        bends = int(sheet.get("bends", 0))
    else:
        dims = sorted(f.bbox_mm)
        t, blank, cut, bends = dims[0], dims[1] * dims[2], 2 * (dims[1] + dims[2]), 0
    if not sheet.get("candidate"):
        c.sensible = False
        c.notes.append("the part is not a plate of uniform thickness: not a sheet-metal part")
    speed = proc["cut_speed_m_min_at_1mm"] * max(t, 0.5) ** (-proc["cut_speed_exponent"])
    speed *= proc["material_speed_factor"].get(m, 0.7)
    pierces = f.through_holes + 1
    laser_h = (cut / 1000.0 / speed) / 60.0 + pierces * proc["pierce_s_per_mm"] * t / 3600.0
    bend_h = bends * proc["bend_s"] / 3600.0
    laser_rate = r.machine_rate(proc["laser_capital_usd_h"], proc["operator_fraction"])
    brake_rate = r.machine_rate(proc["brake_capital_usd_h"], 1.0)
    c.material = blank / proc["nesting"] * t / 1000.0 * _density(p, m) * _price(p, m, "sheet") / 1000.0
    c.machine = laser_h * laser_rate + bend_h * brake_rate
    c.finishing = proc["post_h"] * r.labour
    c.setup = (proc["programming_h"] * r.engineer + bends * proc["bend_setup_h"] * brake_rate) / q
    c.machine_hours_per_unit = laser_h + bend_h
    c.assumptions.append(
        f"sheet {t:.2f} mm, blank {blank / 100:.0f} cm², {cut / 1000:.2f} m laser cut at "
        f"{speed:.1f} m/min, {pierces} pierces, {bends} bends"
    )
    return c


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
    c.assumptions.append(
        f"vacuum casting: SLA master {master_cost:.0f} USD, {moulds} silicone mould(s) of "
        f"{silicone_kg:.2f} kg at {proc['mould_life_shots']} castings each, "
        f"{material_label(m)}-like PU resin"
    )
    return c


def material_label(code: str) -> str:
    return code.upper() if len(code) <= 4 else code


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
        c.assumptions.append("no wall-thickness measurement: 2.5 mm assumed for cooling")
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
    c.assumptions.append(
        f"moulding: {cavities} cavity(ies), wall {wall:.2f} mm (p90) -> cooling {t_cool:.1f} s, "
        f"cycle {cycle:.1f} s on a {tonnes:.0f} t press; mould {mould:.0f} USD "
        f"({info['mould_hours']:.0f} h at {r.toolmaker:g} USD/h + base {info['mould_base_usd']:.0f})"
    )
    if q < proc["min_practical_qty"]:
        c.sensible = False
        c.notes.append(f"below {proc['min_practical_qty']} units a steel mould is rarely sensible")
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
}


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
        raise InputError("process", f"no cost model for {process!r}", valid=list(GEOMETRY_PROCESSES))
    if quantity < 1:
        raise InputError("qty", "quantities must be positive integers")
    proc = params.process(process)
    mat = material_for(params, process, material)
    reg = params.region(region)
    if reg is None:
        reg = _Region(params, region)
        params.remember_region(region, reg)
    c = _MODELS[process](params, facts, mat, reg, quantity, proc)
    if not _fits(facts.bbox_mm, proc["envelope_mm"]):
        c.sensible = False
        c.notes.append("the part exceeds the common machine envelope")
    max_q = proc.get("max_practical_qty")
    if max_q and quantity > max_q:
        c.sensible = False
        c.notes.append(f"above {max_q} units this process is rarely sensible")
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
        f"{region} rates: labour {reg.labour:g} USD/h, capital factor {reg.capital_factor:g}",
        f"margin {params.num('margin_pct'):g} % on production cost",
        logistics["note"],
    ]
    details = dict(c.details, unit_mass_kg=round(mass_kg, 5), shipping_mode=logistics["mode"])
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
