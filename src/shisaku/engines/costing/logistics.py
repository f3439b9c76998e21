"""Landed cost of an order: shipping from the maker's country to the client's, import duty and
the fixed costs of buying across a border (customs brokerage, one more sample round and an
inspection). Money in USD; all per-order charges are spread over the quantity.
"""

from __future__ import annotations

from typing import Any

from shisaku.engines.costing.params import Parameters
from shisaku.engines.messages import said

__all__ = ["landed_costs", "lane"]


def lane(params: Parameters, origin: str, destination: str) -> str:
    """Shipping lane between two countries: ``domestic``, ``east_asia`` or ``intercontinental``."""
    if origin == destination:
        return "domestic"
    asia = set(params.get("shipping", "east_asia"))
    if origin in asia and destination in asia:
        return "east_asia"
    return "intercontinental"


def _remote_hours(params: Parameters, process: str | None) -> float:
    by_process = params.get("cross_border", "remote_engineering_h_by_process") if params.has(
        "cross_border", "remote_engineering_h_by_process") else {}
    if process in by_process:
        return float(by_process[process])
    return params.num("cross_border", "remote_engineering_h")


def landed_costs(
    params: Parameters,
    *,
    origin: str,
    destination: str,
    quantity: int,
    unit_mass_kg: float,
    unit_volume_cm3: float,
    unit_value: float,
    process: str | None = None,
) -> dict[str, Any]:
    """Per-unit shipping, duty and cross-border overhead, transit days and the mode chosen.

    The cheaper of express (chargeable weight = max(actual, volumetric)) and freight (actual
    weight, high fixed cost) is used. Duty is charged on the ex-works value.
    """
    name = lane(params, origin, destination)
    rates = params.get("shipping", "lanes", name)
    actual = quantity * unit_mass_kg * params.num("shipping", "packaging_weight_factor")
    volumetric = (
        quantity * unit_volume_cm3 * params.num("shipping", "packed_volume_factor")
        / params.num("shipping", "volumetric_cm3_per_kg")
    )
    express = rates["express_fixed_usd"]["value"] + rates["express_usd_kg"]["value"] * max(actual, volumetric)
    freight = rates["freight_fixed_usd"]["value"] + rates["freight_usd_kg"]["value"] * actual
    if express <= freight:
        mode, charge, days = "express", express, rates["express_days"]["value"]
    else:
        mode, charge, days = "freight", freight, rates["freight_days"]["value"]
    duty = 0.0
    cross = 0.0
    where = {"origin": origin, "destination": destination, "mode": mode, "lane": name,
             "days": int(days)}
    note = said("shipping_domestic", **where)
    if name != "domestic":
        duties = params.get("cross_border", "import_duty_pct")
        pct = float(duties.get(destination, duties["default"]))
        duty = unit_value * pct / 100.0
        rates_h = params.get("cross_border", "client_engineer_usd_h")
        engineer = float(rates_h.get(destination, rates_h["default"]))
        fixed = (
            params.num("cross_border", "customs_clearance_usd")
            + _remote_hours(params, process) * engineer
        )
        inspection = min(
            params.num("cross_border", "inspection_usd") / quantity,
            params.num("cross_border", "inspection_max_pct") / 100.0 * unit_value,
        )
        cross = fixed / quantity + inspection
        note = said("shipping_cross_border", **where, duty_pct=pct)
    return {
        "shipping": charge / quantity,
        "duty": duty,
        "cross_border": cross,
        "days": int(days),
        "mode": mode,
        "lane": name,
        "note": note,
    }
