"""`shisaku match REQUEST.json [--top K] [--json]`: rank the manufacturers eligible for a requirement.

The requirement is the JSON object of ARCHITECTURE.md ("Requirement"); ``-`` reads it from
stdin. The directory is the embedded database under SHISAKU_HOME (or SHISAKU_DATABASE_URL).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from shisaku.errors import InputError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("request", metavar="REQUEST.json",
                        help="the requirement (JSON file, or - for stdin)")
    parser.add_argument("--top", type=int, default=20, metavar="K",
                        help="how many ranked results to print (default 20)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def read_requirement(source: str) -> Any:
    """The decoded JSON of a requirement file (or stdin for ``-``); InputError otherwise."""
    try:
        if source == "-":
            text = sys.stdin.read()
        else:
            with open(source, encoding="utf-8") as fh:
                text = fh.read()
    except OSError as exc:
        raise InputError("request", f"cannot read {source}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError("request", f"{source} is not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError("request", f"{source} is not valid JSON: {exc}") from None


def run(args: argparse.Namespace) -> int:
    from shisaku.engines.matching import parse_requirement

    if args.top < 0:
        raise InputError("top", "must be 0 or more")
    # Validate before starting Django: a bad requirement fails fast (exit 2).
    requirement = parse_requirement(read_requirement(args.request))

    from shisaku.core.bootstrap import setup

    setup()
    from shisaku.directory.adapters import match

    result = match(requirement, top_k=args.top)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(f"{result.eligible} of {result.considered} manufacturers eligible "
          f"({result.elapsed_ms:.1f} ms)")
    for rank, hit in enumerate(result.results, start=1):
        distance = "" if hit.distance_km is None else f"  {hit.distance_km:,.0f} km"
        print(f"{rank:3d}. {hit.score:.3f}  {hit.name} ({hit.slug}){distance}")
        for reason in hit.render_reasons():
            print(f"       - {reason}")
    return 0
