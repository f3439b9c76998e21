"""`shisaku bench NAME …`: runs one benchmark of shisaku.bench and prints its figures.

Every benchmark module exposes ``add_arguments(parser)`` and ``run(args) -> dict``; the dict
holds the measured figures and the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json

BENCHES = ("matching", "consortium", "estimate", "api", "directory", "patching", "claims",
           "insights")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="bench", required=True)
    for name in BENCHES:
        if importlib.util.find_spec(f"shisaku.bench.{name}") is None:
            continue
        module = importlib.import_module(f"shisaku.bench.{name}")
        p = sub.add_parser(name, help=(module.__doc__ or name).splitlines()[0])
        module.add_arguments(p)
        p.add_argument("--json", action="store_true", help="print the figures as JSON")
        p.set_defaults(_bench=module)


def run(args: argparse.Namespace) -> int:
    figures = args._bench.run(args)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key}: {value}")
    return 0
