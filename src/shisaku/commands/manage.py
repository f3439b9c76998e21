"""`shisaku manage …`: any Django management command (makemigrations, createsuperuser, …)."""

from __future__ import annotations

import argparse
import os


def add_arguments(parser: argparse.ArgumentParser) -> None:  # arguments pass through
    parser.add_argument("args", nargs=argparse.REMAINDER)


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shisaku.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["shisaku manage", *args.args])
    return 0
