"""`shisaku estimate FILE`: geometry, DFM findings, costs per process and quantity, and the
sourcing plan for one CAD file (STL, OBJ, 3MF, STEP). Money in USD. No database needed."""

from __future__ import annotations

import argparse
import json
from typing import Any

from shisaku.errors import InputError

UNITS = ("mm", "inch", "m", "auto")


def _quantities(text: str) -> list[int]:
    try:
        values = [int(x.replace("_", "")) for x in text.split(",") if x.strip()]
    except ValueError as exc:
        raise InputError("qty", f"not a comma-separated list of integers: {text!r}") from exc
    if not values or any(v < 1 for v in values):
        raise InputError("qty", "quantities must be positive integers")
    return values


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", help="CAD file: .stl, .obj, .3mf, .step/.stp "
                        "(or none with --pcb)")
    parser.add_argument("--units", choices=UNITS, default="auto",
                        help="units of an STL/OBJ file (default: guessed from its size)")
    parser.add_argument("--process", action="append", metavar="P",
                        help="process code to cost (repeatable; default: all with a model)")
    parser.add_argument("--material", metavar="M", help="material code (default: per process)")
    parser.add_argument("--qty", default=None, metavar="Q,Q,…",
                        help="quantities (default: 1,10,100,300,1000,5000,30000)")
    parser.add_argument("--region", default=None,
                        help="country where the listed estimates are made (default: the client's, "
                        "else KR); the plan considers every region")
    parser.add_argument("--client-country", default="KR", help="where the parts are delivered")
    parser.add_argument("--target", type=float, default=None, metavar="USD",
                        help="target unit cost to check the plan against")
    parser.add_argument("--max-triangles", type=int, default=None,
                        help="refuse meshes with more triangles (default 2,000,000)")
    parser.add_argument("--plot", metavar="FILE.svg", help="also write the cost-curve plot here")
    parser.add_argument("--target-currency", default="USD", metavar="CUR",
                        help="currency of --target (KRW, JPY, CNY, EUR: converted with dated "
                        "rates)")
    parser.add_argument("--max-lead-days", type=int, default=None, metavar="DAYS",
                        help="longest acceptable lead time for the plan (default 60)")
    pcb = parser.add_argument_group("printed circuit boards (instead of a CAD file)")
    pcb.add_argument("--pcb", metavar="WxH", help="board size in mm, e.g. 100x80")
    pcb.add_argument("--layers", type=int, default=2, help="copper layers (1, 2, 4, 6, 8)")
    pcb.add_argument("--components", type=int, default=0,
                     help="SMT components per board (0: bare boards)")
    pcb.add_argument("--smt-placements", type=int, default=None,
                     help="SMT placements per board when they differ from --components")
    pcb.add_argument("--tht-joints", type=int, default=0, help="through-hole joints per board")
    pcb.add_argument("--sides", type=int, default=1, choices=(1, 2),
                     help="sides with components")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")


