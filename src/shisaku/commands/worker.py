"""`shisaku worker`: the huey consumer (SQLite queue by default, Redis when configured)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, default=2)


def run(args: argparse.Namespace) -> int:
    from shisaku.core.bootstrap import setup

    setup()
    from django.core.management import call_command

    call_command("run_huey", workers=args.workers)
    return 0
