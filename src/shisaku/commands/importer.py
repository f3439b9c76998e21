"""`shisaku import manufacturers FILE`: check and load a manufacturer pool (all or nothing)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ENCODINGS = ("utf-8", "cp949", "shift_jis", "cp932", "gb18030", "big5")
DUPLICATES = ("refuse", "update", "create")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", choices=["manufacturers"])
    parser.add_argument("file", type=Path)
    parser.add_argument("--format", choices=["csv", "xlsx", "json"],
                        help="default: from the file name")
    parser.add_argument("--encoding", choices=ENCODINGS,
                        help="CSV text encoding (default: detected among UTF-8, CP949 and "
                             "Shift_JIS; check the sample of decoded names of a dry run)")
    parser.add_argument("--dry-run", action="store_true",
                        help="check every row and report; change nothing")
    parser.add_argument("--duplicates", choices=DUPLICATES, default="refuse",
                        help="rows without an id, slug or registration_number whose name and "
                             "region match a stored firm: refuse the file (default), update "
                             "that firm, or create a separate one")
    parser.add_argument("--source", default="",
                        help="where the data comes from (attribution kept on the batch and "
                             "on firms without a source column); default: the file name")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def run(args: argparse.Namespace) -> int:
    from shisaku.core.bootstrap import setup

    setup()
    from shisaku.directory.importer import import_pool

    report = import_pool(args.file, fmt=args.format, encoding=args.encoding,
                         dry_run=args.dry_run, duplicates=args.duplicates,
                         source=args.source)
    out = report.as_dict()
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 2 if report.errors else 0
    if report.fmt == "csv":
        print(f"encoding: {report.encoding} (plausibility {report.encoding_confidence:.2f})",
              file=sys.stderr)
    print("decoded names (check them before loading):", file=sys.stderr)
    for s in report.sample:
        print(f"  line {s['line']}: {s['name']}  {s['name_local']}", file=sys.stderr)
    for d in report.duplicates:
        matches = ", ".join(f"#{m['id']} {m['name']}" if "id" in m else f"line {m['line']}"
                            for m in d.matches)
        print(f"line {d.line}: probable duplicate: {d.name} ({d.region}) ~ {matches}",
              file=sys.stderr)
    for e in report.errors:
        print(f"line {e.line}: {e.field}: {e.reason}", file=sys.stderr)
    if report.errors:
        print(f"{len(report.errors)} problem(s) in {report.rows} row(s); nothing was "
              "changed", file=sys.stderr)
    elif report.dry_run:
        print(f"would load {len(report.records)} manufacturer(s) from {report.rows} row(s): "
              f"{report.to_create} new, {report.to_update} updated")
    else:
        print(f"loaded {len(report.records)} manufacturer(s) from {report.rows} row(s) "
              f"({report.encoding or report.fmt}): {report.created} created, "
              f"{report.updated} updated (batch {report.batch_id})")
    return 2 if report.errors else 0
