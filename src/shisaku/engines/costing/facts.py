"""What the cost models share: the part's facts, the estimate, the regional rates and the
material look-ups (USD, mm). The process models live in ``printing_machining`` and
``tooled``; :func:`shisaku.engines.costing.models.estimate_process` runs them."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from shisaku.engines.costing.params import Parameters
from shisaku.engines.messages import refuse, spoken

__all__ = [
    "GEOMETRY_PROCESSES",
    "Estimate",
    "PartFacts",
    "cooling_time_s",
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
    "die_casting",
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
    deep_pocket: Mapping[str, Any] | None = None  # {depth_mm, width_mm, ratio, volume_mm3}
    sharp_internal_corners: int = 0
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
            deep_pocket=g.get("milling", {}).get("deepest_pocket"),
            sharp_internal_corners=int(g.get("milling", {}).get("sharp_internal_corners", 0)),
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
    assumptions: list[dict[str, Any]]  # {code, params, message}
    sensible: bool = True
    notes: list[dict[str, Any]] = field(default_factory=list)
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
            "assumptions": [spoken(a) for a in self.assumptions],
            "sensible": self.sensible,
            "notes": [spoken(n) for n in self.notes],
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
    notes: list[dict[str, Any]] = field(default_factory=list)  # {code, params, message}
    assumptions: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


class _Region:
    def __init__(self, params: Parameters, code: str) -> None:
        if code not in params.regions:
            raise refuse("region", "region_no_rates", code=str(code), valid=params.regions)
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
        raise refuse("material", "process_not_making", process=process, material=material,
                     valid=allowed)
    return material


def _price(params: Parameters, material: str, form: str) -> float:
    key = f"{form}_usd_kg"
    if not params.has("materials", material, key):
        raise refuse("material", "material_no_price", form=form, code=str(material))
    return params.num("materials", material, key)


def _density(params: Parameters, material: str) -> float:
    return params.num("materials", material, "density_g_cm3")


def _machinability(params: Parameters, material: str) -> str:
    classes: Mapping[str, str] = params.get("material_classes")
    return classes.get(material, "plastic")


