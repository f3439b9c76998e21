"""`shisaku import manufacturers FILE`: check and load a manufacturer pool (all or nothing)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", choices=["manufacturers"])
    parser.add_argument("file", type=Path)
    parser.add_argument("--format", choices=["csv", "xlsx", "json"],
                        help="default: from the file name")
    parser.add_argument("--encoding", choices=["utf-8", "cp949", "shift_jis"],
                        help="CSV text encoding (default: detected)")
    parser.add_argument("--dry-run", action="store_true",
                        help="check every row and report; change nothing")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def run(args: argparse.Namespace) -> int:
    from shisaku.core.bootstrap import setup

    setup()
    from shisaku.directory.importer import import_pool

    report = import_pool(args.file, fmt=args.format, encoding=args.encoding,
                         dry_run=args.dry_run)
    out = report.as_dict()
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for e in report.errors:
            print(f"line {e.line}: {e.field}: {e.reason}", file=sys.stderr)
        verb = "would load" if report.dry_run and not report.errors else "loaded"
        if report.errors:
            print(f"{len(report.errors)} problem(s) in {report.rows} row(s); nothing was "
                  "changed", file=sys.stderr)
        else:
            print(f"{verb} {len(report.records)} manufacturer(s) from {report.rows} row(s) "
                  f"({report.encoding or report.fmt}): {report.created} created, "
                  f"{report.updated} updated")
    return 2 if report.errors else 0
