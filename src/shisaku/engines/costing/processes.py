"""Cost models of the processes without a part-specific tool: printing (FDM, SLA, powder bed),
CNC milling and turning, sheet metal. Each returns per-unit costs (USD) with its assumptions as
codes (``shisaku.engines.messages``)."""

from __future__ import annotations

import math
from typing import Any

from shisaku.engines.costing.facts import (
    PartFacts,
    _Cost,
    _density,
    _machinability,
    _price,
    _Region,
)
from shisaku.engines.costing.params import Parameters
from shisaku.engines.messages import said


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
    c.assumptions.append(said(
        "fdm", shell_mm=proc["shell_mm"], infill_pct=100 * proc["infill"],
        support_pct=100 * proc["support_fraction"], printed_cm3=printed,
        rate_cm3_h=proc["deposition_cm3_h"]))
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
    c.assumptions.append(said("sla", height_mm=height, per_build=per_build))
    return c


def _powder(p: Parameters, f: PartFacts, m: str, r: _Region, q: int, proc: dict[str, Any]) -> _Cost:
    """Powder-bed fusion priced as bureaus do: a part takes its bounding box out of a build
    packed to ``bbox_packing`` of the build volume; it pays that share of the build's machine
    time, of the unfused powder that is refreshed and of the build's post-processing (breaking
    out, depowdering and bead blasting the whole build: ``post_h_per_build`` labour hours),
    plus its own fused material and a per-part handling minimum ``post_h_min_per_part``
    (picking, checking, bagging). A 20 mm part thus pays seconds of blasting, a 150 mm housing
    minutes, as in bounding-box bureau prices (docs/ESTIMATING.md §6b)."""
    c = _Cost()
    bx, by, bz = proc["build_mm"]
    build_cm3 = bx * by * bz / 1000.0
    bbox_cm3 = max(f.bbox_volume_cm3, f.volume_cm3, 1e-9)
    share = bbox_cm3 / (build_cm3 * proc["bbox_packing"])  # of one build
    per_build = max(1.0, 1.0 / share)
    build_h = bz / proc["z_mm_h"] + proc["cooldown_h"]
    rate = r.machine_rate(proc["machine_capital_usd_h"], proc["operator_fraction"])
    mass = f.volume_cm3 * _density(p, m)  # g
    unfused = max(0.0, bbox_cm3 * proc["bulk_density_g_cm3"] - mass)  # powder in its box
    used_g = mass + proc["refresh"] * unfused
    c.material = used_g * _price(p, m, "powder") / 1000.0
    c.machine = build_h * rate / per_build
    post_h = proc["post_h_min_per_part"] + proc["post_h_per_build"] / per_build
    c.finishing = post_h * r.labour
    c.setup = proc["setup_h"] * r.labour / q
    c.machine_hours_per_unit = build_h / per_build
    c.assumptions.append(said(
        "powder_bed", per_build=int(per_build), bed_pct=100 * proc["bbox_packing"],
        build_h=build_h, refresh_pct=100 * proc["refresh"]))
    c.assumptions.append(said(
        "powder_post", build_post_h=proc["post_h_per_build"],
        min_per_part_min=60 * proc["post_h_min_per_part"], post_min=60 * post_h))
    return c


def _cnc_milling(p: Parameters, f: PartFacts, m: str, r: _Region, q: int, proc: dict[str, Any]) -> _Cost:
    c = _Cost()
    cls = _machinability(p, m)
    stock = f.stock_mm or tuple(x + 4.0 for x in f.bbox_mm)
    stock_cm3 = stock[0] * stock[1] * stock[2] / 1000.0
    removal_cm3 = (f.removal_volume_mm3 if f.removal_volume_mm3 is not None
                   else stock_cm3 * 1000.0 - f.volume_mm3) / 1000.0
    setups = min(6, 2 + f.side_actions)
    mrr = proc["mrr_cm3_min"][cls]
    cut_h = removal_cm3 / mrr / 60.0 + f.area_cm2 / proc["finish_cm2_min"][cls] / 60.0
    extra_h = milling_extra_hours(proc, f, mrr)
    hours = cut_h + setups * proc["load_h_per_setup"] + extra_h["total"]
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
    c.details = {"deep_pocket_extra_h": round(extra_h["deep_pocket"], 3),
                 "sharp_corner_extra_h": round(extra_h["sharp_corners"], 3)}
    c.assumptions.append(said(
        "cnc_milling", cls=cls, removal_cm3=removal_cm3, mrr=mrr, area_cm2=f.area_cm2,
        finish=proc["finish_cm2_min"][cls], setups=setups, programming_h=programming))
    return c


def milling_extra_hours(proc: dict[str, Any], f: PartFacts, mrr_cm3_min: float
                        ) -> dict[str, float]:
    """Extra machine hours per part for deep pockets and sharp internal corners.

    A pocket deeper than 3 × its width needs a long cutter whose removal rate falls with the
    square of the overhang (deflection grows with its cube; stepdown is cut to keep it):
    the pocket's volume is cut at mrr × (3 / ratio)². A sharp vertical internal corner needs a
    finishing pass with a small cutter or EDM: ``sharp_corner_h`` per corner (assumption).
    """
    pocket = f.deep_pocket or {}
    ratio = float(pocket.get("ratio", 0.0))
    deep = 0.0
    if ratio > 3.0:
        volume_cm3 = float(pocket.get("volume_mm3", 0.0)) / 1000.0
        deep = volume_cm3 / mrr_cm3_min / 60.0 * ((ratio / 3.0) ** 2 - 1.0)
    corners = f.sharp_internal_corners * proc["sharp_corner_h"]
    return {"deep_pocket": deep, "sharp_corners": corners, "total": deep + corners}


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
        c.notes.append(said("not_revolution"))
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
    c.assumptions.append(said("cnc_turning", bar_d=bar_d, bar_l=bar_l, removal_cm3=removal))
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
        c.notes.append(said("not_plate"))
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
    c.assumptions.append(said("sheet_metal", t_mm=t, blank_cm2=blank / 100, cut_m=cut / 1000,
                             speed=speed, pierces=pierces, bends=bends))
    return c