def _text_report(result: dict[str, Any]) -> str:
    g = result["geometry"]
    lines = [
        f"part: {' x '.join(f'{x:.1f}' for x in g['bbox_mm'])} mm, volume {g['volume_mm3'] / 1000:.2f} cm³, "
        f"area {g['area_mm2'] / 100:.1f} cm², {g['bodies']} body(ies), "
        f"{'watertight' if g['watertight'] else 'NOT watertight'}, units {g['units_assumed']} "
        f"({g['units_source']})",
    ]
    for f in result["dfm"]:
        lines.append(f"  [{f['severity']}] {f['check']}: {f['message']}")
    if result.get("plan_basis"):
        lines.append(f"plan: {result['plan_basis']['message']}; lead time at most "
                     f"{result.get('max_lead_days')} days")
    lines.append("plan (landed unit cost, USD):")
    for row in result["plan"]:
        if row.get("process"):
            lines.append(
                f"  {row['quantity']:>7,}  {row['process']:<18} {row['material']:<15} "
                f"{row['region']}  {row['unit_cost']:>10.2f}  tooling "
                f"{row['tooling_cost']:>9.0f}  {row['lead_time_days']} days"
                + ("" if row.get("on_time", True) else "  (later than the limit)")
            )
        else:
            lines.append(f"  {row['quantity']:>7,}  {row.get('note', '')}")
    for x in result["crossovers"]["process"]:
        lines.append(f"crossover: {x['from']} -> {x['to']} at {x['quantity']:,} units")
    for x in result["crossovers"]["region"]:
        lines.append(f"region change: {x['from']} -> {x['to']} at {x['quantity']:,} units")
    for x in result["crossovers"].get("near_ties", []):
        where = f"{x['process']}: " if x.get("process") else ""
        lines.append(
            f"near tie: {where}{' and '.join(x['regions'])} within 2 % from "
            f"{x['from_quantity']:,} to {x['to_quantity']:,} units"
        )
    for t in result.get("target", []):
        state = "met" if t["met"] else f"gap {t['gap']:+.2f}"
        lines.append(f"target at {t['quantity']:,}: {state}; "
                     + "; ".join(lever["message"] for lever in t["levers"]))
    return "\n".join(lines)


def _board_size(text: str) -> tuple[float, float]:
    try:
        w, h = (float(x) for x in text.lower().replace("×", "x").split("x"))
    except ValueError as exc:
        raise InputError("pcb", f"give the board as WIDTHxHEIGHT in mm, not {text!r}") from exc
    if w <= 0 or h <= 0:
        raise InputError("pcb", "the board's width and height must be positive")
    return w, h


def _pcb_report(result: dict[str, Any]) -> str:
    b = result["pcb"]
    lines = [f"board: {b['width_mm']:g} x {b['height_mm']:g} mm, {b['layers']} layers, "
             f"{b['components']} components, {b['tht_joints']} through-hole joints",
             "plan (landed unit cost, USD):"]
    for row in result["plan"]:
        lines.append(f"  {row['quantity']:>7,}  {row['process']:<18} {row['region']}  "
                     f"{row['unit_cost']:>10.2f}  {row['lead_time_days']} days")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from shisaku.engines.costing import default_parameters, estimate_board, estimate_file

    params = default_parameters()
    if args.pcb:
        w, h = _board_size(args.pcb)
        client = str(args.client_country).upper()
        region = str(args.region).upper() if args.region else (
            client if client in params.regions else "CN")
        board = estimate_board(
            params, width_mm=w, height_mm=h, layers=args.layers,
            quantities=_quantities(args.qty) if args.qty else [1, 10, 100, 1000],
            region=region, client_country=client, components=args.components,
            smt_placements=args.smt_placements, tht_joints=args.tht_joints, sides=args.sides,
            max_lead_days=args.max_lead_days)
        print(json.dumps(board, ensure_ascii=False, indent=1) if args.json
              else _pcb_report(board))
        return 0
    if not args.file:
        raise InputError("file", "give a CAD file, or --pcb WxH for a printed circuit board")
    client = str(args.client_country).upper()
    region = str(args.region).upper() if args.region else (client if client in params.regions else "KR")
    quantities = _quantities(args.qty) if args.qty else None
    if args.max_triangles is not None and args.max_triangles < 1:
        raise InputError("max_triangles", "must be a positive integer")
    result = estimate_file(
        args.file,
        units=args.units,
        processes=args.process,
        material=args.material,
        quantities=quantities,
        region=region,
        client_country=client,
        target_unit_cost=args.target,
        target_currency=str(args.target_currency).upper(),
        max_lead_days=args.max_lead_days,
        include_plot=bool(args.plot),
        max_triangles=args.max_triangles,
        params=params,
    )
    if args.plot:
        with open(args.plot, "w", encoding="utf-8") as fh:
            fh.write(result.pop("plot_svg"))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(_text_report(result))
    return 0
