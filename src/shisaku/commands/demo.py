"""`shisaku demo`: set up the embedded database, load the sample data once, print the demo
logins and serve the platform on 127.0.0.1."""

from __future__ import annotations

import argparse
import time


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-serve", action="store_true", help="set up only; do not serve")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--size", type=int, default=600,
                        help="synthetic manufacturers to generate (default 600, up to 1,000,000)")
    parser.add_argument("--seed", type=int, default=7)


def run(args: argparse.Namespace) -> int:
    from shisaku.errors import InputError

    if not 0 <= args.size <= 1_000_000:
        raise InputError("--size", "give a number from 0 to 1,000,000")
    from shisaku.core.bootstrap import setup

    setup()
    from django.conf import settings
    from django.core.management import call_command

    from shisaku.directory.demo import demo_accounts_ensure
    from shisaku.directory.models import Manufacturer
    from shisaku.directory.services import sample_load

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    summary = sample_load(size=args.size, seed=args.seed)
    logins = demo_accounts_ensure(password_file=settings.HOME / "demo_logins.json")
    from shisaku.projects.demo import demo_projects_ensure

    projects = demo_projects_ensure()
    from shisaku.orders.demo import demo_orders_ensure

    orders = demo_orders_ensure()
    elapsed = time.perf_counter() - started
    total = Manufacturer.objects.count()
    print(f"Database: {settings.DATABASES['default']['NAME']}")
    print(f"Directory: {total} providers ({summary.created} added now), "
          f"{projects} sample project(s) and {orders} sample order(s) added, "
          f"in {elapsed:.1f} s")
    print("Demo logins (password kept in SHISAKU_HOME/demo_logins.json):")
    for login in logins:
        print(f"  {login['kind']:<13} {login['username']:<18} {login['password']}")
    if args.no_serve:
        return 0
    from shisaku.commands.serve import serve

    print(f"Serving on http://127.0.0.1:{args.port}/  (Ctrl-C stops)")
    return serve("127.0.0.1", args.port, 2)
