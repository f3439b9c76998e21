"""The engine against published prices: each case of ``calibration.json`` computed with the
default parameters, with the ratio engine / published. ``python -m
shisaku.engines.costing.calibration`` prints the table of docs/ESTIMATING.md."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from shisaku.engines.costing.facts import PartFacts, _Region
from shisaku.engines.costing.models import estimate_process
from shisaku.engines.costing.params import Parameters, default_parameters
from shisaku.engines.costing.pcb import estimate_pcb
from shisaku.engines.costing.tooled import _mould_cost

__all__ = ["calibration_cases", "calibration_markdown", "calibration_table", "engine_value"]


def calibration_cases() -> list[dict[str, Any]]:
    text = resources.files("shisaku.engines.costing").joinpath("calibration.json").read_text(
        encoding="utf-8")
    return list(json.loads(text)["cases"])


def _facts(part: dict[str, Any]) -> PartFacts:
    x, y, z = part["box"]
    facts = PartFacts.box(x, y, z, wall=part.get("wall"))
    if "volume_mm3" in part:
        facts = PartFacts(**{**facts.__dict__, "volume_mm3": float(part["volume_mm3"])})
    return facts


def _ex_works(unit_cost: float, breakdown: dict[str, float]) -> float:
    return unit_cost - breakdown["shipping"] - breakdown["duty"] - breakdown["cross_border"]


def engine_value(case: dict[str, Any], params: Parameters | None = None) -> float:
    """What the engine says for ``case`` (USD), on the case's own terms."""
    p = params or default_parameters()
    kind, region = case["kind"], case["region"]
    country = region
    if kind == "ex_works_unit":
        e = estimate_process(p, _facts(case["part"]), case["process"], region=region,
                             quantity=int(case["quantity"]), client_country=country)
        return _ex_works(e.unit_cost, e.breakdown)
    if kind == "tooling":
        e = estimate_process(p, _facts(case["part"]), case["process"], region=region,
                             quantity=int(case["quantity"]), client_country=country)
        return e.tooling_cost
    if kind == "pcb_ex_works_unit":
        b = case["board"]
        e = estimate_pcb(p, width_mm=b["width_mm"], height_mm=b["height_mm"],
                         layers=b["layers"], quantity=int(case["quantity"]), region=region,
                         client_country=country, assembly=False)
        return _ex_works(e.unit_cost, e.breakdown)
    if kind == "mould_1_cavity":
        cost, _info = _mould_cost(p, _facts(case["part"]), _Region(p, region),
                                  p.process(case["process"]), 1)
        return cost
    if kind == "machine_rate":
        proc = p.process(case["process"])
        rate = _Region(p, region).machine_rate(proc["machine_capital_usd_h"],
                                                proc["operator_fraction"])
        return rate * (1 + p.num("margin_pct") / 100.0)
    raise ValueError(f"unknown calibration kind {kind!r}")


def calibration_table(params: Parameters | None = None) -> list[dict[str, Any]]:
    """Every case with ``engine_usd`` and ``ratio`` (engine / published)."""
    rows = []
    for case in calibration_cases():
        value = engine_value(case, params)
        rows.append(dict(case, engine_usd=round(value, 2),
                         ratio=round(value / float(case["published_usd"]), 3)))
    return rows


def calibration_markdown(params: Parameters | None = None) -> str:
    """The table of docs/ESTIMATING.md §6b (Markdown), one row per case; a test keeps the
    document equal to it."""
    lines = ["| case | process | region | published (USD) | engine (USD) | ratio | source |",
             "|---|---|---|---|---|---|---|"]
    for r in calibration_table(params):
        lines.append(f"| {r['id']} | {r['process']} | {r['region']} | "
                     f"{r['published_usd']:,.2f} ({r['published']}) | {r['engine_usd']:,.2f} | "
                     f"{r['ratio']:.2f} | {r['source']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(calibration_markdown())
