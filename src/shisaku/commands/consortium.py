"""`shisaku consortium REQUEST.json`: plan a joint order (one firm per work package and a lead).

The request format is described in docs/CONSORTIUM.md; ``manufacturers_file`` (a path
relative to the request file, the JSON list written by ``shisaku export manufacturers``) may
replace the inline ``manufacturers``. An infeasible plan is an answer, not an error (exit 0).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from shisaku.errors import InputError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("request", help="plan request (JSON file, or - for stdin)")
    parser.add_argument("--json", action="store_true", help="print the plan as JSON")
    parser.add_argument("--time-limit", type=float, default=None, metavar="S",
                        help="optimiser time limit in seconds (default: the request's, or 10)")


def _read_json(path: Path, field: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(field, f"cannot read {path}: {exc.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(field, f"{path} is not valid JSON: {exc}") from None


def load_request(source: str) -> dict[str, Any]:
    """Read a request file and inline the records of its ``manufacturers_file``."""
    import sys

    if source == "-":
        try:
            request = json.loads(sys.stdin.read())
        except json.JSONDecodeError as exc:
            raise InputError("request", f"stdin is not valid JSON: {exc}") from None
        base = Path.cwd()
    else:
        path = Path(source)
        request = _read_json(path, "request")
        base = path.parent
    if not isinstance(request, dict):
        raise InputError("request", "the request must be a JSON object")
    file_name = request.pop("manufacturers_file", None)
    if file_name is not None:
        if "manufacturers" in request:
            raise InputError("manufacturers_file", "give manufacturers or manufacturers_file")
        if not isinstance(file_name, str):
            raise InputError("manufacturers_file", "a path to the exported JSON list")
        request["manufacturers"] = _read_json(base / file_name, "manufacturers_file")
    return request


def _print_summary(plan: dict[str, Any]) -> None:
    print(f"status: {plan['status']}  ({plan['solve_ms']} ms)")
    if plan["lead"] is None:
        print(f"reason: {plan.get('reason', '')}")
        return
    print(f"lead: {plan['lead']['name']} ({plan['lead']['id']}, {plan['lead']['country']})")
    for package_id, member in plan["members"].items():
        firm = member["manufacturer"]
        print(f"  {package_id:<14} {firm['name']} ({firm['id']}, {firm['country']})  "
              f"cost {member['cost']} [{member['cost_source']}], "
              f"{member['lead_time_days']} d, {member['distance_to_lead_km']} km to lead")
    print(f"objective: {plan['objective']}  gap: {plan['gap']:.2%}")
    for name, term in plan["terms"].items():
        print(f"  {name:<11} {term['value']} x {term['weight']} = {term['weighted']}")
    if plan["greedy"] is not None:
        print(f"greedy baseline: {plan['greedy']['objective']}")
    for i, alternative in enumerate(plan["alternatives"], 1):
        print(f"alternative {i}: lead {alternative['lead']['name']}, "
              f"objective {alternative['objective']}")


def run(args: argparse.Namespace) -> int:
    from shisaku.engines.consortium import plan_consortium

    if args.time_limit is not None and args.time_limit <= 0:
        raise InputError("--time-limit", "a positive number of seconds")
    plan = plan_consortium(load_request(args.request), time_limit_s=args.time_limit)
    if args.json:
        print(json.dumps(plan, ensure_ascii=False, indent=2))
    else:
        _print_summary(plan)
    return 0
