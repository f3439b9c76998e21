"""`shisaku export manufacturers`: the directory (or a filtered part) as JSON, CSV or XLSX."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", choices=["manufacturers"])
    parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
    parser.add_argument("--out", type=Path, help="file to write (default: standard output)")
    parser.add_argument("--query", default="",
                        help="directory filters as in the web list / API, e.g. "
                             "'country=KR&process=cnc_milling'")


def run(args: argparse.Namespace) -> int:
    from shisaku.core.bootstrap import setup

    setup()
    from django.http import QueryDict

    from shisaku.directory import selectors
    from shisaku.directory.exporter import write_records
    from shisaku.directory.filtersets import DirectoryFilter
    from shisaku.directory.records import iter_records
    from shisaku.errors import InputError

    form = DirectoryFilter(QueryDict(args.query))
    if not form.is_valid():
        first = form.errors_as_list()[0]
        raise InputError(first["field"], first["reason"])
    qs = form.filter(selectors.manufacturers_public())
    if args.format == "xlsx" and args.out is None:
        raise InputError("--out", "XLSX is binary: give a file with --out")
    if args.out is None:
        count = write_records(iter_records(qs), args.format, sys.stdout.buffer)
    else:
        with args.out.open("wb") as fh:
            count = write_records(iter_records(qs), args.format, fh)
    print(f"exported {count} manufacturer(s)", file=sys.stderr)
    return 0
