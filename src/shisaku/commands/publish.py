"""`shisaku publish --out DIR`: write the directory's open-data snapshot (CSV, JSON, GeoJSON,
a data dictionary and a Frictionless Data Package descriptor) and the aggregated statistics
of the insights page into DIR."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, help="folder to write (created)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def run(args: argparse.Namespace) -> int:
    from shisaku.core.bootstrap import setup
    from shisaku.errors import InputError

    if args.out.exists() and not args.out.is_dir():
        raise InputError("--out", f"{args.out} exists and is not a folder")
    setup()
    from shisaku.directory.opendata import directory_publish

    summary = directory_publish(out_dir=args.out)  # the insights app adds its statistics
    summary.setdefault("insights", {"figures": 0})
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"published version {summary['version']}: {summary['manufacturers']} firms, "
              f"{summary['capabilities']} capabilities, "
              f"{summary['insights']['figures']} insights figures -> {args.out}")
    return 0
