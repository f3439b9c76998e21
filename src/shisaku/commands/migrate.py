"""`shisaku migrate`: create or update the database tables."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true")


def run(args: argparse.Namespace) -> int:
    from shisaku.core.bootstrap import setup

    setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0 if args.quiet else 1)
    return 0
